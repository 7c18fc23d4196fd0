{#- One row per borrower: loans by type and status, principal lent and still scheduled to be
    outstanding, arrears, days past due now and at worst, and the on-time payment rate. -#}

with

calendar as (
    -- The day the data reaches, not the extract date: windows end where the history ends.
    select max(as_of_date) as reporting_date from {{ ref('int_data_reach') }}
),

loans as (
    select
        loans.*,
        least(
            greatest(
                {{ dbt.datediff('loans.origination_date', 'calendar.reporting_date', 'month') }},
                0
            ),
            loans.term_months
        ) as instalments_elapsed,
        {{ finlake.annuity_payment('loans.principal_amount', 'loans.interest_rate', 'loans.term_months') }}
            as scheduled_instalment,
        {{ finlake.safe_divide('loans.interest_rate', 1200) }} as monthly_rate,
        calendar.reporting_date
    from {{ ref('stg_loans') }} as loans
    cross join calendar
),

outstanding as (
    select
        *,
        case
            when status in ('paid_off', 'charged_off') then 0
            when interest_rate = 0
                then principal_amount * (1 - {{ finlake.safe_divide('instalments_elapsed', 'term_months') }})
            else principal_amount * power(1 + monthly_rate, instalments_elapsed)
                - scheduled_instalment * (power(1 + monthly_rate, instalments_elapsed) - 1) / monthly_rate
        end as outstanding_principal
    from loans
),

instalments as (
    select
        instalments.*,
        calendar.reporting_date
    from {{ ref('int_loan_instalments') }} as instalments
    cross join calendar
),

loan_arrears as (
    select
        customer_id,
        loan_id,
        greatest(sum(amount_due) - sum(amount_paid), 0) as arrears_amount
    from instalments
    group by customer_id, loan_id
),

arrears as (
    select
        instalments.customer_id,
        max(case
            when covered_date is null or covered_date > reporting_date
                then {{ dbt.datediff('due_date', 'reporting_date', 'day') }}
        end) as days_past_due_now,
        max(
            {{ dbt.datediff('due_date', 'coalesce(covered_date, reporting_date)', 'day') }}
        ) as worst_days_past_due,
        sum(
            case
                when {{ dbt.datediff('due_date', 'reporting_date', 'day') }}
                    < 365
                    then 1
                else 0
            end
        ) as instalments_due_12m,
        sum(
            case
                when {{ dbt.datediff('due_date', 'reporting_date', 'day') }}
                    < 365
                    and covered_date is not null
                    and covered_date <= due_date
                    then 1
                else 0
            end
        ) as instalments_on_time_12m
    from instalments
    group by instalments.customer_id
),

arrears_total as (
    select
        customer_id,
        sum(arrears_amount) as arrears_amount
    from loan_arrears
    group by customer_id
),

by_customer as (
    select
        customer_id,
        count(*) as loan_count,
        {%- for status in ['current', 'delinquent', 'default', 'charged_off', 'paid_off'] %}
        sum(case when status = '{{ status }}' then 1 else 0 end) as {{ status }}_loans,
        {%- endfor %}
        {%- for loan_type in ['personal', 'auto', 'mortgage', 'student', 'small_business'] %}
        sum(case when loan_type = '{{ loan_type }}' then 1 else 0 end) as {{ loan_type }}_loans,
        {%- endfor %}
        sum(principal_amount) as total_principal,
        avg(principal_amount) as average_principal,
        sum(greatest(outstanding_principal, 0)) as outstanding_principal
    from outstanding
    group by customer_id
),

summarised as (
    select
        by_customer.customer_id,
        by_customer.loan_count,
        {%- for status in ['current', 'delinquent', 'default', 'charged_off', 'paid_off'] %}
        by_customer.{{ status }}_loans,
        {%- endfor %}
        {%- for loan_type in ['personal', 'auto', 'mortgage', 'student', 'small_business'] %}
        by_customer.{{ loan_type }}_loans,
        {%- endfor %}
        by_customer.total_principal,
        by_customer.average_principal,
        by_customer.outstanding_principal,
        coalesce(arrears_total.arrears_amount, 0) as arrears_amount,
        coalesce(arrears.days_past_due_now, 0) as days_past_due_now,
        coalesce(greatest(arrears.worst_days_past_due, 0), 0) as worst_days_past_due,
        coalesce(arrears.instalments_due_12m, 0) as instalments_due_12m,
        {{ finlake.safe_divide('arrears.instalments_on_time_12m', 'arrears.instalments_due_12m') }}
            as on_time_payment_rate_12m,
        coalesce(arrears.days_past_due_now, 0) > 0
        or by_customer.delinquent_loans + by_customer.default_loans > 0 as is_in_arrears
    from by_customer
    left join arrears
        on by_customer.customer_id = arrears.customer_id
    left join arrears_total
        on by_customer.customer_id = arrears_total.customer_id
),

final as ({{ finlake.declared_select('summarised') }})

select * from final
