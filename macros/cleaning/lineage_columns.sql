{#- The load lineage every silver row keeps: which batch, file and line it came from. -#}
{% macro lineage_columns(relation_alias=none) -%}
    {%- set p = (relation_alias ~ '.') if relation_alias else '' -%}
    {{ p }}extract_date as _extract_date,
    {{ p }}_batch_id,
    {{ p }}_source_file,
    {{ p }}_line_number,
    {{ p }}_loaded_at
{%- endmacro %}
