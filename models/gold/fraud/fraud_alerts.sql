{#- One row per fraud alert: which rule fired (F1-F5, documented in fraud_alerts.yml), on which
    customer and account, a score in [0, 1] to order the review queue, the triggering
    transactions and a short reason a reviewer can read. -#}

with

structuring as (
    select
        'F5' as rule_id,
        'structuring' as rule_name,
        customer_id,
        account_id,
        first_transaction_ts,
        deposit_count as transaction_count,
        total_amount,
        transaction_ids,
        least(1.0, 0.4 + {{ finlake.safe_divide('deposit_count', 10) }}) as score,
        cast(deposit_count as varchar) || ' cash deposits just under '
        || cast(cast(ctr_threshold as decimal(18, 2)) as varchar) || ' ' || currency
        || ' totalling ' || cast(cast(total_amount as decimal(18, 2)) as varchar) as reason
    from {{ ref('int_cash_structuring') }}
    where deposit_count >= {{ var('structuring_min_deposits') }}
        and total_amount > ctr_threshold
),

unioned as (
    select * from {{ ref('int_fraud__card_testing') }}
    union all
    select * from {{ ref('int_fraud__new_country') }}
    union all
    select * from {{ ref('int_fraud__large_amount') }}
    union all
    select * from {{ ref('int_fraud__night_burst') }}
    union all
    select * from structuring
),

final as (
    select
        cast({{ finlake.md5_hex("rule_id || '|' || transaction_ids") }} as varchar) as alert_id,
        cast(rule_id as varchar) as rule_id,
        cast(rule_name as varchar) as rule_name,
        cast(customer_id as varchar) as customer_id,
        cast(account_id as varchar) as account_id,
        cast(first_transaction_ts as {{ finlake.type_timestamp_us() }}) as first_transaction_ts,
        cast(first_transaction_ts as date) as alert_date,
        cast(score as double) as score,
        cast(transaction_count as bigint) as transaction_count,
        cast(total_amount as decimal(18, 2)) as total_amount,
        cast(transaction_ids as varchar) as transaction_ids,
        cast(reason as varchar) as reason
    from unioned
)

select * from final
