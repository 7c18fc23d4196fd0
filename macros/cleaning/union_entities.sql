{#- `select * from <entity><suffix>` for every landing entity (silver_entities), joined by
    `union all`: the per-entity CTEs of quarantine and reconciliation as one relation. -#}
{% macro union_entities(suffix='') -%}
    {%- for entity in finlake.silver_entities() %}
    select * from {{ entity.name }}{{ suffix }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
