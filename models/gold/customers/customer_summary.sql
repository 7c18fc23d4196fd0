{#- One row per customer as of the latest extract: balances by account type, money in and out,
    spending habits, credit use and repayment, tenure. Activity windows end on as_of_date, the
    day the data reaches (int_data_reach), and is_stale says when that is more than
    var('staleness_days') before the extract. -#}

with

customers as (select * from {{ ref('dim_customers') }}),

balances as (
    select
        customer_id,
        sum(case when account_type = 'checking' and is_open then current_balance else 0 end) as checking_balance,
        sum(case when account_type = 'savings' and is_open then current_balance else 0 end) as savings_balance,
        sum(case when account_type = 'credit_card' and is_open then current_balance else 0 end) as card_balance_owed,
        sum(case when account_type = 'credit_card' and is_open then credit_limit else 0 end) as card_credit_limit,
        sum(case when is_open then 1 else 0 end) as open_account_count
    from {{ ref('dim_accounts') }}
    group by customer_id
),

activity_calendar as (
    -- the day the data reaches: activity windows end there
    select max(as_of_date) as reporting_date from {{ ref('int_data_reach') }}
),

activity_days as (
    -- the daily aggregate, not every transaction (models/README.md, Incremental gold)
    select
        daily.*,
        {{ dbt.datediff('daily.activity_date', 'activity_calendar.reporting_date', 'day') }}
            as age_days
    from {{ ref('customer_daily_activity') }} as daily
    cross join activity_calendar
),

activity as (
    select
        customer_id,
        {%- for days in [30, 90, 365] %}
        sum(case when age_days < {{ days }} then inflow_amount else 0 end) as inflow_{{ days }}d,
        sum(case when age_days < {{ days }} then outflow_amount else 0 end) as outflow_{{ days }}d,
        sum(case when age_days < {{ days }} then transaction_count else 0 end) as transaction_count_{{ days }}d,
        {%- endfor %}
        -- a mean amount, not a ratio: decimal division rounds as avg() does on every engine
        sum(purchase_amount) / nullif(sum(purchase_count), 0) as average_purchase_365d,
        {{ finlake.safe_divide('sum(cash_amount)', 'sum(total_amount)') }} as cash_share_365d,
        {{ finlake.safe_divide('sum(international_purchase_count)', 'sum(purchase_count)') }}
            as international_share_365d
    from activity_days
    where age_days < 365
    group by customer_id
),

categories as (select * from {{ ref('int_customer_spend_categories') }}),

loans as (select * from {{ ref('customer_loan_summary') }}),

reach as (
    select
        max(as_of_date) as as_of_date,
        max(case when is_lake_stale then 1 else 0 end) = 1 as is_stale
    from {{ ref('int_data_reach') }}
),

final as (
    select
        cast(customers.customer_id as varchar) as customer_id,
        cast(customers.reporting_date as date) as reporting_date,
        cast(reach.as_of_date as date) as as_of_date,
        cast(reach.is_stale as boolean) as is_stale,
        cast(customers.tenure_months as bigint) as tenure_months,
        cast(coalesce(balances.open_account_count, 0) as bigint) as open_account_count,
        cast(coalesce(balances.checking_balance, 0) as decimal(18, 2)) as checking_balance,
        cast(coalesce(balances.savings_balance, 0) as decimal(18, 2)) as savings_balance,
        cast(coalesce(balances.card_balance_owed, 0) as decimal(18, 2)) as card_balance_owed,
        {{ finlake.safe_divide('balances.card_balance_owed', 'balances.card_credit_limit') }} as credit_utilisation,
        {%- for days in [30, 90, 365] %}
        cast(coalesce(activity.inflow_{{ days }}d, 0) as decimal(18, 2)) as inflow_{{ days }}d,
        cast(coalesce(activity.outflow_{{ days }}d, 0) as decimal(18, 2)) as outflow_{{ days }}d,
        cast(coalesce(activity.transaction_count_{{ days }}d, 0) as bigint) as transaction_count_{{ days }}d,
        {%- endfor %}
        cast(activity.average_purchase_365d as decimal(18, 2)) as average_purchase_365d,
        cast(categories.top_spend_category_1 as varchar) as top_spend_category_1,
        cast(categories.top_spend_category_2 as varchar) as top_spend_category_2,
        cast(categories.top_spend_category_3 as varchar) as top_spend_category_3,
        cast(activity.cash_share_365d as double) as cash_share_365d,
        cast(activity.international_share_365d as double) as international_share_365d,
        cast(coalesce(loans.loan_count, 0) as bigint) as loan_count,
        cast(coalesce(loans.outstanding_principal, 0) as decimal(18, 2)) as outstanding_loan_principal,
        cast(loans.on_time_payment_rate_12m as double) as on_time_payment_rate_12m,
        cast(coalesce(loans.worst_days_past_due, 0) as bigint) as worst_days_past_due,
        cast(coalesce(loans.is_in_arrears, false) as boolean) as is_in_arrears
    from customers
    left join balances
        on customers.customer_id = balances.customer_id
    left join activity
        on customers.customer_id = activity.customer_id
    left join categories
        on customers.customer_id = categories.customer_id
    left join loans
        on customers.customer_id = loans.customer_id
    cross join reach
)

select * from final
