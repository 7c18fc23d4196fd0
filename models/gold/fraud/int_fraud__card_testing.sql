{#- Rule F1, card testing: a burst of var('fraud_card_testing_min_count') or more card-not-present
    purchase attempts (declined ones included: a run of declines is the tell) under
    var('fraud_card_testing_max_amount') USD (amount_usd) on one account, each within
    var('fraud_card_testing_gap_minutes') minutes of the previous. One row per burst. Minutes
    apart need a time: rows with a date only (has_time_of_day false) are left out. -#}

with

small_online as (
    select * from {{ ref('int_transactions_enriched') }}
    where transaction_type = 'purchase'
        and channel in ('online', 'mobile')
        and amount_usd < {{ var('fraud_card_testing_max_amount') }}
        and has_time_of_day
),

bursts as (
    {{ finlake.numbered_bursts('small_online', 'account_id', var('fraud_card_testing_gap_minutes') ~ ' * 60') }}
),

final as (
    select
        {{ finlake.burst_alert_columns('F1', 'card_testing') }},
        least(1.0, {{ finlake.safe_divide('count(*)', 10) }}) as score,
        cast(count(*) as varchar) || ' card-not-present purchases under '
        || cast({{ var('fraud_card_testing_max_amount') }} as varchar) || ' within minutes of each other' as reason
    from bursts
    group by customer_id, account_id, burst_number
    having count(*) >= {{ var('fraud_card_testing_min_count') }}
)

select * from final
