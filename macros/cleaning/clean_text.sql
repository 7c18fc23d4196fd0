{#- Trimmed text; an empty or blank field is null (the contract: empty field = null). -#}
{% macro clean_text(expr) -%}
    nullif(trim({{ expr }}), '')
{%- endmacro %}
