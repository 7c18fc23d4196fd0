{#-
    The body of every int_<entity>__checked model, as CTEs ending in `final`: the typed rows of
    stg_bronze__<entity> (every column of the 1:1 view), the copy number of identical records
    (copy_number), the reason codes (the contract's problems, then the entity's own `rules`,
    then the reference problem of each parent link) and the row's _disposition, the latest
    valid row of a key winning by `winner_order`. The model names only what is its own:

      rules    SQL expressions giving a reason code or null, over the CTE `typed`
      parents  one dict per foreign key: {'entity': parent entity, 'column': the child's
               column, 'key': the parent's key (default: the column), 'required': false for an
               optional link}. A required link's missing or quarantined parent quarantines the
               row (orphan_key / parent_quarantined, see reference_problem); an optional one
               only flags it: is_<column without _id>_link_quarantined.
      reductions  the columns a 1:1 view with personal data adds beside the contract's
               (stg_bronze__customers: masks, generalisations, the personal values' problems)
-#}
{% macro checked_rows(entity, winner_order, rules=[], parents=[], reductions=[]) -%}
    {{ config(
        materialized='incremental',
        unique_key=['_batch_id', '_line_number'],
        incremental_strategy='merge',
        on_schema_change='fail',
    ) }}
    {%- set ledger = ref('stg_bronze__load_log') -%}
    {%- set incremental = is_incremental() -%}
    {%- set key = finlake.entity_key(entity) -%}
    {%- set problems = ['typed._contract_problems'] + rules -%}
    {%- for parent in parents -%}
        {%- do problems.append(finlake.reference_problem(
            'typed.' ~ parent.column, parent.entity, parent.get('key', parent.column), parent.get('required', true))) -%}
    {%- endfor -%}
    {%- set columns -%}
        {{ finlake.typed_bronze_columns(entity) }}
        {%- for column in reductions %},
        {{ column }}
        {%- endfor %}
    {%- endset -%}
    {%- set new_batches = finlake.new_batches_predicate(entity, ledger) if incremental else none -%}
staged as (select * from {{ ref('stg_bronze__' ~ entity) }}),

delivered as (
    select
        {{ columns }}
    from staged
    {%- if incremental %}
    where {{ new_batches }}
    {%- endif %}
),
{% for parent in parents %}
{{ parent.entity }} as (
    {{ finlake.parent_keys(parent.entity, parent.get('key', parent.column)) }}
),
{% endfor %}
{%- if incremental %}
present as (
    select * from {{ this }}
    where {{ finlake.partitions_in_scope(entity, key, parents, new_batches) }}
),

touched as (
    select {{ finlake.scope_key(key) }} as scope_key
    from delivered
    union
    select {{ finlake.scope_key(key) }} as scope_key
    from present
    where {{ finlake.waiting_on_parent(parents) }}
),

in_scope as (
    select
        {{ columns }}
    from delivered
    union all
    select
        {{ columns }}
    from present
    where {{ finlake.scope_key(key) }} in (select scope_key from touched)
),
{% endif %}
typed as (
    select
        *,
        {{ finlake.copy_number(entity) }} as _copy_number
    from {{ 'in_scope' if incremental else 'delivered' }}
),

checked as (
    select
        typed.*,
        {{ finlake.reason_codes(problems) }} as _reason_codes
        {%- for parent in parents if not parent.get('required', true) %},
        {{ finlake.link_quarantined('typed.' ~ parent.column, parent.entity, parent.get('key', parent.column)) }}
            as {{ finlake.link_flag(parent) }}
        {%- endfor %}
    from typed
    {%- for parent in parents %}
    left join {{ parent.entity }}
        on typed.{{ parent.column }} = {{ parent.entity }}.{{ parent.get('key', parent.column) }}
    {%- endfor %}
),

final as (
    select
        *,
        {{ finlake.disposition(key, winner_order) }} as _disposition
    from checked
)
{%- endmacro %}

{#- The column flagging an optional link to a quarantined parent: is_<column without _id>_link_quarantined. -#}
{% macro link_flag(parent) -%}
    is_{{ parent.column | replace('_id', '') }}_link_quarantined
{%- endmacro %}

{#- A key as text that also matches a null key (null keys are copies of each other too). -#}
{% macro scope_key(key) -%}
    coalesce(cast({{ key }} as varchar), '')
{%- endmacro %}

{#-
    The rows already checked whose decision changes although no row of their key was delivered:
    those whose parent's state no longer matches the reason the row was decided with. A row
    marked orphan_key:<column> whose parent has been delivered since; a row marked
    parent_quarantined:<column> whose parent is loaded now; a row not so marked whose parent is
    not loaded now (a parent never goes from loaded to not loaded but through a late, invalid
    first copy of its record; then its children must follow); and for an optional link, the flag
    against the parent's state. A parent's state is all a row's decision takes from outside its
    key, so the other rows (an orphan whose parent is still missing) keep their decision, as a
    full refresh would decide them, and are not read again. Over a relation holding the checked
    columns (the table) and the parents' CTEs; false for an entity without parents.
-#}
{% macro waiting_on_parent(parents) -%}
    {%- if not parents -%}
        1 = 0
    {%- else -%}
        {%- set codes = "',' || coalesce(_reason_codes, '') || ','" -%}
        {%- for parent in parents -%}
        {%- set column = parent.column -%}
        {%- set delivered = '(select ' ~ parent.get('key', parent.column) ~ ' from ' ~ parent.entity -%}
        {{ ' or ' if not loop.first }}({{ codes }} like '%,orphan_key:{{ column }},%' and {{ column }} in {{ delivered }}))
        {%- if parent.get('required', true) %}
        or ({{ codes }} like '%,parent_quarantined:{{ column }},%' and {{ column }} in {{ delivered }} where is_loaded))
        or ({{ codes }} not like '%,parent_quarantined:{{ column }},%' and {{ column }} in {{ delivered }} where not is_loaded))
        {%- else %}
        or ({{ finlake.link_flag(parent) }} and {{ column }} in {{ delivered }} where is_loaded))
        or (not {{ finlake.link_flag(parent) }} and {{ column }} in {{ delivered }} where not is_loaded))
        {%- endif %}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

