{#- Where each delivered instalment record goes (macros/cleaning/checked_rows.sql). A payment
    made early is delivered before its due date, so a due date up to one instalment (31 days)
    after the extract is fine when the payment has been made; later, or unpaid, it is a future
    date. -#}

with

{{ finlake.checked_rows('loan_payments', finlake.latest_delivery_first(), rules=[
    "case when typed.due_date > " ~ finlake.add_days('typed.extract_date', 31)
    ~ " or (typed.due_date > typed.extract_date and typed.payment_date is null)"
    ~ " then 'future_date:due_date' end",
    finlake.future_date('loan_payments', 'payment_date'),
    "case when typed.amount_due <= 0 then 'out_of_range:amount_due' end",
    "case when typed.amount_paid < 0 then 'out_of_range:amount_paid' end",
], parents=[{'entity': 'loans', 'column': 'loan_id'}]) }}

select * from final
