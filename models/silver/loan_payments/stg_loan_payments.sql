{{
    config(
        materialized='incremental',
        unique_key='payment_id',
        incremental_strategy='merge',
        on_schema_change='fail',
    )
}}

{#- Each loan instalment once: the first valid delivery of its id (incremental, like transactions). -#}

with

checked as (
    select * from {{ ref('int_loan_payments__checked') }}
    where _disposition = 'loaded'
    {% if is_incremental() -%}
        and payment_id not in (select payment_id from {{ this }})
    {%- endif %}
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
