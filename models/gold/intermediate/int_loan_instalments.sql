{#- One row per loan instalment, with the day its arrears were cleared. Payments are allocated
    to the oldest instalment first (as banks do): an instalment is covered on the first payment
    date by which everything paid on the loan reaches everything due up to and including it.
    It becomes 90 days past due (the default definition) on due_date + 90 if not covered by then.
    A payment is known from its payment date, so at any date D these columns use no later data. -#}

with

payments as (
    select
        payment_id,
        loan_id,
        due_date,
        payment_date,
        amount_due,
        coalesce(amount_paid, 0) as amount_paid
    from {{ ref('stg_loan_payments') }}
),

instalments as (
    select
        *,
        sum(amount_due) over (
            partition by loan_id order by due_date, payment_id rows between unbounded preceding and current row
        ) as cumulative_due
    from payments
),

paid as (
    select
        loan_id,
        payment_date,
        sum(amount_paid) over (
            partition by loan_id order by payment_date, payment_id rows between unbounded preceding and current row
        ) as cumulative_paid
    from payments
    where payment_date is not null
        and amount_paid > 0
),

coverage as (
    select
        instalments.payment_id,
        min(paid.payment_date) as covered_date
    from instalments
    left join paid
        on instalments.loan_id = paid.loan_id
        and paid.cumulative_paid >= instalments.cumulative_due
    group by instalments.payment_id
),

final as (
    select
        instalments.payment_id,
        instalments.loan_id,
        loans.customer_id,
        instalments.due_date,
        instalments.payment_date,
        instalments.amount_due,
        instalments.amount_paid,
        instalments.amount_paid = 0 as is_missed,
        instalments.amount_paid > 0 and instalments.amount_paid < instalments.amount_due as is_partial,
        instalments.payment_date > instalments.due_date as is_paid_late,
        coalesce(instalments.payment_date, instalments.due_date) as known_date,
        coverage.covered_date,
        {{ finlake.add_days('instalments.due_date', 90) }} as ninety_days_past_due_date,
        coverage.covered_date is null
        or coverage.covered_date > {{ finlake.add_days('instalments.due_date', 90) }}
            as reached_ninety_days_past_due
    from instalments
    inner join coverage
        on instalments.payment_id = coverage.payment_id
    inner join {{ ref('stg_loans') }} as loans
        on instalments.loan_id = loans.loan_id
)

select * from final
