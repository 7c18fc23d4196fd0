{#- Comma-separated reason codes from a list of nullable code expressions; null when none apply. -#}
{% macro reason_codes(expressions) -%}
    nullif(concat_ws(','
    {%- for e in expressions %},
        {{ e }}
    {%- endfor %}
    ), '')
{%- endmacro %}
