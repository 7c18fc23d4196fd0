{#- Aggregate text values into one delimited string, in a given order. -#}
{% macro list_agg(expr, delimiter, order_by) -%}
    {{ return(adapter.dispatch('list_agg', 'finlake')(expr, delimiter, order_by)) }}
{%- endmacro %}

{% macro default__list_agg(expr, delimiter, order_by) -%}
    array_join(array_agg({{ expr }} order by {{ order_by }}), '{{ delimiter }}')
{%- endmacro %}

{% macro duckdb__list_agg(expr, delimiter, order_by) -%}
    string_agg({{ expr }}, '{{ delimiter }}' order by {{ order_by }})
{%- endmacro %}
