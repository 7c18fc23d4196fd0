{#- Account activity of each borrower in the 90 days before each observation date (and the 90
    before those, to see income stop): salary, spending on gambling, cash advances on cards,
    fees, and how much of the card spend was paid back. Declined and reversed transactions are
    left out; nothing on or after the observation date is read. Sums over a window the
    transaction data does not fully cover (it starts before the history delivered, or ends past
    its reach: int_features__data_reach) are null, not 0. Salary is also summed over the 3
    calendar months before the date and the 3 before those: a monthly salary falls 3 times in
    each, whereas a 90-day window holds 2 or 3 paydays depending on the month, so the 90-day
    ratio moves with the calendar (0.8 to 1.3 in some months, 1.0 in others) when nobody's
    income did. Fees are summed over the 3 calendar months too (fees_3m), for the same reason: a
    monthly account fee falls 2 or 3 times in a 90-day window, so fees_90d jumps by a third in
    single months (population stability 0.14 to 0.47 at some dates on the small preset). -#}

{#- Each feature: its column, the look-back window whose coverage it needs, and the transactions
    it sums (window flags is_last_<window> below). In the order of the model's columns. -#}
{%- set windows = ['90_days', '180_days', '3_months', '6_months'] -%}
{%- set features = [
    ('salary_inflow_90d', '90_days', "is_last_90_days and transaction_type = 'salary'"),
    ('total_inflow_90d', '90_days', "is_last_90_days and direction = 'credit'"),
    ('total_outflow_90d', '90_days', "is_last_90_days and direction = 'debit'"),
    ('gambling_spend_90d', '90_days', "is_last_90_days and spend_category = 'gambling'"),
    ('cash_advance_90d', '90_days',
        "is_last_90_days and account_type = 'credit_card' and transaction_type = 'atm_withdrawal'"),
    ('fees_90d', '90_days', "is_last_90_days and transaction_type = 'fee'"),
    ('card_spend_90d', '90_days', "is_last_90_days and account_type = 'credit_card' and direction = 'debit'"),
    ('card_repaid_90d', '90_days', "is_last_90_days and account_type = 'credit_card' and direction = 'credit'"),
    ('salary_inflow_prior_90d', '180_days',
        "is_last_180_days and not is_last_90_days and transaction_type = 'salary'"),
    ('salary_inflow_3m', '3_months', "is_last_3_months and transaction_type = 'salary'"),
    ('fees_3m', '3_months', "is_last_3_months and transaction_type = 'fee'"),
    ('salary_inflow_prior_3m', '6_months',
        "is_last_6_months and not is_last_3_months and transaction_type = 'salary'"),
] %}

with

population as (select * from {{ ref('int_features__population') }}),

transactions as (
    select
        accounts.customer_id,
        accounts.account_type,
        transactions.transaction_date,
        transactions.transaction_type,
        transactions.direction,
        transactions.amount,
        coalesce(mcc.spend_category, 'none') as spend_category
    from {{ ref('stg_transactions') }} as transactions
    inner join {{ ref('stg_accounts') }} as accounts
        on transactions.account_id = accounts.account_id
    left join {{ ref('mcc_codes') }} as mcc
        on transactions.merchant_category_code = mcc.merchant_category_code
    where transactions.status in ('posted', 'pending')
),

reach as (select * from {{ ref('int_features__data_reach') }}),

windowed as (
    select
        population.customer_id,
        population.observation_date,
        transactions.account_type,
        transactions.transaction_date,
        transactions.transaction_type,
        transactions.direction,
        transactions.amount,
        transactions.spend_category,
        {{- finlake.window_flags('transactions.transaction_date', windows) }}
    from population
    inner join transactions
        on population.customer_id = transactions.customer_id
        and transactions.transaction_date < population.observation_date
        and transactions.transaction_date >= least(
            {{ finlake.window_start('180_days', 'population.observation_date') }},
            {{ finlake.window_start('6_months', 'population.observation_date') }}
        )
),

sums as (
    select
        customer_id,
        observation_date,
        {%- for column, _, condition in features %}
        cast(sum(case when {{ condition }} then amount else 0 end) as decimal(18, 2)) as {{ column }},
        {%- endfor %}
        max(transaction_date) as cashflow_known_date
    from windowed
    group by customer_id, observation_date
),

coverage as ({{ finlake.window_coverage('transactions', windows) }}),

final as (
    select
        coverage.customer_id,
        coverage.observation_date,
        coverage.is_90_days_covered,
        {{- finlake.covered_features(features, 'sums') }},
        sums.cashflow_known_date
    from coverage
    left join sums
        on coverage.customer_id = sums.customer_id
        and coverage.observation_date = sums.observation_date
)

select * from final
