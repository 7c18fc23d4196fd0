{#- One row per suspected structuring episode: var('structuring_min_deposits') or more cash
    deposits just under the reporting threshold of their currency (currency_thresholds seed), each within
    var('structuring_window_days') days of the previous, together above the threshold. For the
    AML team's suspicious-activity review. -#}

with

episodes as (
    select * from {{ ref('int_cash_structuring') }}
    where deposit_count >= {{ var('structuring_min_deposits') }}
        and total_amount > ctr_threshold
),

final as (
    select
        cast({{ finlake.md5_hex("customer_id || '|' || transaction_ids") }} as varchar) as suspicion_id,
        cast(customer_id as varchar) as customer_id,
        cast(account_id as varchar) as account_id,
        cast(currency as varchar) as currency,
        cast(first_deposit_date as date) as first_deposit_date,
        cast(last_deposit_date as date) as last_deposit_date,
        cast(deposit_count as bigint) as deposit_count,
        cast(total_amount as decimal(18, 2)) as total_amount,
        cast(transaction_ids as varchar) as transaction_ids
    from episodes
)

select * from final
