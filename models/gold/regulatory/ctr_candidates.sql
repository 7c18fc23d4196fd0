{#- One row per customer, day and currency whose cash in or cash out exceeds the reporting
    threshold of that currency (currency_thresholds seed): the candidates for a currency
    transaction report (cash deposits in, ATM withdrawals out, aggregated over all the
    customer's accounts in the currency as the rule requires). Cash in a currency without a
    threshold is not judged. Incremental by affected dates (macros/incremental/
    gold_affected_dates.sql): a run recomputes only the days whose transactions changed. -#}
{{ finlake.incremental_by_affected_dates('business_date', ['customer_id', 'business_date', 'currency']) }}
{%- set dates = finlake.gold_affected_dates() %}

with

cash as (
    select * from {{ ref('int_transactions_enriched') }}
    where is_money_moved
        and transaction_type in ('cash_deposit', 'atm_withdrawal')
        and ctr_threshold is not null
        and {{ finlake.affected_dates_predicate('transaction_date', dates) }}
),

daily as (
    select
        customer_id,
        transaction_date as business_date,
        currency,
        max(ctr_threshold) as ctr_threshold,
        sum(case when transaction_type = 'cash_deposit' then amount else 0 end) as cash_in_amount,
        sum(case when transaction_type = 'atm_withdrawal' then amount else 0 end) as cash_out_amount,
        count(*) as transaction_count,
        {{ finlake.list_agg('transaction_id', ',', 'epoch_seconds, transaction_id') }} as transaction_ids
    from cash
    group by customer_id, transaction_date, currency
),

final as (
    select
        cast(customer_id as varchar) as customer_id,
        cast(business_date as date) as business_date,
        cast(currency as varchar) as currency,
        cast(ctr_threshold as decimal(18, 2)) as ctr_threshold,
        cast(cash_in_amount as decimal(18, 2)) as cash_in_amount,
        cast(cash_out_amount as decimal(18, 2)) as cash_out_amount,
        cast(transaction_count as bigint) as transaction_count,
        cast(cash_in_amount > ctr_threshold as boolean) as is_cash_in_over_threshold,
        cast(cash_out_amount > ctr_threshold as boolean) as is_cash_out_over_threshold,
        cast(transaction_ids as varchar) as transaction_ids
    from daily
    where cash_in_amount > ctr_threshold
        or cash_out_amount > ctr_threshold
)

select * from final
