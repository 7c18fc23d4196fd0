{#-
    On the dev target, write a gold model to <lake>/gold/<model>/ as Parquet, the documented
    path the default-model notebook reads locally (on Databricks it reads the catalog table).
    Other engines: nothing to do, the table is the interface. DuckDB creates only the last
    folder, so <lake>/gold must exist (`finlake build` makes it).
-#}
{% macro export_to_lake(relation) -%}
    {{ return(adapter.dispatch('export_to_lake', 'finlake')(relation)) }}
{%- endmacro %}

{% macro default__export_to_lake(relation) -%}
    select 1
{%- endmacro %}

{#- Into FINLAKE_GOLD_EXPORT_DIR when set: `finlake build` stages the exports there and moves
    them into <lake>/gold only when the whole build passed (write-audit-publish). -#}
{% macro duckdb__export_to_lake(relation) -%}
    {%- set folder = env_var("FINLAKE_GOLD_EXPORT_DIR", env_var("FINLAKE_LAKE", "lake") ~ "/gold") -%}
    copy (select * from {{ relation }})
    to '{{ folder }}/{{ relation.identifier }}'
    (format parquet, per_thread_output true, overwrite true)
{%- endmacro %}
