{{
    config(
        materialized='incremental',
        unique_key='transaction_id',
        incremental_strategy='merge',
        on_schema_change='fail',
    )
}}

{#- Each transaction once: the valid delivery of its id that int_transactions__checked picks
    over all of bronze (by extract date, file and line, never by load order). Incremental: a
    run merges every winner that is not already here as it is, so new ids, earlier orphans
    whose account has arrived, and ids whose winner changed (a late snapshot with an earlier
    extract date) all land, and the result equals a full refresh whatever the delivery order. -#}

with

checked as (
    {{ finlake.order_proof_merge_rows('int_transactions__checked', 'transaction_id') }}
),

final as (
    select
        transaction_id,
        account_id,
        transaction_ts,
        cast(transaction_ts as date) as transaction_date,
        posted_date,
        amount,
        case when direction = 'credit' then amount else -amount end as signed_amount,
        upper(currency) as currency,
        direction,
        transaction_type,
        channel,
        merchant_name,
        merchant_category_code,
        upper(merchant_country) as merchant_country,
        status,
        has_corrected_amount,
        {{ finlake.lineage_columns() }}
    from checked
)

select * from final
