{#- The model's scores, 1:1 with the ml source: the one place gold reads them from. -#}

with

scores as (select * from {{ source('ml', 'customer_default_scores') }}),

final as ({{ finlake.declared_select('scores') }})

select * from final
