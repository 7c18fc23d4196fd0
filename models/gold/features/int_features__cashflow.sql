{#- Account activity of each borrower in the 90 days before each observation date (and the 90
    before those, to see income stop): salary, spending on gambling, cash advances on cards,
    fees, and how much of the card spend was paid back. Declined and reversed transactions are
    left out; nothing on or after the observation date is read. -#}

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
        transactions.transaction_date >= {{ finlake.add_days('population.observation_date', -90) }} as is_last_90_days
    from population
    inner join transactions
        on population.customer_id = transactions.customer_id
        and transactions.transaction_date < population.observation_date
        and transactions.transaction_date >= {{ finlake.add_days('population.observation_date', -180) }}
),

final as (
    select
        customer_id,
        observation_date,
        cast(sum(case when is_last_90_days and transaction_type = 'salary' then amount else 0 end) as decimal(18, 2))
            as salary_inflow_90d,
        cast(
            sum(case when not is_last_90_days and transaction_type = 'salary' then amount else 0 end) as decimal(18, 2)
        )
            as salary_inflow_prior_90d,
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
)

select * from final
