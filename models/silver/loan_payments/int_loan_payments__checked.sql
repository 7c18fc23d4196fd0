{#- A payment made early is delivered before its due date, so a due date up to one instalment
    (31 days) after the extract is fine when the payment has been made; later, or unpaid, it
    is a future date. -#}

with

staged as (
    select * from {{ ref('stg_bronze__loan_payments') }}
),

typed as (
    select
        {{ finlake.typed_bronze_columns('loan_payments') }},
        {{ finlake.copy_number('loan_payments') }} as _copy_number
    from staged
),

loans as (
    {{ finlake.parent_keys('loans', 'loan_id') }}
),

checked as (
    select
        typed.*,
        {{ finlake.reason_codes([
            'typed._contract_problems',
            "case when typed.due_date > " ~ finlake.add_days('typed.extract_date', 31)
            ~ " or (typed.due_date > typed.extract_date and typed.payment_date is null)"
            ~ " then 'future_date:due_date' end",
            "case when typed.payment_date > typed.extract_date then 'future_date:payment_date' end",
            "case when typed.amount_due <= 0 then 'out_of_range:amount_due' end",
            "case when typed.amount_paid < 0 then 'out_of_range:amount_paid' end",
            finlake.reference_problem('typed.loan_id', 'loans', 'loan_id'),
        ]) }} as _reason_codes
    from typed
    left join loans
        on typed.loan_id = loans.loan_id
),

final as (
    select
        *,
        {{ finlake.disposition('payment_id', finlake.latest_delivery_first()) }} as _disposition
    from checked
)

select * from final
