{#-
    Layers map to schemas (Glue databases on Athena) named by environment variables, not
    prefixed with the target schema: silver -> FINLAKE_SILVER_SCHEMA (default `silver`), and
    likewise gold and reference. A write-audit-publish build (var `finlake_build_slot`, set by
    `finlake build` on trino and prod) writes into the layer's slot schema instead,
    `<schema>__blue` or `<schema>__green`, and publishes views in the layer's schema only when
    every test passed (macros/publish/).
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- set slot = var('finlake_build_slot', none) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema | trim }}
    {%- elif slot -%}
        {{ finlake.layer_schema(custom_schema_name) }}__{{ slot }}
    {%- else -%}
        {{ finlake.layer_schema(custom_schema_name) }}
    {%- endif -%}
{%- endmacro %}

{#- The schema of a layer: bronze, silver, gold or reference. -#}
{% macro layer_schema(layer) -%}
    {{- env_var('FINLAKE_' ~ (layer | upper) ~ '_SCHEMA', layer) | trim -}}
{%- endmacro %}
