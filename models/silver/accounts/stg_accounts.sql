{#- The current version of each account. -#}

with

checked as (
    select * from {{ ref('int_accounts__checked') }}
    where _disposition = 'loaded'
),

final as (
    select
        account_id,
        customer_id,
        account_type,
        upper(currency) as currency,
        status,
        status <> 'closed' as is_open,
        opened_date,
        closed_date,
        credit_limit,
        current_balance,
        updated_at,
        has_corrected_amount,
        {{ finlake.lineage_columns() }}
    from checked
)

select * from final
