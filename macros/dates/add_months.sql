{#- A date `n` months after a date expression, as a date on every engine (DuckDB returns a timestamp). -#}
{% macro add_months(date_expr, n) -%}
    cast({{ dbt.dateadd('month', n, date_expr) }} as date)
{%- endmacro %}

{#- A date `n` days after a date expression, as a date. -#}
{% macro add_days(date_expr, n) -%}
    cast({{ dbt.dateadd('day', n, date_expr) }} as date)
{%- endmacro %}

{#- The first day of the month of a date expression, as a date. -#}
{% macro month_start(date_expr) -%}
    cast({{ dbt.date_trunc('month', date_expr) }} as date)
{%- endmacro %}
