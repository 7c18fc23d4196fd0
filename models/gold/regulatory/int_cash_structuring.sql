{#- Episodes of cash deposits just under the reporting threshold: deposits between the
    currency's structuring_floor and ctr_threshold (currency_thresholds seed) by one customer in
    one currency, each within
    var('structuring_window_days') days of the previous. One row per episode; the AML report and
    fraud rule F5 both read it, so structuring is defined once. -#}

with

near_threshold as (
    select * from {{ ref('int_transactions_enriched') }}
    where is_money_moved
        and transaction_type = 'cash_deposit'
        and amount >= structuring_floor
        and amount < ctr_threshold
),

bursts as (
    {{ finlake.numbered_bursts(
        'near_threshold', 'customer_id, currency', var('structuring_window_days') ~ ' * 86400'
    ) }}
),

final as (
    select
        customer_id,
        currency,
        burst_number as episode_number,
        max(ctr_threshold) as ctr_threshold,
        min(account_id) as account_id,
        min(transaction_ts) as first_transaction_ts,
        max(transaction_ts) as last_transaction_ts,
        min(transaction_date) as first_deposit_date,
        max(transaction_date) as last_deposit_date,
        count(*) as deposit_count,
        sum(amount) as total_amount,
        {{ finlake.list_agg('transaction_id', ',', 'epoch_seconds, transaction_id') }} as transaction_ids
    from bursts
    group by customer_id, currency, burst_number
)

select * from final
