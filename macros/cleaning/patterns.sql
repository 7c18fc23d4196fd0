{#-
    The strict text forms the landing contract allows, as regular expressions written with
    character classes only ([0-9], [.]) so they mean the same on DuckDB, Trino and Athena.
-#}
{% macro patterns() %}
    {{ return({
        'date': '^[0-9]{4}-[0-9]{2}-[0-9]{2}$',
        'timestamp': '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]{1,6})?Z?$',
        'integer': '^-?[0-9]{1,9}$',
        'amount_with_symbol': '^(USD ?|[$] ?)?([0-9]{1,3}(,[0-9]{3})+[.][0-9]{2}|[0-9]+([.][0-9]{1,2})?)$',
        'email': '^[^@ ]+@[^@ ]+[.][^@ ]+$',
        'country': '^[A-Z]{2}$',
        'currency': '^[A-Z]{3}$',
    }) }}
{% endmacro %}

{% macro decimal_pattern(precision, scale) -%}
    {{ return('^-?[0-9]{1,' ~ (precision - scale) ~ '}([.][0-9]{1,' ~ scale ~ '})?$') }}
{%- endmacro %}
