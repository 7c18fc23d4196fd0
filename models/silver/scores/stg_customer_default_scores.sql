{#- The model's scores, 1:1 with the ml source: the one place gold reads them from. -#}

with

scores as (select * from {{ source('ml', 'customer_default_scores') }}),

final as (
    select
        customer_id,
        observation_date,
        probability_of_default,
        risk_band,
        model_version,
        scored_at,
        reason_1,
        reason_2,
        reason_3
    from scores
)

select * from final
