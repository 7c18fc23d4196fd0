{#- The load ledger, one row per landing file load attempt: the reconciliation's count of what
    landed. -#}

with

ledger as (select * from {{ source('bronze', 'load_log') }}),

final as ({{ finlake.declared_select('ledger') }})

select * from final
