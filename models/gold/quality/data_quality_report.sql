{#- One row per entity and load batch (landing file): what arrived and what became of it —
    records landed, malformed, in bronze, in silver, duplicates, superseded versions and
    quarantined rows by reason code — and the pass rate. What an auditor asks for first. -#}

with

reconciliation as (select * from {{ ref('reconciliation') }}),

reasons as (
    select
        entity,
        _batch_id as batch_id,
        {%- for code in finlake.dq_reason_codes() %}
        sum(case when primary_reason_code = '{{ code }}' then 1 else 0 end) as quarantined_{{ code }},
        {%- endfor %}
        count(*) as quarantined_rows
    from {{ ref('quarantine') }}
    group by entity, _batch_id
),

reported as (
    select
        reconciliation.entity,
        reconciliation.batch_id,
        reconciliation.source_file,
        reconciliation.extract_date,
        reconciliation.load_status,
        reconciliation.landed_records,
        reconciliation.malformed_records,
        reconciliation.bronze_rows,
        reconciliation.silver_rows,
        reconciliation.exact_duplicate_rows,
        reconciliation.superseded_rows,
        reconciliation.quarantined_rows,
        {%- for code in finlake.dq_reason_codes() %}
        coalesce(reasons.quarantined_{{ code }}, 0) as quarantined_{{ code }},
        {%- endfor %}
        1 - {{ finlake.safe_divide(
            'reconciliation.quarantined_rows',
            'reconciliation.bronze_rows - reconciliation.exact_duplicate_rows'
        ) }} as pass_rate,
        reconciliation.is_balanced
    from reconciliation
    left join reasons
        on reconciliation.entity = reasons.entity
        and reconciliation.batch_id = reasons.batch_id
),

final as ({{ finlake.declared_select('reported') }})

select * from final
