{#- Lower-case hex MD5 of a text expression: a row fingerprint, not a security control. -#}
{% macro md5_hex(expr) -%}
    {{ return(adapter.dispatch('md5_hex', 'finlake')(expr)) }}
{%- endmacro %}

{% macro default__md5_hex(expr) -%}
    lower(to_hex(md5(to_utf8({{ expr }}))))
{%- endmacro %}

{% macro duckdb__md5_hex(expr) -%}
    md5({{ expr }})
{%- endmacro %}
