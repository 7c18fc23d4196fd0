{#-
    dbt's test filter (the `where` config of a test, dbt's own get_where_subquery otherwise),
    plus one filter of this project: `where: new_bronze_batches` on a test of a 1:1 bronze view
    (stg_bronze__<entity>) tests only the batches its checked model does not hold yet, the rows
    this build adds (new_batches_predicate, macros/cleaning/checked_rows.sql), so the test reads
    the new partitions only, not all of bronze on every build. Batch ids are unique per loaded
    file, so the grain (_batch_id, _line_number) of the batches already checked cannot change.
    Before the checked table exists (a first build), or on a full refresh, every batch is tested.
-#}
{% macro get_where_subquery(relation) -%}
    {%- if config.get('where') != 'new_bronze_batches' -%}
        {{ return(dbt.default__get_where_subquery(relation)) }}
    {%- endif -%}
    {%- set entity = relation.identifier | replace('stg_bronze__', '') -%}
    {%- set checked = graph.nodes.get('model.finlake.int_' ~ entity ~ '__checked') -%}
    {%- set ledger = graph.nodes.get('model.finlake.stg_bronze__load_log') -%}
    {%- set existing = adapter.get_relation(checked.database, checked.schema, checked.alias) if execute and checked else none -%}
    {%- if not existing or flags.FULL_REFRESH -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- set ledger_relation = api.Relation.create(database=ledger.database, schema=ledger.schema, identifier=ledger.alias) -%}
    {{ return('(select * from ' ~ relation ~ ' where '
        ~ finlake.new_batches_predicate(entity, ledger_relation, existing) ~ ') dbt_subquery') }}
{%- endmacro %}
