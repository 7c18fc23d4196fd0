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
    {{- finlake.amount_differences(
        'candidates', 'over_threshold', ['customer_id', 'business_date', 'currency'], 'cash_in_amount',
        rows='candidates.is_cash_in_over_threshold or over_threshold.customer_id is not null'
    ) }}
)

select * from final
