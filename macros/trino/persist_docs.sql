{#-
    dbt-trino's persist_docs, minus the column comments unless var('trino_persist_column_docs')
    is true. On the trino target (CI's local stand-in for Athena) every COMMENT ON COLUMN is an
    Iceberg metadata commit: about 450 of them took two of the five minutes of building the tiny
    preset on a 2-core machine. Table and view descriptions are still persisted. Nothing of prod
    goes untested: dbt-athena persists docs through the Glue API, not SQL comments, and the
    descriptions themselves live in the manifest that `dbt docs` reads.
-#}
{% macro trino__persist_docs(relation, model, for_relation, for_columns) -%}
    {%- if for_relation and config.persist_relation_docs() and model.description -%}
        {%- do run_query(alter_relation_comment(relation, model.description)) -%}
    {%- endif -%}
    {%- if for_columns and config.persist_column_docs() and model.columns and var('trino_persist_column_docs', false) -%}
        {%- set existing_columns = adapter.get_columns_in_relation(relation) | map(attribute='name') | list -%}
        {%- set documented_columns = validate_doc_columns(relation, model.columns, existing_columns) -%}
        {%- set alter_comment_sql = alter_column_comment(relation, documented_columns) -%}
        {%- if alter_comment_sql | trim | length > 0 -%}
            {%- do run_query(alter_comment_sql) -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
