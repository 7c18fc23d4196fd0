{#-
    Prod bootstrap of the tables dbt reads but does not build: the model's scores
    (source ml.customer_default_scores), written by the notebook (ml/) and read by
    stg_customer_default_scores. On Athena that source must exist before the first build, or the
    build fails on it (issue 13, defect 3): this operation creates it, empty, as an Iceberg table
    in the gold database at <FINLAKE_S3_DATA_DIR>gold/customer_default_scores/ (the prefix the ML
    role may write, terraform/modules/access_roles), with the
    columns declared in models/silver/_sources.yml. It changes nothing when the table exists.
    The notebook then appends to it (Athena reads Iceberg, not Delta).

        dbt run-operation bootstrap_lake_tables --target prod

    Run once per environment, after `terraform apply` and before the first `finlake build`
    (README, "Run it on AWS"). On dev and trino the on-run-start hook register_lake_views makes
    an empty view instead; there this operation does nothing.
-#}
{% macro bootstrap_lake_tables() -%}
    {{ return(adapter.dispatch('bootstrap_lake_tables', 'finlake')()) }}
{%- endmacro %}

{% macro default__bootstrap_lake_tables() -%}
    {% do log('bootstrap_lake_tables: nothing to create on target ' ~ target.name, info=true) %}
{%- endmacro %}

{% macro athena__bootstrap_lake_tables() -%}
    {%- set data_dir = env_var('FINLAKE_S3_DATA_DIR', '') -%}
    {%- if not data_dir.startswith('s3://') -%}
        {{ exceptions.raise_compiler_error("FINLAKE_S3_DATA_DIR must be the lake bucket's s3:// URI (terraform output dbt_environment); got '" ~ data_dir ~ "'.") }}
    {%- endif -%}
    {%- for source in graph.sources.values() if source.source_name == 'ml' -%}
        {%- set columns = [] -%}
        {%- for column in source.columns.values() -%}
            {%- set data_type = column.data_type | lower -%}
            {%- do columns.append('`' ~ column.name ~ '` ' ~ ('string' if data_type == 'varchar' else data_type)) -%}
        {%- endfor -%}
        {%- set location = data_dir.rstrip('/') ~ '/gold/' ~ source.identifier ~ '/' -%}
        {%- set ddl -%}
create table if not exists `{{ source.schema }}`.`{{ source.identifier }}` ({{ columns | join(', ') }})
location '{{ location }}'
tblproperties ('table_type' = 'ICEBERG', 'format' = 'parquet')
        {%- endset -%}
        {% do run_query(ddl) %}
        {% do log('bootstrap_lake_tables: ' ~ source.schema ~ '.' ~ source.identifier ~ ' exists (Iceberg, ' ~ location ~ ')', info=true) %}
    {%- endfor -%}
{%- endmacro %}
