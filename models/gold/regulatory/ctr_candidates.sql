{#- One row per customer, day and currency whose cash in or cash out exceeds the reporting
    threshold of that currency (currency_thresholds seed): the candidates for a currency
    transaction report (cash deposits in, ATM withdrawals out, aggregated over all the
    customer's accounts in the currency as the rule requires). Cash in a currency without a
    threshold is not judged. Incremental by affected dates (macros/incremental/
    gold_affected_dates.sql): a run recomputes only the days whose transactions changed. -#}
{{ finlake.incremental_by_affected_dates('business_date', ['customer_id', 'business_date', 'currency']) }}
{%- set scope = finlake.gold_affected_dates() %}

with

cash as (
    select * from {{ ref('int_transactions_enriched') }}
    where is_money_moved
        and transaction_type in ('cash_deposit', 'atm_withdrawal')
        and ctr_threshold is not null
        and {{ finlake.affected_scope_predicate('transaction_date', 'account_id', scope) }}
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

candidates as (
    select
        *,
        cash_in_amount > ctr_threshold as is_cash_in_over_threshold,
        cash_out_amount > ctr_threshold as is_cash_out_over_threshold
    from daily
    where cash_in_amount > ctr_threshold
        or cash_out_amount > ctr_threshold
),

final as ({{ finlake.declared_select('candidates') }})

select * from final
