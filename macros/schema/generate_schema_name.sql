{#-
    Layers map to schemas (Glue databases on Athena) named by environment variables, not
    prefixed with the target schema: silver -> FINLAKE_SILVER_SCHEMA (default `silver`), and
    likewise gold and reference.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema | trim }}
    {%- else -%}
        {{ finlake.layer_schema(custom_schema_name) }}
    {%- endif -%}
{%- endmacro %}

{#- The schema of a layer: bronze, silver, gold or reference. -#}
{% macro layer_schema(layer) -%}
    {{- env_var('FINLAKE_' ~ (layer | upper) ~ '_SCHEMA', layer) | trim -}}
{%- endmacro %}
