{#- True when a decimal value was delivered with a currency sign or thousands separators and recovered. -#}
{% macro amount_corrected(col, expr=none) -%}
    {%- set text = finlake.clean_text(expr if expr is not none else adapter.quote(col.name)) -%}
    coalesce(
        not {{ finlake.regex_matches(text, finlake.decimal_pattern(col.precision, col.scale)) }}
        and {{ finlake.regex_matches(text, finlake.patterns().amount_with_symbol) }},
        false
    )
{%- endmacro %}
