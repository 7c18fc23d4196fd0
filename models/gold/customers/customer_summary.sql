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

summarised as (
    select
        customers.customer_id,
        customers.reporting_date,
        reach.as_of_date,
        reach.is_stale,
        customers.tenure_months,
        coalesce(balances.open_account_count, 0) as open_account_count,
        coalesce(balances.checking_balance, 0) as checking_balance,
        coalesce(balances.savings_balance, 0) as savings_balance,
        coalesce(balances.card_balance_owed, 0) as card_balance_owed,
        {{ finlake.safe_divide('balances.card_balance_owed', 'balances.card_credit_limit') }} as credit_utilisation,
        {%- for days in [30, 90, 365] %}
        coalesce(activity.inflow_{{ days }}d, 0) as inflow_{{ days }}d,
        coalesce(activity.outflow_{{ days }}d, 0) as outflow_{{ days }}d,
        coalesce(activity.transaction_count_{{ days }}d, 0) as transaction_count_{{ days }}d,
        {%- endfor %}
        activity.average_purchase_365d,
        categories.top_spend_category_1,
        categories.top_spend_category_2,
        categories.top_spend_category_3,
        activity.cash_share_365d,
        activity.international_share_365d,
        coalesce(loans.loan_count, 0) as loan_count,
        coalesce(loans.outstanding_principal, 0) as outstanding_loan_principal,
        loans.on_time_payment_rate_12m,
        coalesce(loans.worst_days_past_due, 0) as worst_days_past_due,
        coalesce(loans.is_in_arrears, false) as is_in_arrears
    from customers
    {% for part in ['balances', 'activity', 'categories', 'loans'] %}
    left join {{ part }}
        on customers.customer_id = {{ part }}.customer_id
    {% endfor %}
    cross join reach
),

final as ({{ finlake.declared_select('summarised') }})

select * from final
