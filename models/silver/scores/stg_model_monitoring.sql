{#- The default model's monitoring, 1:1 with the ml source: PSI and calibration per date. -#}

with

monitoring as (select * from {{ source('ml', 'model_monitoring') }}),

final as ({{ finlake.declared_select('monitoring') }})

select * from final
