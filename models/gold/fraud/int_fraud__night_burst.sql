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

bursts as (
    {{ finlake.numbered_bursts('night', 'account_id', var('fraud_night_gap_minutes') ~ ' * 60') }}
),

final as (
    select
        {{ finlake.burst_alert_columns('F4', 'night_burst') }},
        least(1.0, {{ finlake.safe_divide('count(*)', 8) }} + {{ finlake.safe_divide('sum(amount)', 5000) }}) as score,
        cast(count(*) as varchar) || ' ATM withdrawals or online purchases between midnight and '
        || cast({{ var('fraud_night_end_hour') }} as varchar) || ':00 local time' as reason
    from bursts
    group by customer_id, account_id, burst_number
    having count(*) >= {{ var('fraud_night_min_count') }}
)

select * from final
