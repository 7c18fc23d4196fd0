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

accounts as (
    select
        account_id,
        customer_id,
        account_type
    from {{ ref('stg_accounts') }}
),

customers as (
    select
        customer_id,
        country,
        state
    from {{ ref('stg_customers') }}
),

offsets as (
    select
        customers.customer_id,
        coalesce(zones.utc_offset_hours, countries.utc_offset_hours, 0) as utc_offset_hours
    from customers
    left join {{ ref('time_zones') }} as zones
        on customers.country = zones.country_code
        and customers.state = zones.state
    left join {{ ref('country_reference') }} as countries
        on customers.country = countries.country_code
),

thresholds as (select * from {{ ref('currency_thresholds') }}),

rates as (select * from {{ ref('currency_rates') }}),

final as (
    select
        transactions.transaction_id,
        transactions.account_id,
        accounts.customer_id,
        accounts.account_type,
        customers.country as customer_country,
        transactions.transaction_ts,
        transactions.transaction_date,
        {{ finlake.epoch_seconds('transactions.transaction_ts') }} as epoch_seconds,
        extract(hour from {{ dbt.dateadd('hour', 'offsets.utc_offset_hours', 'transactions.transaction_ts') }})
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
    inner join accounts
        on transactions.account_id = accounts.account_id
    inner join customers
        on accounts.customer_id = customers.customer_id
    inner join offsets
        on accounts.customer_id = offsets.customer_id
    left join thresholds
        on transactions.currency = thresholds.currency_code
    left join rates
        on transactions.currency = rates.currency_code
)

select * from final
