{#-
    Incremental quarantine (models/README.md, Incremental silver). The quarantine holds the rows
    of the checked tables whose `_disposition` is `quarantined`, and a checked row changes only
    when its checked model decides it again: rows of new batches, of keys those batches touch,
    rows whose parent arrived or left. Rather than re-deriving that scope (the checked models'
    own predicates give another answer once they have run), an incremental run asks what
    differs: per entity, the extract dates holding a row quarantined in the checked table and
    not in the quarantine, or in the quarantine and no longer quarantined, or quarantined with
    other reasons (a full outer join on the row's identity, `_batch_id` and `_line_number`,
    over the narrow columns only: extract date, identity, disposition, reason codes, never the
    raw record). The quarantine's every other column is a function of the bronze row itself.
    Those dates are then replaced: the pre-hook deletes the quarantine's rows of each entity's
    dates, the model reads the checked table's quarantined rows of those dates only (the wide
    `_raw_record` of a few dates, not of the history) and merges them in (inserts: the delete
    removed their keys). The watermark is the table itself, compared with the checked tables of
    the same build (on Trino and Athena the same slot), so a build that failed in between, a
    slot two builds behind, or a checked table rebuilt with --full-refresh is caught up by the
    next run, and the result equals a full rebuild.
-#}

{#- The extract dates to replace, per entity ({entity: [date, ...]}, only entities with
    changes); none on a first build or a full refresh (everything). -#}
{% macro quarantine_scope() -%}
    {%- if not execute or this is none or not is_incremental() -%}{{ return(none) }}{%- endif -%}
    {%- set query -%}
        {%- for entity in finlake.silver_entities() %}
        {{ 'union all' if not loop.first }}
        select
            '{{ entity.name }}' as entity,
            cast(coalesce(checked.extract_date, kept.extract_date) as varchar) as extract_date
        from (
            select
                extract_date,
                _batch_id,
                _line_number,
                _reason_codes
            from {{ ref('int_' ~ entity.name ~ '__checked') }}
            where _disposition = 'quarantined'
        ) as checked
        full outer join (
            select
                _extract_date as extract_date,
                _batch_id,
                _line_number,
                reason_codes
            from {{ this }}
            where entity = '{{ entity.name }}'
        ) as kept
            on checked._batch_id = kept._batch_id
            and checked._line_number = kept._line_number
        where checked._batch_id is null
            or kept._batch_id is null
            or checked._reason_codes <> kept.reason_codes
        group by 1, 2
        {%- endfor %}
        order by 1, 2
    {%- endset -%}
    {%- set scope = {} -%}
    {%- for row in run_query(query).rows -%}
        {%- do scope.setdefault(row[0], []).append(row[1]) -%}
    {%- endfor -%}
    {{ return(scope) }}
{%- endmacro %}

{#- The rows of `entity` the run writes, over a relation with the extract date in `column`:
    every row on a first build or a full refresh, the entity's dates in scope otherwise (none:
    `1 = 0`, nothing read). -#}
{% macro quarantine_scope_predicate(scope, entity, column) -%}
    {%- if scope is none -%}
        1 = 1
    {%- else -%}
        {{ finlake.affected_dates_predicate(column, scope.get(entity, [])) }}
    {%- endif -%}
{%- endmacro %}

{#- The pre-hook of quarantine: delete the rows of the dates in scope (nothing on a first build,
    a full refresh, or a run where nothing changed), so a row that left the quarantine (its
    parent arrived, an earlier copy made it a duplicate) goes and the merge only inserts. -#}
{% macro delete_quarantine_scope() -%}
    {%- set scope = finlake.quarantine_scope() -%}
    {%- if scope -%}
        delete from {{ this }}
        where
        {%- for entity, dates in scope.items() %}
            {{ 'or' if not loop.first }} (entity = '{{ entity }}' and {{ finlake.affected_dates_predicate('_extract_date', dates) }})
        {%- endfor %}
    {%- endif -%}
{%- endmacro %}

{#- The config of quarantine: merge on a bronze row's identity, after the pre-hook deleted the
    dates in scope. Merge rather than append because the project's Athena check
    (tools/athena_check) requires merge for every Iceberg incremental (dbt-athena has no
    delete+insert); after the delete it only inserts. -#}
{% macro incremental_quarantine() -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='merge',
        unique_key=['_batch_id', '_line_number'],
        on_schema_change='fail',
        pre_hook="{{ finlake.delete_quarantine_scope() }}",
    ) }}
{%- endmacro %}
