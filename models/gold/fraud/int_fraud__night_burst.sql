{#- Rule F4, night burst: var('fraud_night_min_count') or more ATM withdrawals or card-not-present
    purchases on one account between midnight and var('fraud_night_end_hour'):00 local time,
    each within var('fraud_night_gap_minutes') minutes of the previous. One row per burst.
    Only transactions whose timestamp carries a time of day (has_time_of_day) are read: a
    date-only T00:00:00Z would otherwise read as a night-time transaction. -#}

with

night as (
    select * from {{ ref('int_transactions_enriched') }}
    where is_money_moved
        and has_time_of_day
        and local_hour < {{ var('fraud_night_end_hour') }}
        and (transaction_type = 'atm_withdrawal' or (transaction_type = 'purchase' and channel in ('online', 'mobile')))
),

gaps as (
    select
        *,
        case
            when epoch_seconds
                - lag(epoch_seconds) over (partition by account_id order by epoch_seconds, transaction_id)
                <= {{ var('fraud_night_gap_minutes') }} * 60 then 0
            else 1
        end as starts_burst
    from night
),

bursts as (
    select
        *,
        sum(starts_burst) over (
            partition by account_id
            order by epoch_seconds, transaction_id rows between unbounded preceding and current row
        ) as burst_number
    from gaps
),

final as (
    select
        'F4' as rule_id,
        'night_burst' as rule_name,
        customer_id,
        account_id,
        min(transaction_ts) as first_transaction_ts,
        count(*) as transaction_count,
        sum(amount) as total_amount,
        {{ finlake.list_agg('transaction_id', ',', 'epoch_seconds, transaction_id') }} as transaction_ids,
        least(1.0, {{ finlake.safe_divide('count(*)', 8) }} + {{ finlake.safe_divide('sum(amount)', 5000) }}) as score,
        cast(count(*) as varchar) || ' ATM withdrawals or online purchases between midnight and '
        || cast({{ var('fraud_night_end_hour') }} as varchar) || ':00 local time' as reason
    from bursts
    group by customer_id, account_id, burst_number
    having count(*) >= {{ var('fraud_night_min_count') }}
)

select * from final
