{#- The bronze transactions, one row per delivered record, typed and checked against the contract. -#}

with

delivered as (
    select * from {{ source('bronze', 'transactions') }}
),

final as (
    {{ finlake.typed_bronze('transactions', 'delivered') }}
)

select * from final
