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

final as (
    select
        cast(reconciliation.entity as varchar) as entity,
        cast(reconciliation.batch_id as varchar) as batch_id,
        cast(reconciliation.source_file as varchar) as source_file,
        cast(reconciliation.extract_date as date) as extract_date,
        cast(reconciliation.load_status as varchar) as load_status,
        cast(reconciliation.landed_records as bigint) as landed_records,
        cast(reconciliation.malformed_records as bigint) as malformed_records,
        cast(reconciliation.bronze_rows as bigint) as bronze_rows,
        cast(reconciliation.silver_rows as bigint) as silver_rows,
        cast(reconciliation.exact_duplicate_rows as bigint) as exact_duplicate_rows,
        cast(reconciliation.superseded_rows as bigint) as superseded_rows,
        cast(reconciliation.quarantined_rows as bigint) as quarantined_rows,
        {%- for code in finlake.dq_reason_codes() %}
        cast(coalesce(reasons.quarantined_{{ code }}, 0) as bigint) as quarantined_{{ code }},
        {%- endfor %}
        1 - {{ finlake.safe_divide(
            'reconciliation.quarantined_rows',
            'reconciliation.bronze_rows - reconciliation.exact_duplicate_rows'
        ) }} as pass_rate,
        cast(reconciliation.is_balanced as boolean) as is_balanced
    from reconciliation
    left join reasons
        on reconciliation.entity = reasons.entity
        and reconciliation.batch_id = reasons.batch_id
)

select * from final
