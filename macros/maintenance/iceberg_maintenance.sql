{#-
    Iceberg maintenance of the incremental models (issue 13, defect 6): every merge adds small
    data files and a snapshot, and nothing else compacts or expires them. For each incremental
    Iceberg model, its table in each write-audit-publish slot (`<schema>__blue`, `__green`: the
    published schema holds a view) or, built in place, in its schema, in this order:

      ALTER TABLE t SET TBLPROPERTIES ('vacuum_max_snapshot_age_seconds' = '<seconds>')
      OPTIMIZE t REWRITE DATA USING BIN_PACK     small files rewritten into fewer, larger ones
      VACUUM t                                   snapshots older than the age expired, and the
                                                 files only they referenced deleted

    OPTIMIZE and VACUUM go through dbt-athena's adapter.run_operation_with_potential_multiple_runs,
    which repeats them while Athena answers ICEBERG_OPTIMIZE_MORE_RUNS_NEEDED (a large table is
    compacted in several runs). Snapshots younger than `snapshot_age_days` stay, so time travel
    and a rollback reach that far back; the lake bucket's lifecycle then removes the deleted
    files' noncurrent versions.

        dbt run-operation iceberg_maintenance --target prod
        dbt run-operation iceberg_maintenance --target prod --args '{snapshot_age_days: 3}'

    Run it after a build, never during one (a merge and a compaction of the same table would
    conflict): terraform/modules/iceberg_maintenance schedules the same statements weekly.
    tests/athena_run runs it after the scenarios' builds and checks files and snapshots drop.
    On dev (DuckDB) and trino there is nothing to maintain: it logs that and does nothing.
-#}
{% macro iceberg_maintenance(snapshot_age_days=7) -%}
    {{ return(adapter.dispatch('iceberg_maintenance', 'finlake')(snapshot_age_days)) }}
{%- endmacro %}

{% macro default__iceberg_maintenance(snapshot_age_days) -%}
    {% do log('iceberg_maintenance: nothing to maintain on target ' ~ target.name, info=true) %}
{%- endmacro %}

{% macro athena__iceberg_maintenance(snapshot_age_days) -%}
    {%- set days = snapshot_age_days | int -%}
    {%- if days < 0 or (snapshot_age_days | string) != (days | string) -%}
        {{ exceptions.raise_compiler_error("iceberg_maintenance: snapshot_age_days must be a whole number of days, 0 or more; got '" ~ snapshot_age_days ~ "'.") }}
    {%- endif -%}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'model'
        and node.config.materialized == 'incremental'
        and (node.config.get('table_type') or '') | lower == 'iceberg' -%}
        {#- the model's table in each write-audit-publish slot, or in its schema when built in place -#}
        {%- for schema in [node.schema ~ '__blue', node.schema ~ '__green', node.schema] -%}
        {%- set relation = adapter.get_relation(database=node.database, schema=schema, identifier=node.alias) -%}
        {%- if relation is none or relation.type == 'view' -%}
            {% do log('iceberg_maintenance: no table ' ~ schema ~ '.' ~ node.alias ~ ', skipped', info=true) %}
        {%- else -%}
            {%- set name = schema ~ '.' ~ node.alias -%}
            {% do run_query("alter table " ~ name ~ " set tblproperties ('vacuum_max_snapshot_age_seconds' = '" ~ (days * 86400) ~ "')") %}
            {% do adapter.run_operation_with_potential_multiple_runs("optimize " ~ name ~ " rewrite data using bin_pack", "optimize") %}
            {% do adapter.run_operation_with_potential_multiple_runs("vacuum " ~ name, "vacuum") %}
            {% do log('iceberg_maintenance: ' ~ name ~ ' compacted, snapshots older than ' ~ days ~ ' days expired', info=true) %}
        {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
{%- endmacro %}
