{#- Seconds since 1970-01-01 UTC of a timestamp, as a double (for range windows over time). -#}
{% macro epoch_seconds(ts) -%}
    {{ return(adapter.dispatch('epoch_seconds', 'finlake')(ts)) }}
{%- endmacro %}

{% macro default__epoch_seconds(ts) -%}
    to_unixtime({{ ts }})
{%- endmacro %}

{% macro duckdb__epoch_seconds(ts) -%}
    epoch({{ ts }})
{%- endmacro %}
