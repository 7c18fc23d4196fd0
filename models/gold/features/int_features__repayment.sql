{#- Repayment behaviour of each borrower before each observation date, from instalment records
    known by then (a missed instalment is known on its due date, a payment on its payment date). -#}

with

population as (
    select
        customer_id,
        observation_date
    from {{ ref('int_features__population') }}
),

instalments as (
    select * from {{ ref('int_loan_instalments') }}
),

known as (
    select
        population.customer_id,
        population.observation_date,
        instalments.due_date,
        instalments.known_date,
        instalments.is_missed,
        instalments.is_partial,
        instalments.is_paid_late,
        instalments.covered_date is null
        or instalments.covered_date >= population.observation_date as is_unpaid_at_observation,
        instalments.due_date >= {{ finlake.add_months('population.observation_date', -3) }} as is_last_3_months,
        instalments.due_date >= {{ finlake.add_months('population.observation_date', -12) }} as is_last_12_months
    from population
    inner join instalments
        on population.customer_id = instalments.customer_id
        and instalments.known_date < population.observation_date
),

final as (
    select
        customer_id,
        observation_date,
        sum(case when is_last_12_months then 1 else 0 end) as instalments_due_12m,
        sum(case when is_last_3_months and is_missed then 1 else 0 end) as missed_instalments_3m,
        sum(case when is_last_12_months and is_missed then 1 else 0 end) as missed_instalments_12m,
        sum(case when is_last_12_months and is_partial then 1 else 0 end) as partial_payments_12m,
        sum(case when is_last_12_months and is_paid_late then 1 else 0 end) as late_payments_12m,
        coalesce(
            max(
                case
                    when is_unpaid_at_observation
                        then {{ dbt.datediff('due_date', 'observation_date', 'day') }}
                end
            ),
            0
        ) as days_past_due,
        max(known_date) as repayment_known_date
    from known
    group by customer_id, observation_date
)

select * from final
