{#- The bronze loans, one row per delivered record, typed and checked against the contract. -#}

with

delivered as (
    select * from {{ source('bronze', 'loans') }}
),

final as (
    {{ finlake.typed_bronze('loans', 'delivered') }}
)

select * from final
