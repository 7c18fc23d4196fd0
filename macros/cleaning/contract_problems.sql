{#- Every contract problem of a row (see value_problem), comma-separated, or null. -#}
{% macro contract_problems(columns) -%}
    {%- set problems = [] -%}
    {%- for col in columns -%}
        {%- do problems.append(finlake.value_problem(col)) -%}
    {%- endfor -%}
    {{ finlake.reason_codes(problems) }}
{%- endmacro %}
