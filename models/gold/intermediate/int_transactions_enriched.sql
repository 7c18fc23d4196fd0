{#- One row per transaction, with whether it moved money (posted or pending, not declined or
    reversed: declined attempts matter to card-testing detection), its customer, the customer's country, the local hour (customer's time zone, time_zones and country_reference
    seeds) and seconds since epoch for time windows. The base of the fraud and AML rules. -#}

with

transactions as (
    select * from {{ ref('stg_transactions') }}
),

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
        transactions.amount,
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
)

select * from final
