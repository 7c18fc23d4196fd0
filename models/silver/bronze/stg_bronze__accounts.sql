{#- The bronze accounts, one row per delivered record, typed and checked against the contract. -#}

with

delivered as (
    select * from {{ source('bronze', 'accounts') }}
),

final as (
    {{ finlake.typed_bronze('accounts', 'delivered') }}
)

select * from final
