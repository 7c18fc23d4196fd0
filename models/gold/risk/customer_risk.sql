{#- One row per customer: the default model's probability and risk band next to the facts a
    risk analyst checks them against, and the expected 12-month loss on the loan book
    (probability x outstanding principal x var('loss_given_default')). Customers the model has
    not scored (no loan at the scoring date, or before the first `finlake train`) have nulls. -#}

with

summary as (
    select * from {{ ref('customer_summary') }}
),

customers as (
    select
        customer_id,
        credit_score_band,
        age_band,
        region
    from {{ ref('dim_customers') }}
),

scores as (
    select * from {{ ref('stg_customer_default_scores') }}
),

final as (
    select
        cast(summary.customer_id as varchar) as customer_id,
        cast(customers.credit_score_band as varchar) as credit_score_band,
        cast(customers.age_band as varchar) as age_band,
        cast(customers.region as varchar) as region,
        cast(summary.loan_count as bigint) as loan_count,
        cast(summary.outstanding_loan_principal as decimal(18, 2)) as outstanding_loan_principal,
        cast(summary.credit_utilisation as double) as credit_utilisation,
        cast(summary.worst_days_past_due as bigint) as worst_days_past_due,
        cast(summary.is_in_arrears as boolean) as is_in_arrears,
        cast(scores.probability_of_default as double) as probability_of_default,
        cast(coalesce(scores.risk_band, 'unscored') as varchar) as risk_band,
        cast(
            scores.probability_of_default * summary.outstanding_loan_principal * {{ var('loss_given_default') }}
            as decimal(18, 2)
        ) as expected_loss_12m,
        cast(scores.model_version as varchar) as model_version,
        cast(scores.observation_date as date) as scored_as_of
    from summary
    inner join customers
        on summary.customer_id = customers.customer_id
    left join scores
        on summary.customer_id = scores.customer_id
)

select * from final
