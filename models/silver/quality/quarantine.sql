{#- Every bronze row that breaks the contract, with the reasons and the raw record. Incremental
    (macros/incremental/quarantine_scope.sql): a run replaces only the extract dates of each
    entity where the checked table's quarantined rows and this table differ, so a row held
    back only for an unknown parent leaves when the parent arrives, and the raw records of the
    history are not read again. -#}

{{ finlake.incremental_quarantine() }}
{%- set scope = finlake.quarantine_scope() %}

with

{% for entity in finlake.silver_entities() %}
{{ entity.name }} as (
    select
        '{{ entity.name }}' as entity,
        {{ entity.key }} as business_key,
        _reason_codes,
        _raw_record,
        extract_date,
        _batch_id,
        _source_file,
        _line_number,
        _loaded_at
    from {{ ref('int_' ~ entity.name ~ '__checked') }}
    where _disposition = 'quarantined'
        and {{ finlake.quarantine_scope_predicate(scope, entity.name, 'extract_date') }}
),

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
