{#- Repayment behaviour of each borrower before each observation date, from the status of every
    instalment as known then: every instalment due before the date, with only what was credited
    against it before the date (a payment is known from its payment date), so an instalment
    paid after the date counts as unpaid at it. Counts over a window the instalment data does
    not fully cover (it starts before the history delivered, or ends past its reach:
    int_features__data_reach) are null, not a truncated count. -#}

{#- Each count: its column, the look-back window whose coverage it needs, and the instalments it
    counts (window flags is_last_<window>, and the flags of flagged, below). In the order of the
    model's columns. -#}
{%- set windows = ['3_months', '6_months', '12_months'] -%}
{%- set counts = [
    ('instalments_due_6m', '6_months', 'is_last_6_months'),
    ('missed_instalments_6m', '6_months', 'is_last_6_months and is_missed'),
    ('partial_payments_6m', '6_months', 'is_last_6_months and is_partial'),
    ('late_payments_6m', '6_months', 'is_last_6_months and is_paid_late'),
    ('instalments_due_12m', '12_months', 'is_last_12_months'),
    ('missed_instalments_3m', '3_months', 'is_last_3_months and is_missed'),
    ('missed_instalments_12m', '12_months', 'is_last_12_months and is_missed'),
    ('partial_payments_12m', '12_months', 'is_last_12_months and is_partial'),
    ('late_payments_12m', '12_months', 'is_last_12_months and is_paid_late'),
] %}

with

population as (select * from {{ ref('int_features__population') }}),

instalments as (select * from {{ ref('int_loan_instalments') }}),

reach as (select * from {{ ref('int_features__data_reach') }}),

as_of as (
    select
        population.customer_id,
        population.observation_date,
        instalments.loan_id,
        instalments.due_date,
        instalments.amount_due,
        instalments.cumulative_due,
        case when instalments.credited_date < population.observation_date then instalments.credited_amount else 0 end
            as credited_by_observation,
        case when instalments.payment_date < population.observation_date then instalments.amount_paid else 0 end
            as paid_by_observation,
        instalments.payment_date < population.observation_date
        and instalments.payment_date > instalments.due_date as is_paid_late,
        instalments.covered_date is null
        or instalments.covered_date >= population.observation_date as is_unpaid_at_observation,
        {{- finlake.window_flags('instalments.due_date', windows) }},
        case
            when instalments.credited_date < population.observation_date
                then greatest(instalments.due_date, instalments.credited_date)
            else instalments.due_date
        end as read_date
    from population
    inner join instalments
        on population.customer_id = instalments.customer_id
        and instalments.due_date < population.observation_date
),

flagged as (
    select
        *,
        paid_by_observation = 0 and credited_by_observation = 0 as is_missed,
        paid_by_observation > 0 and credited_by_observation < amount_due as is_partial
    from as_of
),

loan_arrears as (
    select
        customer_id,
        observation_date,
        loan_id,
        greatest(max(cumulative_due) - sum(credited_by_observation), 0) as arrears_amount
    from flagged
    group by customer_id, observation_date, loan_id
),

arrears as (
    select
        customer_id,
        observation_date,
        sum(arrears_amount) as arrears_amount
    from loan_arrears
    group by customer_id, observation_date
),

counted as (
    select
        customer_id,
        observation_date,
        {%- for column, _, condition in counts %}
        sum(case when {{ condition }} then 1 else 0 end) as {{ column }},
        {%- endfor %}
        coalesce(
            max(
                case
                    when is_unpaid_at_observation
                        then {{ dbt.datediff('due_date', 'observation_date', 'day') }}
                end
            ),
            0
        ) as days_past_due,
        max(read_date) as repayment_known_date
    from flagged
    group by customer_id, observation_date
),

coverage as ({{ finlake.window_coverage('instalments', windows) }}),

final as (
    select
        coverage.customer_id,
        coverage.observation_date,
        coverage.is_6_months_covered,
        coverage.is_12_months_covered,
        {{- finlake.covered_features(counts, 'counted') }},
        case when coverage.is_reached then coalesce(counted.days_past_due, 0) end as days_past_due,
        case when coverage.is_reached then coalesce(arrears.arrears_amount, 0) end as arrears_amount,
        counted.repayment_known_date
    from coverage
    left join counted
        on coverage.customer_id = counted.customer_id
        and coverage.observation_date = counted.observation_date
    left join arrears
        on coverage.customer_id = arrears.customer_id
        and coverage.observation_date = arrears.observation_date
)

select * from final
