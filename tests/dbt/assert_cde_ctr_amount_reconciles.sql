-- Critical data element ctr cash_in_amount (models/gold/regulatory/regulatory.yml, meta.cde):
-- each candidate's cash in equals the cash deposits of that customer, day and currency as silver
-- holds them (stg_transactions over the customer's accounts, posted or pending), and every
-- customer-day over the threshold is a candidate. Returns the customer-days that differ.
with

transactions as (select * from {{ ref('stg_transactions') }}),

accounts as (select * from {{ ref('stg_accounts') }}),

thresholds as (select * from {{ ref('currency_thresholds') }}),

candidates as (select * from {{ ref('ctr_candidates') }}),

deposits as (
    select
        accounts.customer_id,
        transactions.transaction_date as business_date,
        transactions.currency,
        sum(transactions.amount) as cash_in_amount
    from transactions
    inner join accounts
        on transactions.account_id = accounts.account_id
    where transactions.transaction_type = 'cash_deposit'
        and transactions.status in ('posted', 'pending')
    group by accounts.customer_id, transactions.transaction_date, transactions.currency
),

over_threshold as (
    select deposits.*
    from deposits
    inner join thresholds
        on deposits.currency = thresholds.currency_code
    where deposits.cash_in_amount > thresholds.ctr_threshold
),

final as (
    select
        coalesce(candidates.customer_id, over_threshold.customer_id) as customer_id,
        coalesce(candidates.business_date, over_threshold.business_date) as business_date,
        candidates.cash_in_amount as reported,
        over_threshold.cash_in_amount as recomputed
    from candidates
    full outer join over_threshold
        on candidates.customer_id = over_threshold.customer_id
        and candidates.business_date = over_threshold.business_date
        and candidates.currency = over_threshold.currency
    where (candidates.is_cash_in_over_threshold or over_threshold.customer_id is not null)
        and abs(coalesce(candidates.cash_in_amount, 0) - coalesce(over_threshold.cash_in_amount, 0)) >= 0.01
)

select * from final
