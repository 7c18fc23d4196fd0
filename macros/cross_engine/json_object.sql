{#-
    A JSON object text from (key, text expression) pairs, with JSON string escaping, using only
    standard string functions so every engine produces the same bytes. Nulls become JSON null.
-#}
{% macro json_object(pairs) -%}
    {{ return(adapter.dispatch('json_object', 'finlake')(pairs)) }}
{%- endmacro %}

{% macro default__json_object(pairs) -%}
    '{' ||
    {%- for key, expr in pairs %}
    '{{ '"' ~ key ~ '":' }}' || coalesce('"' || {{ finlake.json_escape(expr) }} || '"', 'null')
    {%- if not loop.last %} || ',' ||{% endif %}
    {%- endfor %}
    || '}'
{%- endmacro %}

{% macro json_escape(expr) -%}
    replace(replace(replace(replace(replace({{ expr }}, chr(92), '\\'), '"', '\"'), chr(10), '\n'), chr(13), '\r'), chr(9), '\t')
{%- endmacro %}
