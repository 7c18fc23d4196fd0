{#- One row per loan instalment, with what was paid against it, when, and the day its arrears
    were cleared. Payments are allocated to the oldest instalment first (as banks do): an
    instalment is covered on the first payment date by which everything credited to the loan
    reaches everything due up to and including it. A shortfall below
    var('arrears_materiality_percent') % of the instalment or below
    var('arrears_materiality_amount') currency units is not arrears (the instalment is credited
    in full); the same materiality holds for what is still owed in total, so a catch-up payment
    a fraction of a unit short does not leave the last instalment it paid in arrears; and a
    loan the bank marks repaid (loan_status_vocabulary) is not in arrears from
    that day. It becomes 90 days past due (the default definition) on due_date + 90 if not
    covered by then. A payment is known from its payment date and a repayment status from its
    event date, so the status of an instalment at any date D can be read from these columns
    without later data: due before D, credited_amount when credited_date < D, covered when
    covered_date < D. -#}

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

repaid as (
    select
        loan_id,
        min(event_date) as repaid_date
    from {{ ref('int_loan_status_events') }}
    where is_repaid
    group by loan_id
),

credited as (
    select
        *,
        amount_due - amount_paid > 0
        and (
            amount_due - amount_paid < amount_due * {{ var('arrears_materiality_percent') }} / 100
            or amount_due - amount_paid < {{ var('arrears_materiality_amount') }}
        ) as is_immaterial_shortfall
    from payments
),

instalments as (
    select
        *,
        case when is_immaterial_shortfall then amount_due else amount_paid end as credited_amount,
        case
            when is_immaterial_shortfall or amount_paid > 0 then coalesce(payment_date, due_date)
        end as credited_date,
        sum(amount_due) over (
            partition by loan_id order by due_date, payment_id rows between unbounded preceding and current row
        ) as cumulative_due
    from credited
),

paid as (
    select
        loan_id,
        credited_date,
        sum(credited_amount) over (
            partition by loan_id order by credited_date, payment_id rows between unbounded preceding and current row
        ) as cumulative_paid
    from instalments
    where credited_date is not null
        and credited_amount > 0
),

coverage as (
    select
        instalments.payment_id,
        min(paid.credited_date) as paid_covered_date
    from instalments
    left join paid
        on instalments.loan_id = paid.loan_id
        and (
            paid.cumulative_paid >= instalments.cumulative_due
            or instalments.cumulative_due - paid.cumulative_paid
            < greatest(
                instalments.amount_due * {{ var('arrears_materiality_percent') }} / 100,
                {{ var('arrears_materiality_amount') }}
            )
        )
    group by instalments.payment_id
),

settled as (
    select
        instalments.*,
        coverage.paid_covered_date,
        repaid.repaid_date,
        case
            when repaid.repaid_date is null then coverage.paid_covered_date
            when coverage.paid_covered_date is null then greatest(repaid.repaid_date, instalments.due_date)
            else least(coverage.paid_covered_date, greatest(repaid.repaid_date, instalments.due_date))
        end as covered_date
    from instalments
    inner join coverage
        on instalments.payment_id = coverage.payment_id
    left join repaid
        on instalments.loan_id = repaid.loan_id
),

final as (
    select
        settled.payment_id,
        settled.loan_id,
        loans.customer_id,
        settled.due_date,
        settled.payment_date,
        settled.amount_due,
        settled.amount_paid,
        settled.credited_amount,
        settled.credited_date,
        settled.is_immaterial_shortfall,
        settled.amount_paid = 0 as is_missed,
        settled.amount_paid > 0 and settled.credited_amount < settled.amount_due as is_partial,
        settled.payment_date > settled.due_date as is_paid_late,
        coalesce(settled.payment_date, settled.due_date) as known_date,
        settled.cumulative_due,
        settled.repaid_date,
        settled.covered_date,
        {{ finlake.add_days('settled.due_date', 90) }} as ninety_days_past_due_date,
        settled.covered_date is null
        or settled.covered_date > {{ finlake.add_days('settled.due_date', 90) }}
            as reached_ninety_days_past_due
    from settled
    inner join {{ ref('stg_loans') }} as loans
        on settled.loan_id = loans.loan_id
)

select * from final
