{#- The load ledger, one row per landing file load attempt: the reconciliation's count of what
    landed. -#}

with

ledger as (select * from {{ source('bronze', 'load_log') }}),

final as (
    select
        batch_id,
        entity,
        source_file,
        file_checksum,
        extract_date,
        attempt,
        status,
        lines_read,
        rows_written,
        malformed_count,
        reject_reason,
        schema_drift,
        started_at,
        finished_at
    from ledger
)

select * from final
