{{
    config(
        materialized='incremental',
        unique_key='account_id',
        incremental_strategy='merge',
        on_schema_change='fail',
    )
}}

{#- One row per loaded account: the context gold last computed its transactions with
    (int_account_context) and the latest load time of its transactions then. The watermark of
    the gold models incremental by affected dates (macros/incremental/gold_affected_dates.sql):
    built after them (it depends on them), it records what they have taken in. Incremental
    itself: a run merges the accounts with transactions loaded since, or whose context changed. -#}
-- depends_on: {{ ref('ctr_candidates') }}
-- depends_on: {{ ref('customer_daily_activity') }}

with

context as (select * from {{ ref('int_account_context') }}),

{%- if is_incremental() %}

present as (
    -- the columns by name: the lineage reads them from the model's own table
    select
        account_id,
        customer_id,
        customer_country,
        utc_offset_hours,
        transactions_loaded_through
    from {{ this }}
),

loaded as (
    select
        account_id,
        max(_loaded_at) as loaded_through
    from {{ ref('stg_transactions') }}
    where {{ finlake.changed_transactions_predicate(this, ref('int_account_context')) }}
    group by account_id
),

final as (
    select
        context.account_id,
        context.customer_id,
        context.customer_country,
        context.utc_offset_hours,
        greatest(
            coalesce(present.transactions_loaded_through, loaded.loaded_through),
            coalesce(loaded.loaded_through, present.transactions_loaded_through)
        ) as transactions_loaded_through
    from context
    left join present
        on context.account_id = present.account_id
    left join loaded
        on context.account_id = loaded.account_id
    where loaded.account_id is not null
        or {{ finlake.context_changed('context', 'present') }}
)

{%- else %}

loaded as (
    select
        account_id,
        max(_loaded_at) as loaded_through
    from {{ ref('stg_transactions') }}
    group by account_id
),

final as (
    select
        context.account_id,
        context.customer_id,
        context.customer_country,
        context.utc_offset_hours,
        loaded.loaded_through as transactions_loaded_through
    from context
    left join loaded
        on context.account_id = loaded.account_id
)

{%- endif %}

select * from final
