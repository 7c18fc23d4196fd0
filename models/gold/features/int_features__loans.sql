{#- Loan book of each borrower at each observation date, from contractual terms only (fixed at
    origination): how many loans, how much was lent, the scheduled monthly instalment. A loan
    ends on maturity or on the day the bank recorded it closed (int_loan_status_events). -#}

with

population as (select * from {{ ref('int_features__population') }}),

loans as (
    {{ finlake.loan_lifetimes() }}
),

active as (
    select
        population.customer_id,
        population.observation_date,
        loans.loan_type,
        loans.principal_amount,
        loans.interest_rate,
        {{ finlake.annuity_payment('loans.principal_amount', 'loans.interest_rate', 'loans.term_months') }}
            as scheduled_instalment,
        loans.origination_date,
        row_number() over (
            partition by population.customer_id, population.observation_date
            order by loans.principal_amount desc, loans.origination_date asc
        ) as size_rank
    from population
    inner join loans
        on population.customer_id = loans.customer_id
        and loans.origination_date < population.observation_date
        and loans.maturity_date >= population.observation_date
        and (loans.closed_date is null or loans.closed_date >= population.observation_date)
),

final as (
    select
        customer_id,
        observation_date,
        count(*) as active_loan_count,
        cast(sum(principal_amount) as decimal(18, 2)) as total_principal,
        cast(sum(scheduled_instalment) as decimal(18, 2)) as monthly_instalment,
        max(interest_rate) as max_interest_rate,
        max(case when size_rank = 1 then loan_type end) as primary_loan_type,
        max(case when loan_type = 'mortgage' then 1 else 0 end) = 1 as has_mortgage,
        min({{ dbt.datediff('origination_date', 'observation_date', 'month') }}) as months_since_last_origination,
        max(origination_date) as loans_known_date
    from active
    group by customer_id, observation_date
)

select * from final
