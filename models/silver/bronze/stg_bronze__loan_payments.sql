{#- The bronze loan_payments, one row per delivered record, typed and checked against the contract. -#}

with

delivered as (
    select * from {{ source('bronze', 'loan_payments') }}
),

final as (
    {{ finlake.typed_bronze('loan_payments', 'delivered') }}
)

select * from final
