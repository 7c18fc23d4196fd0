{#- The default model's monitoring, 1:1 with the ml source: PSI and calibration per date. -#}

with

monitoring as (select * from {{ source('ml', 'model_monitoring') }}),

final as (
    select
        observation_date,
        measure,
        subject,
        row_count,
        metric_value,
        expected_value,
        status,
        model_version
    from monitoring
)

select * from final