{#-
    The predicate that reads, of the table being built, only the partitions (extract dates) that
    hold a row the run re-decides: a row of a key the new batches deliver, or of a key with a row
    waiting on a parent (waiting_on_parent). Found when the model runs by a query that reads only
    the key, the parent columns, the reason codes and the extract date of the table (not the raw
    record and every other column), and written as a literal list, so the model's scan of its
    own table prunes every other partition on DuckDB, Trino and Athena. A key's rows in the other
    partitions are untouched by the run, so the result equals reading the whole table.
-#}
{% macro partitions_in_scope(entity, key, parents, new_batches) -%}
    {%- if not execute or new_batches is none -%}{{ return('1 = 0') }}{%- endif -%}
    {%- set query -%}
        with
        {% for parent in parents %}
        {{ parent.entity }} as (
            {{ finlake.parent_keys(parent.entity, parent.get('key', parent.column)) }}
        ),
        {% endfor %}
        touched as (
            select {{ finlake.scope_key(key) }} as scope_key
            from {{ ref('stg_bronze__' ~ entity) }}
            where {{ new_batches }}
            union
            select {{ finlake.scope_key(key) }} as scope_key
            from {{ this }}
            where {{ finlake.waiting_on_parent(parents) }}
        )
        select distinct cast(extract_date as varchar) as extract_date
        from {{ this }}
        where {{ finlake.scope_key(key) }} in (select scope_key from touched)
        order by 1
    {%- endset -%}
    {%- set found = run_query(query) -%}
    {%- if found.rows | length == 0 -%}{{ return('1 = 0') }}{%- endif -%}
    {%- set dates = found.columns[0].values() | list -%}
    {{ return("extract_date in (date '" ~ dates | join("', date '") ~ "')") }}
{%- endmacro %}

{#-
    The predicate that reads only the bronze batches of `entity` not yet in this model: the
    ledger's loaded batches with rows (stg_bronze__load_log) whose batch id the table does not
    hold, as literal lists of extract dates (the partition column: DuckDB, Trino and Athena
    prune the other partitions) and batch ids (a corrected or late file of an old date is a new
    batch in an old partition). Computed when the model runs, against the table being built
    (on Trino and Athena the slot being built, so a slot two builds behind catches up on both
    builds' batches). Nothing new: a predicate that reads nothing. `checked`: the checked table
    to compare with when called from elsewhere (the grain tests of the 1:1 views,
    get_where_subquery.sql).
-#}
{% macro new_batches_predicate(entity, ledger, checked=none) -%}
    {%- if not execute -%}{{ return('1 = 0') }}{%- endif -%}
    {%- set query -%}
        select distinct
            cast(extract_date as varchar) as extract_date,
            batch_id
        from {{ ledger }}
        where entity = '{{ entity }}'
            and status = 'loaded'
            and rows_written > 0
            and batch_id not in (select distinct _batch_id from {{ checked or this }})
        order by 1, 2
    {%- endset -%}
    {%- set found = run_query(query) -%}
    {%- if found.rows | length == 0 -%}{{ return('1 = 0') }}{%- endif -%}
    {%- set dates = found.columns[0].values() | unique | list -%}
    {%- set batches = found.columns[1].values() | list -%}
    {{ return(
        "extract_date in (date '" ~ dates | join("', date '") ~ "')"
        ~ " and _batch_id in ('" ~ batches | join("', '") ~ "')"
    ) }}
{%- endmacro %}

{#- The business key of a landing entity (the contract's; a composite key joined with '|'). -#}
{% macro entity_key(entity) -%}
    {{ return(finlake.landing_contract()[entity].key | join(" || '|' || ")) }}
{%- endmacro %}

{#- The rule that a date or time of a record is not after its extract: future_date:<column>. A
    timestamp may fall anywhere on the extract's day (the extract date is a day, not an instant). -#}
{% macro future_date(entity, column) -%}
    {%- if finlake.contract_column(entity, column).base_type == 'timestamp' -%}
        case when typed.{{ column }} >= {{ dbt.dateadd('day', 1, 'typed.extract_date') }} then 'future_date:{{ column }}' end
    {%- else -%}
        case when typed.{{ column }} > typed.extract_date then 'future_date:{{ column }}' end
    {%- endif -%}
{%- endmacro %}
