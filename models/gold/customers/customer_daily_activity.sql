{#- One row per customer and day with money moved (posted or pending transactions; declined
    and reversed ones never count): money in and out, transaction counts, purchases, cash and
    international card spend of the day, over all the customer's accounts. The daily figures
    customer summaries add up over their windows. Incremental by affected dates
    (macros/incremental/gold_affected_dates.sql): a run recomputes only the days whose
    transactions changed. -#}
{{ finlake.incremental_by_affected_dates('activity_date', ['customer_id', 'activity_date']) }}
{%- set scope = finlake.gold_affected_dates() %}

with

transactions as (
    select * from {{ ref('int_transactions_enriched') }}
    where is_money_moved
        and {{ finlake.affected_scope_predicate('transaction_date', 'account_id', scope) }}
),

daily as (
    select
        customer_id,
        transaction_date as activity_date,
        sum(case when direction = 'credit' then amount else 0 end) as inflow_amount,
        sum(case when direction = 'debit' then amount else 0 end) as outflow_amount,
        sum(amount) as total_amount,
        count(*) as transaction_count,
        sum(case when transaction_type = 'purchase' then 1 else 0 end) as purchase_count,
        sum(case when transaction_type = 'purchase' then amount else 0 end) as purchase_amount,
        sum(case when transaction_type in ('atm_withdrawal', 'cash_deposit') then amount else 0 end) as cash_amount,
        sum(
            case when transaction_type = 'purchase' and merchant_country <> customer_country then 1 else 0 end
        ) as international_purchase_count
    from transactions
    group by customer_id, transaction_date
),

final as ({{ finlake.declared_select('daily') }})

select * from final
