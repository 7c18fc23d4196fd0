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

with

population as (
    select
        customer_id,
        observation_date
    from {{ ref('int_features__population') }}
),

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

reach as (
    select * from {{ ref('int_features__data_reach') }}
),

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
        transactions.transaction_date >= {{ finlake.add_days('population.observation_date', -90) }} as is_last_90_days,
        transactions.transaction_date
        >= {{ finlake.add_days('population.observation_date', -180) }} as is_last_180_days,
        transactions.transaction_date
        >= {{ finlake.add_months('population.observation_date', -3) }} as is_last_3_months,
        transactions.transaction_date
        >= {{ finlake.add_months('population.observation_date', -6) }} as is_last_6_months
    from population
    inner join transactions
        on population.customer_id = transactions.customer_id
        and transactions.transaction_date < population.observation_date
        and transactions.transaction_date >= least(
            {{ finlake.add_days('population.observation_date', -180) }},
            {{ finlake.add_months('population.observation_date', -6) }}
        )
),

sums as (
    select
        customer_id,
        observation_date,
        cast(sum(case when is_last_90_days and transaction_type = 'salary' then amount else 0 end) as decimal(18, 2))
            as salary_inflow_90d,
        cast(
            sum(
                case
                    when is_last_180_days and not is_last_90_days and transaction_type = 'salary' then amount
                    else 0
                end
            ) as decimal(18, 2)
        )
            as salary_inflow_prior_90d,
        cast(sum(case when is_last_3_months and transaction_type = 'salary' then amount else 0 end) as decimal(18, 2))
            as salary_inflow_3m,
        cast(
            sum(
                case
                    when is_last_6_months and not is_last_3_months and transaction_type = 'salary' then amount
                    else 0
                end
            ) as decimal(18, 2)
        ) as salary_inflow_prior_3m,
        cast(sum(case when is_last_90_days and direction = 'credit' then amount else 0 end) as decimal(18, 2))
            as total_inflow_90d,
        cast(sum(case when is_last_90_days and direction = 'debit' then amount else 0 end) as decimal(18, 2))
            as total_outflow_90d,
        cast(sum(case when is_last_90_days and spend_category = 'gambling' then amount else 0 end) as decimal(18, 2))
            as gambling_spend_90d,
        cast(
            sum(
                case
                    when is_last_90_days and account_type = 'credit_card' and transaction_type = 'atm_withdrawal'
                        then amount
                    else 0
                end
            )
            as decimal(18, 2)
        ) as cash_advance_90d,
        cast(sum(case when is_last_90_days and transaction_type = 'fee' then amount else 0 end) as decimal(18, 2))
            as fees_90d,
        cast(sum(case when is_last_3_months and transaction_type = 'fee' then amount else 0 end) as decimal(18, 2))
            as fees_3m,
        cast(
            sum(
                case
                    when is_last_90_days and account_type = 'credit_card' and direction = 'debit' then amount else 0
                end
            )
            as decimal(18, 2)
        ) as card_spend_90d,
        cast(
            sum(
                case
                    when is_last_90_days and account_type = 'credit_card' and direction = 'credit' then amount else 0
                end
            )
            as decimal(18, 2)
        ) as card_repaid_90d,
        max(transaction_date) as cashflow_known_date
    from windowed
    group by customer_id, observation_date
),

coverage as (
    select
        population.customer_id,
        population.observation_date,
        {{ finlake.add_days('population.observation_date', -90) }} >= reach.transactions_history_start
        and least(
            {{ finlake.add_days('population.observation_date', -1) }}, reach.reporting_date
        ) <= reach.transactions_reach_date as is_90_days_covered,
        {{ finlake.add_days('population.observation_date', -180) }} >= reach.transactions_history_start
        and least(
            {{ finlake.add_days('population.observation_date', -1) }}, reach.reporting_date
        ) <= reach.transactions_reach_date as is_180_days_covered,
        {{ finlake.add_months('population.observation_date', -3) }} >= reach.transactions_history_start
        and least(
            {{ finlake.add_days('population.observation_date', -1) }}, reach.reporting_date
        ) <= reach.transactions_reach_date as is_3_months_covered,
        {{ finlake.add_months('population.observation_date', -6) }} >= reach.transactions_history_start
        and least(
            {{ finlake.add_days('population.observation_date', -1) }}, reach.reporting_date
        ) <= reach.transactions_reach_date as is_6_months_covered
    from population
    cross join reach
),

final as (
    select
        coverage.customer_id,
        coverage.observation_date,
        coverage.is_90_days_covered,
        {%- for column in ['salary_inflow_90d', 'total_inflow_90d', 'total_outflow_90d', 'gambling_spend_90d',
                           'cash_advance_90d', 'fees_90d', 'card_spend_90d', 'card_repaid_90d'] %}
        case when coverage.is_90_days_covered then coalesce(sums.{{ column }}, 0) end as {{ column }},
        {%- endfor %}
        case when coverage.is_180_days_covered then coalesce(sums.salary_inflow_prior_90d, 0) end
            as salary_inflow_prior_90d,
        case when coverage.is_3_months_covered then coalesce(sums.salary_inflow_3m, 0) end
            as salary_inflow_3m,
        case when coverage.is_3_months_covered then coalesce(sums.fees_3m, 0) end
            as fees_3m,
        case when coverage.is_6_months_covered then coalesce(sums.salary_inflow_prior_3m, 0) end
            as salary_inflow_prior_3m,
        sums.cashflow_known_date
    from coverage
    left join sums
        on coverage.customer_id = sums.customer_id
        and coverage.observation_date = sums.observation_date
)

select * from final
