{{
    config(
        materialized='incremental',
        unique_key='payment_id',
        incremental_strategy='merge',
        on_schema_change='fail',
    )
}}

{#- Each loan instalment once: the valid delivery of its id that int_loan_payments__checked
    picks over all of bronze. Incremental like transactions: every winner not already here as
    it is is merged, so the result equals a full refresh whatever the delivery order. -#}

with

checked as (
    {{ finlake.order_proof_merge_rows('int_loan_payments__checked', 'payment_id') }}
),

final as (
    select
        payment_id,
        loan_id,
        due_date,
        payment_date,
        amount_due,
        amount_paid,
        coalesce(amount_paid, 0) = 0 as is_missed,
        coalesce(amount_paid, 0) > 0 and amount_paid < amount_due as is_partial,
        payment_method,
        has_corrected_amount,
        {{ finlake.lineage_columns() }}
    from checked
)

select * from final
