{{
    config(
        materialized='incremental',
        unique_key='transaction_id',
        incremental_strategy='merge',
        on_schema_change='fail',
    )
}}

{#- Each transaction once: the first valid delivery of its id. Incremental: a run adds every
    valid transaction not yet here, including earlier orphans whose account has now arrived. -#}

with

checked as (
    select * from {{ ref('int_transactions__checked') }}
    where _disposition = 'loaded'
    {% if is_incremental() -%}
        and transaction_id not in (select transaction_id from {{ this }})
    {%- endif %}
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
