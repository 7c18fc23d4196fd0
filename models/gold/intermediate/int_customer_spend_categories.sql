{#- One row per customer with purchases in the 365 days to the reporting date: their three
    largest spending categories by amount (mcc_codes seed), largest first. -#}

with

calendar as (
    -- The day the data reaches, not the extract date: windows end where the history ends.
    select max(as_of_date) as reporting_date from {{ ref('int_data_reach') }}
),

spend as (
    select
        accounts.customer_id,
        coalesce(mcc.spend_category, 'other') as spend_category,
        sum(transactions.amount) as amount
    from {{ ref('stg_transactions') }} as transactions
    inner join {{ ref('stg_accounts') }} as accounts
        on transactions.account_id = accounts.account_id
    left join {{ ref('mcc_codes') }} as mcc
        on transactions.merchant_category_code = mcc.merchant_category_code
    cross join calendar
    where transactions.transaction_type = 'purchase'
        and transactions.status in ('posted', 'pending')
        and {{ dbt.datediff('transactions.transaction_date', 'calendar.reporting_date', 'day') }}
        < 365
    group by accounts.customer_id, coalesce(mcc.spend_category, 'other')
),

ranked as (
    select
        *,
        row_number() over (partition by customer_id order by amount desc, spend_category asc) as category_rank
    from spend
),

final as (
    select
        customer_id,
        max(case when category_rank = 1 then spend_category end) as top_spend_category_1,
        max(case when category_rank = 2 then spend_category end) as top_spend_category_2,
        max(case when category_rank = 3 then spend_category end) as top_spend_category_3
    from ranked
    group by customer_id
)

select * from final
