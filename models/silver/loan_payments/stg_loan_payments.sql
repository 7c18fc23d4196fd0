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

winners as (
    select * from {{ ref('int_loan_payments__checked') }}
    where _disposition = 'loaded'
),

{% if is_incremental() -%}
present as (
    select
        payment_id,
        _batch_id,
        _line_number
    from {{ this }}
),

checked as (
    select winners.*
    from winners
    left join present
        on winners.payment_id = present.payment_id
        and winners._batch_id = present._batch_id
        and winners._line_number = present._line_number
    where present.payment_id is null
),
{%- else -%}
checked as (
    select * from winners
),
{%- endif %}

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
