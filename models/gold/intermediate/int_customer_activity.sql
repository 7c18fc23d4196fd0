{#- One row per customer with transactions: money in and out and transaction counts over the
    30, 90 and 365 days up to the reporting date, the average purchase, and the shares of cash
    and of international card spend. Declined and reversed transactions do not count. -#}

with

calendar as (
    -- The day the data reaches, not the extract date: windows end where the history ends.
    select max(as_of_date) as reporting_date from {{ ref('int_data_reach') }}
),

customers as (
    select
        customer_id,
        country
    from {{ ref('stg_customers') }}
),

transactions as (
    select
        accounts.customer_id,
        transactions.transaction_date,
        transactions.transaction_type,
        transactions.direction,
        transactions.amount,
        transactions.merchant_country,
        {{ dbt.datediff('transactions.transaction_date', 'calendar.reporting_date', 'day') }}
            as age_days
    from {{ ref('stg_transactions') }} as transactions
    inner join {{ ref('stg_accounts') }} as accounts
        on transactions.account_id = accounts.account_id
    cross join calendar
    where transactions.status in ('posted', 'pending')
),

recent as (
    select * from transactions
    where age_days < 365
),

final as (
    select
        recent.customer_id,
        {%- for days in [30, 90, 365] %}
        cast(
            sum(case when recent.age_days < {{ days }} and recent.direction = 'credit' then recent.amount else 0 end)
            as decimal(18, 2)
        ) as inflow_{{ days }}d,
        cast(
            sum(case when recent.age_days < {{ days }} and recent.direction = 'debit' then recent.amount else 0 end)
            as decimal(18, 2)
        ) as outflow_{{ days }}d,
        cast(sum(case when recent.age_days < {{ days }} then 1 else 0 end) as bigint) as transaction_count_{{ days }}d,
        {%- endfor %}
        cast(
            avg(case when recent.transaction_type = 'purchase' then recent.amount end) as decimal(18, 2)
        ) as average_purchase_365d,
        {{ finlake.safe_divide(
            "sum(case when recent.transaction_type in ('atm_withdrawal', 'cash_deposit') then recent.amount else 0 end)",
            'sum(recent.amount)'
        ) }} as cash_share_365d,
        {{ finlake.safe_divide(
            "sum(case when recent.transaction_type = 'purchase' and recent.merchant_country <> customers.country"
            ~ " then 1 else 0 end)",
            "sum(case when recent.transaction_type = 'purchase' then 1 else 0 end)"
        ) }} as international_share_365d
    from recent
    inner join customers
        on recent.customer_id = customers.customer_id
    group by recent.customer_id
)

select * from final
