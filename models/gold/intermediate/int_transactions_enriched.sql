{#- One row per transaction, with whether it moved money (posted or pending, not declined or
    reversed: declined attempts matter to card-testing detection), its customer, the customer's country, the local hour (customer's time zone, time_zones and country_reference
    seeds) and seconds since epoch for time windows. The base of the fraud and AML rules.
    has_time_of_day is false for a timestamp at exactly 00:00:00.000000 UTC: banks that deliver
    dates only write them so (T00:00:00Z), and rules about the time of day or minutes between
    transactions must not read them (a genuine transaction at that very microsecond is dropped
    from those rules too, a negligible loss). The cash-reporting thresholds come per currency
    from the currency_thresholds seed (null when the currency has none); amount_usd converts the
    amount through the currency_rates seed for the fraud rules' thresholds, stated in USD. -#}

with

transactions as (select * from {{ ref('stg_transactions') }}),

context as (select * from {{ ref('int_account_context') }}),

thresholds as (select * from {{ ref('currency_thresholds') }}),

rates as (select * from {{ ref('currency_rates') }}),

final as (
    select
        transactions.transaction_id,
        transactions.account_id,
        context.customer_id,
        context.account_type,
        context.customer_country,
        transactions.transaction_ts,
        transactions.transaction_date,
        {{ finlake.epoch_seconds('transactions.transaction_ts') }} as epoch_seconds,
        extract(hour from {{ dbt.dateadd('hour', 'context.utc_offset_hours', 'transactions.transaction_ts') }})
            as local_hour,
        transactions.transaction_ts <> cast(transactions.transaction_date as {{ finlake.type_timestamp_us() }})
            as has_time_of_day,
        transactions.amount,
        transactions.currency,
        transactions.amount / rates.units_per_usd as amount_usd,
        thresholds.ctr_threshold,
        thresholds.structuring_floor,
        transactions.direction,
        transactions.transaction_type,
        transactions.channel,
        transactions.merchant_name,
        transactions.merchant_category_code,
        transactions.merchant_country,
        transactions.status,
        transactions.status in ('posted', 'pending') as is_money_moved
    from transactions
    inner join context
        on transactions.account_id = context.account_id
    left join thresholds
        on transactions.currency = thresholds.currency_code
    left join rates
        on transactions.currency = rates.currency_code
)

select * from final
