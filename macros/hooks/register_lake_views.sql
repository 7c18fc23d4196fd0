{#-
    On the dev target (DuckDB) the lake folder holds bronze Parquet and the model's scores:
    make each such source a real view over its files, so that models, unit tests and
    `dbt docs` see relations exactly as on Athena and Trino, where they are catalog tables.
    A source's files are its `meta.lake_path`, relative to the lake folder. A source with
    `meta.optional: true` and no files yet (the scores before the first `finlake train`)
    becomes an empty view with its declared columns, so the first build still succeeds.
    Other engines: nothing to do.
-#}
{% macro register_lake_views() -%}
    {{ return(adapter.dispatch('register_lake_views', 'finlake')()) }}
{%- endmacro %}

{% macro default__register_lake_views() -%}
    select 1
{%- endmacro %}

{% macro duckdb__register_lake_views() -%}
    {%- if not execute -%}{{ return('select 1') }}{%- endif -%}
    {%- set root = env_var('FINLAKE_LAKE', 'lake') ~ '/' -%}
    {%- set statements = [] -%}
    {%- set schemas = [] -%}
    {%- for source in graph.sources.values() if source.meta.get('lake_path') -%}
        {%- if source.schema not in schemas -%}
            {%- do schemas.append(source.schema) -%}
            {%- do statements.append('create schema if not exists ' ~ source.schema) -%}
        {%- endif -%}
        {%- set path = root ~ source.meta.lake_path -%}
        {%- set relation = source.schema ~ '.' ~ adapter.quote(source.identifier) -%}
        {%- set found = run_query("select count(*) from glob('" ~ path ~ "')").columns[0].values()[0] -%}
        {%- if found == 0 and source.meta.get('optional') -%}
            {%- set columns = [] -%}
            {%- for column in source.columns.values() -%}
                {%- do columns.append('cast(null as ' ~ column.data_type ~ ') as ' ~ column.name) -%}
            {%- endfor -%}
            {%- do statements.append('create or replace view ' ~ relation ~ ' as select ' ~ columns | join(', ') ~ ' where false') -%}
        {%- else -%}
            {%- set hive = ', hive_partitioning = true' if source.meta.get('hive_partitioning', true) else '' -%}
            {%- do statements.append(
                'create or replace view ' ~ relation
                ~ " as select * from read_parquet('" ~ path ~ "'" ~ hive ~ ', union_by_name = true)'
            ) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements | join(';\n')) }}
{%- endmacro %}
