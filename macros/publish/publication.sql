{#-
    Write-audit-publish on Trino and Athena (models/README.md, "Write-audit-publish").

    Every silver, gold and reference table exists twice, in a `blue` and a `green` slot schema
    (`<layer schema>__blue`, `<layer schema>__green`). Consumers read the published schemas
    (FINLAKE_<LAYER>_SCHEMA), which hold only views, one per table, over the slot of the last
    build that passed. A writing build (`finlake build`) gets the other slot in the var
    `finlake_build_slot` (generate_schema_name puts every model and seed there) and, only when
    every model, seed and test of it passed, the on-run-end hook `publish_audited_build`
    re-points the views at its slot. A failed build leaves its slot half-built and the views
    where they were: consumers keep the previous consistent gold.

    The publication record is a view in the published gold schema, `finlake_publication`
    (slot, state, invocation_id): `publishing` while the views are being re-pointed, then
    `published`. `publication_slot` (a run-operation `finlake build` runs first) completes a
    publication that stopped half-way, then logs the live slot.
-#}

{%- macro publication_relation() -%}
    {{ return(api.Relation.create(
        database=target.database,
        schema=finlake.layer_schema('gold'),
        identifier='finlake_publication',
        type='view',
    )) }}
{%- endmacro %}

{#- The live slot and the publication's state, or none before the first publication. -#}
{%- macro read_publication() -%}
    {%- set record = finlake.publication_relation() -%}
    {%- if adapter.get_relation(record.database, record.schema, record.identifier) is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set rows = run_query('select slot, state from ' ~ record).rows -%}
    {{ return({'slot': rows[0][0], 'state': rows[0][1]} if rows else none) }}
{%- endmacro %}

{#- run-operation: finish a half-done publication, then log `finlake-publication: <slot>`. -#}
{%- macro publication_slot() -%}
    {%- set live = finlake.read_publication() -%}
    {%- if live is not none and live.state != 'published' -%}
        {%- do finlake.publish(live.slot) -%}
    {%- endif -%}
    {%- do log('finlake-publication: ' ~ (live.slot if live is not none else 'none'), info=true) -%}
{%- endmacro %}

{#- on-run-end: publish the build's slot when every node of it passed; otherwise say so. -#}
{%- macro publish_audited_build(results) -%}
    {%- set slot = var('finlake_build_slot', none) -%}
    {%- if not execute or not slot or flags.WHICH != 'build' -%}
        {{ return('select 1') }}
    {%- endif -%}
    {%- set failed = [] -%}
    {#- blocking: a node that failed, errored or did not run; exposures report `no-op` -#}
    {%- for result in results if result.status in ('error', 'fail', 'skipped', 'runtime error', 'partial success') -%}
        {%- do failed.append(result.node.name ~ ' (' ~ result.status ~ ')') -%}
    {%- endfor -%}
    {%- if failed -%}
        {%- do log('finlake-publication: nothing published, slot ' ~ slot ~ ' failed its audit: ' ~ failed[:5] | join(', '), info=true) -%}
        {{ return('select 1') }}
    {%- endif -%}
    {%- do finlake.publish(slot) -%}
    {%- do log('finlake-publication: published slot ' ~ slot, info=true) -%}
    {{ return('select 1') }}
{%- endmacro %}

{#- Re-point every published view at `slot`, recording the intent first so that a publication
    stopped half-way is finished by the next `publication_slot`. -#}
{%- macro publish(slot) -%}
    {%- do finlake.record_publication(slot, 'publishing') -%}
    {%- set schemas = [] -%}
    {%- for node in graph.nodes.values()
        if node.resource_type in ('model', 'seed')
        and node.config.materialized in ('table', 'incremental', 'seed', 'view')
        and node.config.schema is not none -%}
        {%- set base = finlake.layer_schema(node.config.schema) -%}
        {%- set table = api.Relation.create(database=node.database, schema=base ~ '__' ~ slot, identifier=node.alias, type='table') -%}
        {%- if adapter.get_relation(table.database, table.schema, table.identifier) is not none -%}
            {%- set view = api.Relation.create(database=node.database, schema=base, identifier=node.alias, type='view') -%}
            {%- if base not in schemas -%}
                {%- do schemas.append(base) -%}
                {%- do adapter.create_schema(view) -%}
            {%- endif -%}
            {%- set existing = adapter.get_relation(view.database, view.schema, view.identifier) -%}
            {%- if existing is not none and existing.type != 'view' -%}
                {#- a table from before write-audit-publish: the view takes its place, once -#}
                {%- do adapter.drop_relation(existing) -%}
            {%- endif -%}
            {%- do finlake.publish_view(view, table) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do finlake.record_publication(slot, 'published') -%}
{%- endmacro %}

{%- macro other_slot(slot) -%}
    {{ return('green' if slot == 'blue' else 'blue') }}
{%- endmacro %}

{%- macro record_publication(slot, state) -%}
    {%- set record = finlake.publication_relation() -%}
    {%- do adapter.create_schema(record) -%}
    {%- do run_query(finlake.create_publication_view(record, 'select '
        ~ dbt.string_literal(slot) ~ ' as slot, '
        ~ dbt.string_literal(state) ~ ' as state, '
        ~ dbt.string_literal(invocation_id) ~ ' as invocation_id')) -%}
{%- endmacro %}
