{#- Every contract problem of a row (see value_problem), comma-separated, or null.
    In an entity with a `currency` column, an amount written with a currency sign ('$1,234.50',
    'USD 12.00') is recovered only when the row's currency is USD; on a row of any other
    currency the sign contradicts it, and the amount is invalid: invalid_amount:<column>. -#}
{% macro contract_problems(columns) -%}
    {%- set problems = [] -%}
    {%- set names = columns | map(attribute='name') | list -%}
    {%- for col in columns -%}
        {%- do problems.append(finlake.value_problem(col)) -%}
        {%- if col.base_type == 'decimal' and 'currency' in names -%}
            {%- do problems.append(
                "case when " ~ finlake.amount_corrected(col)
                ~ " and " ~ finlake.regex_matches(finlake.clean_text(adapter.quote(col.name)), '^(USD|[$])')
                ~ " and coalesce(upper(" ~ finlake.clean_text(adapter.quote('currency')) ~ "), '') <> 'USD'"
                ~ " then 'invalid_amount:" ~ col.name ~ "' end") -%}
        {%- endif -%}
    {%- endfor -%}
    {{ finlake.reason_codes(problems) }}
{%- endmacro %}
