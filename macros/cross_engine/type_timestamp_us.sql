{#- A timestamp type with microsecond precision (Iceberg's timestamp; Trino's default is millis). -#}
{% macro type_timestamp_us() -%}
    {{ return(adapter.dispatch('type_timestamp_us', 'finlake')()) }}
{%- endmacro %}

{% macro default__type_timestamp_us() -%}
    timestamp(6)
{%- endmacro %}

{% macro duckdb__type_timestamp_us() -%}
    timestamp
{%- endmacro %}
