{#-
    Incremental quarantine (models/README.md, Incremental quarantine). The quarantine holds the
    rows of the checked tables whose `_disposition` is `quarantined`, and a checked row changes
    only when its checked model decides it again. Rather than re-deriving which rows those were
    (the checked models' own predicates give another answer once they have run), a run asks
    what differs (quarantine_scope): per entity, a full outer join of the checked table's
    quarantined rows with this table on a row's identity (`_batch_id`, `_line_number`), over
    the narrow columns only (extract date, identity, disposition, reason codes; never the raw
    record), gives the rows that

      entered  quarantined in the checked table, not here (nearly always rows of new batches);
      left     here, no longer quarantined (a parent arrived, a late earlier copy made the row a
               duplicate);
      changed  here, quarantined with other reasons (a missing parent arrived quarantined).

    The quarantine's other columns are functions of the bronze row itself, so these are all the
    differences. The pre-hook deletes the rows that left, by identity; the model merges the
    entered rows, read from the checked table through literal lists of their extract dates and
    batches (the wide `_raw_record` of the new batches only), and the changed rows, taken from
    this table with their new reasons (their raw record is here already). The rows that left or
    changed are mostly old rows of the first, large extract (orphans a late parent releases),
    which is why they are handled by identity and never re-read from the checked table. An
    entity with more than `row_limit` rows that left or changed (the literal lists would grow
    too long for one statement) has the extract dates of all its differences replaced whole
    instead: those dates' rows deleted and read again from the checked table.

    The watermark is the table itself, compared with the checked tables of the same build (on
    Trino and Athena the same slot), so a failed build, a slot two builds behind or a checked
    table rebuilt with --full-refresh is caught up by the next run; the result equals a full
    rebuild.
-#}

{#- What differs, per entity with a difference: {entity: {'whole_dates': [...], 'entered': [...],
    'left': [...], 'changed': [...]}}, each of the last three a list of (extract date, batch id,
    line number) (empty when the entity's dates are replaced whole, `whole_dates`). None on a
    first build or a full refresh (everything). -#}
{% macro quarantine_scope(row_limit=5000) -%}
    {%- if not execute or this is none or not is_incremental() -%}{{ return(none) }}{%- endif -%}
    {%- set query -%}
        {%- for entity in finlake.silver_entities() %}
        {{ 'union all' if not loop.first }}
        select
            '{{ entity.name }}' as entity,
            case
                when kept._batch_id is null then 'entered'
                when checked._batch_id is null then 'left'
                else 'changed'
            end as change,
            cast(coalesce(checked.extract_date, kept.extract_date) as varchar) as extract_date,
            coalesce(checked._batch_id, kept._batch_id) as batch_id,
            coalesce(checked._line_number, kept._line_number) as line_number
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
        {%- endfor %}
        order by 1, 2, 3, 4, 5
    {%- endset -%}
    {%- set scope = {} -%}
    {%- for row in run_query(query).rows -%}
        {%- set found = scope.setdefault(row[0], {'whole_dates': [], 'entered': [], 'left': [], 'changed': []}) -%}
        {%- do found[row[1]].append((row[2], row[3], row[4] | int)) -%}
    {%- endfor -%}
    {%- for entity, found in scope.items() -%}
        {%- if found.left | length + found.changed | length > row_limit -%}
            {%- set dates = [] -%}
            {%- for change in found.entered + found.left + found.changed if change[0] not in dates -%}
                {%- do dates.append(change[0]) -%}
            {%- endfor -%}
            {%- do found.update({'whole_dates': dates | sort, 'entered': [], 'left': [], 'changed': []}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(scope) }}
{%- endmacro %}

{#- A predicate naming `rows` ((extract date, batch id, line number), as quarantine_scope gives
    them) over the columns `date_column`, `_batch_id` and, with `lines`, `_line_number`: literal
    lists, so the engines prune by extract date and batch; false without rows. -#}
{% macro quarantine_rows_predicate(rows, date_column, lines=false, prefix='') -%}
    {%- if not rows -%}
        1 = 0
    {%- else -%}
        {%- set dates = rows | map(attribute=0) | unique | sort -%}
        {%- set batches = {} -%}
        {%- for row in rows -%}
            {%- do batches.setdefault(row[1], []).append(row[2]) -%}
        {%- endfor -%}
        {{ prefix }}{{ date_column }} in (date '{{ dates | join("', date '") }}') and (
        {%- for batch, numbers in batches | dictsort %}
            {{ 'or ' if not loop.first }}{{ prefix }}_batch_id = '{{ batch }}'
            {%- if lines %} and {{ prefix }}_line_number in ({{ numbers | unique | join(', ') }}){% endif %}
        {%- endfor %}
        )
    {%- endif -%}
{%- endmacro %}

{#- The checked rows of `entity` the run reads, over a relation with the extract date in
    `date_column` and _batch_id (the checked table; this table, for the entered rows already
    here): every row on a first build or a full refresh; otherwise the batches of the
    entered rows, or the dates replaced whole. -#}
{% macro quarantine_entered_predicate(scope, entity, date_column='extract_date') -%}
    {%- if scope is none -%}
        1 = 1
    {%- else -%}
        {%- set found = scope.get(entity, {}) -%}
        {%- if found.get('whole_dates') -%}
            {{ finlake.affected_dates_predicate(date_column, found.whole_dates) }}
        {%- else -%}
            {{ finlake.quarantine_rows_predicate(found.get('entered', []), date_column) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- The pre-hook of quarantine: delete the rows that left (by identity), and the rows of the
    dates replaced whole; nothing on a first build, a full refresh or a run where nothing left. -#}
{% macro delete_quarantine_scope() -%}
    {%- set scope = finlake.quarantine_scope() -%}
    {%- set conditions = [] -%}
    {%- for entity, found in (scope or {}).items() -%}
        {%- if found.whole_dates -%}
            {%- do conditions.append("(entity = '" ~ entity ~ "' and " ~ finlake.affected_dates_predicate('_extract_date', found.whole_dates) ~ ")") -%}
        {%- elif found.left -%}
            {%- do conditions.append("(entity = '" ~ entity ~ "' and " ~ finlake.quarantine_rows_predicate(found.left, '_extract_date', lines=true) ~ ")") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if conditions -%}
        delete from {{ this }}
        where {{ conditions | join('\n            or ') }}
    {%- endif -%}
{%- endmacro %}

{#- The config of quarantine: merge on a bronze row's identity (the entered rows are inserted, the
    changed ones updated), after the pre-hook deleted the rows that left. Merge because the
    project's Athena check (tools/athena_check) requires it of every Iceberg incremental. -#}
{% macro incremental_quarantine() -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='merge',
        unique_key=['_batch_id', '_line_number'],
        on_schema_change='fail',
        pre_hook="{{ finlake.delete_quarantine_scope() }}",
    ) }}
{%- endmacro %}
