{#-
    On the dev target (DuckDB) the lake folder holds bronze Parquet and the model's scores:
    make each such source a real view over its files, so that models, unit tests and
    `dbt docs` see relations exactly as on Athena and Trino, where they are catalog tables.
    A source's files are its `meta.lake_path`, relative to the lake folder. A source with
    `meta.optional: true` and no files yet (the scores before the first `finlake train`)
    becomes an empty view with its declared columns, so the first build still succeeds.
    Trino: external tables in a Hive catalog (trino__register_lake_views below). Athena: nothing
    to do, Terraform declares the Glue tables.
-#}
{% macro register_lake_views() -%}
    {{ return(adapter.dispatch('register_lake_views', 'finlake')()) }}
{%- endmacro %}

{% macro default__register_lake_views() -%}
    select 1
{%- endmacro %}

{#-
    On the trino target (a local Trino server, tools/trino/) bronze is a Hive catalog,
    var FINLAKE_BRONZE_DATABASE (`bronze`), as Glue is on Athena: each source becomes an
    external Parquet table over its folder of the lake (the part of `meta.lake_path` before
    the first wildcard), re-created on every run so it follows the lake of this build, with the
    `extract_date=` folders registered as partitions. A source kept in the target's own
    (Iceberg) catalog, the model's scores, is a view there over such a table, or an empty view
    with its declared columns when the lake has no files for it yet (finlake/build.py lists those in
    FINLAKE_TRINO_EMPTY_SOURCES, since Trino cannot create a table over a missing folder).
    Trino runs one statement per call, so each is executed here and the hook itself is a no-op.
-#}
{% macro trino__register_lake_views() -%}
    {%- if not execute -%}{{ return('select 1') }}{%- endif -%}
    {%- set lake = env_var('FINLAKE_LAKE', 'lake') -%}
    {%- if not lake.startswith('/') -%}
        {{ exceptions.raise_compiler_error("FINLAKE_LAKE must be an absolute path on the trino target (the server reads the lake folder directly); got '" ~ lake ~ "'.") }}
    {%- endif -%}
    {%- set hive_catalog = env_var('FINLAKE_BRONZE_DATABASE', 'bronze') -%}
    {%- set empty_sources = env_var('FINLAKE_TRINO_EMPTY_SOURCES', '').split(',') -%}
    {%- set schemas = [] -%}
    {%- for source in graph.sources.values() if source.meta.get('lake_path') -%}
        {%- set in_hive = source.database != target.database -%}
        {%- set hive_schema = hive_catalog ~ '.' ~ source.schema -%}
        {%- set hive_table = hive_schema ~ '.' ~ adapter.quote(source.identifier) -%}
        {%- if (source.database ~ '.' ~ source.schema) not in schemas -%}
            {%- do schemas.append(source.database ~ '.' ~ source.schema) -%}
            {%- do run_query('create schema if not exists ' ~ source.database ~ '.' ~ source.schema) -%}
        {%- endif -%}
        {%- if not in_hive -%}
            {%- do run_query('create schema if not exists ' ~ hive_schema) -%}
        {%- endif -%}
        {%- set relation = source.database ~ '.' ~ source.schema ~ '.' ~ adapter.quote(source.identifier) -%}
        {%- if source.identifier in empty_sources and source.meta.get('optional') -%}
            {%- set columns = [] -%}
            {%- for column in source.columns.values() -%}
                {%- do columns.append('cast(null as ' ~ finlake.trino_column_type(column.data_type) ~ ') as ' ~ column.name) -%}
            {%- endfor -%}
            {%- do run_query('drop table if exists ' ~ hive_table) -%}
            {%- do run_query('create or replace view ' ~ relation ~ ' as select ' ~ columns | join(', ') ~ ' where false') -%}
        {%- else -%}
            {%- do finlake.trino_register_external_table(source, hive_catalog, lake) -%}
            {%- if not in_hive -%}
                {%- do run_query('create or replace view ' ~ relation ~ ' as select * from ' ~ hive_table) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return('select 1') }}
{%- endmacro %}

{#- An external Parquet table over a source's folder in the Hive catalog, partitioned by its folder keys. -#}
{% macro trino_register_external_table(source, hive_catalog, lake) -%}
    {%- set ns = namespace(folder=[], done=false) -%}
    {%- for part in source.meta.lake_path.split('/') -%}
        {%- if '*' in part -%}{%- set ns.done = true -%}{%- endif -%}
        {%- if not ns.done -%}{%- do ns.folder.append(part) -%}{%- endif -%}
    {%- endfor -%}
    {%- set table = hive_catalog ~ '.' ~ source.schema ~ '.' ~ adapter.quote(source.identifier) -%}
    {%- set partitions = source.meta.get('partition_columns', ['extract_date']) if source.meta.get('hive_partitioning', true) else [] -%}
    {%- set columns = [] -%}
    {%- for column in source.columns.values() if column.name not in partitions -%}
        {%- do columns.append(adapter.quote(column.name) ~ ' ' ~ finlake.trino_column_type(column.data_type)) -%}
    {%- endfor -%}
    {%- for name in partitions -%}
        {%- do columns.append(adapter.quote(name) ~ ' ' ~ finlake.trino_column_type(source.columns[name].data_type)) -%}
    {%- endfor -%}
    {%- set properties = [
        "external_location = 'local://" ~ lake.rstrip('/') ~ '/' ~ ns.folder | join('/') ~ "'",
        "format = 'PARQUET'",
    ] -%}
    {%- if partitions -%}
        {%- do properties.append("partitioned_by = array['" ~ partitions | join("', '") ~ "']") -%}
    {%- endif -%}
    {%- do run_query('drop table if exists ' ~ table) -%}
    {%- do run_query('create table ' ~ table ~ ' (' ~ columns | join(', ') ~ ') with (' ~ properties | join(', ') ~ ')') -%}
    {%- if partitions -%}
        {%- do run_query("call " ~ hive_catalog ~ ".system.sync_partition_metadata('"
            ~ source.schema ~ "', '" ~ source.identifier ~ "', 'FULL')") -%}
    {%- endif -%}
{%- endmacro %}

{#- A declared source column type as Trino spells it: timestamps with microseconds, as written. -#}
{% macro trino_column_type(data_type) -%}
    {{- return(finlake.type_timestamp_us() if (data_type | lower) == 'timestamp' else data_type) -}}
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
