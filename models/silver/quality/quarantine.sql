{#- Every bronze row that breaks the contract, with the reasons and the raw record. Incremental
    (macros/incremental/quarantine_scope.sql): a run compares the checked tables' quarantined
    rows with this table over their narrow columns, deletes the rows that left (a row held back
    only for an unknown parent leaves when the parent arrives), updates the rows whose reasons
    changed and inserts the rows that entered, reading raw records of the new batches only. -#}

{{ finlake.incremental_quarantine() }}
{%- set scope = finlake.quarantine_scope() %}
{#- What a quarantined row carries from its checked table, after its entity and key (and
    last, _loaded_at). #}
{%- set row_columns = [
    '_reason_codes', '_raw_record', 'extract_date', '_batch_id', '_source_file', '_line_number',
] %}

with

{% for entity in finlake.silver_entities() %}
{%- set found = (scope or {}).get(entity.name, {}) %}
{{ entity.name }}_entered as (
    select
        '{{ entity.name }}' as entity,
        {{ entity.key }} as business_key,
        {%- for column in row_columns %}
        {{ column }},
        {%- endfor %}
        _loaded_at
    from {{ ref('int_' ~ entity.name ~ '__checked') }}
    where _disposition = 'quarantined'
        and {{ finlake.quarantine_entered_predicate(scope, entity.name) }}
),

{%- if scope is none %}

{{ entity.name }} as (select * from {{ entity.name }}_entered),
{%- else %}

{{ entity.name }}_kept as (
    select
        _batch_id,
        _line_number
    from {{ this }}
    where entity = '{{ entity.name }}'
        and {{ finlake.quarantine_entered_predicate(scope, entity.name, '_extract_date') }}
),

{{ entity.name }}_changed as (
    select
        kept.entity,
        kept.business_key,
        checked._reason_codes,
        kept.raw_record as _raw_record,
        kept._extract_date as extract_date,
        kept._batch_id,
        kept._source_file,
        kept._line_number,
        kept._loaded_at
    from {{ this }} as kept
    inner join {{ ref('int_' ~ entity.name ~ '__checked') }} as checked
        on
            kept._batch_id = checked._batch_id
            and kept._line_number = checked._line_number
    where kept.entity = '{{ entity.name }}'
        and checked._disposition = 'quarantined'
        and {{ finlake.quarantine_rows_predicate(found.get('changed', []), '_extract_date', lines=true, prefix='kept.') }}
        and {{ finlake.quarantine_rows_predicate(found.get('changed', []), 'extract_date', lines=true, prefix='checked.') }}
),

{{ entity.name }} as (
    select
        entered.entity,
        entered.business_key,
        {%- for column in row_columns %}
        entered.{{ column }},
        {%- endfor %}
        entered._loaded_at
    from {{ entity.name }}_entered as entered
    left join {{ entity.name }}_kept as kept
        on
            entered._batch_id = kept._batch_id
            and entered._line_number = kept._line_number
    where kept._batch_id is null
    union all
    select
        entity,
        business_key,
        {%- for column in row_columns %}
        {{ column }},
        {%- endfor %}
        _loaded_at
    from {{ entity.name }}_changed
),
{%- endif %}

{% endfor %}
unioned as (
    {{- finlake.union_entities() }}
),

final as (
    select
        entity,
        business_key,
        split_part(split_part(_reason_codes, ',', 1), ':', 1) as primary_reason_code,
        _reason_codes as reason_codes,
        _raw_record as raw_record,
        extract_date as _extract_date,
        _batch_id,
        _source_file,
        _line_number,
        _loaded_at
    from unioned
)

select * from final
