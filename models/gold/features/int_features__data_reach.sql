{#- One row: how far the delivered history of the two event sources the default model reads
    reaches - the first and last event date of loan instalments and of transactions, against
    the reporting date (the latest extract, as int_reporting_calendar reads it). A source whose last event is more than
    var('data_reach_staleness_days') days before the reporting date is stale: it is taken to
    reach only its last event date, and windows and labels past it are not covered. Otherwise
    it reaches the reporting date. -#}

with

calendar as (
    select max(_extract_date) as reporting_date from {{ ref('stg_transactions') }}
),

instalments as (
    select
        -- Instalments fall due monthly: their history starts with the first month one is due.
        {{ finlake.month_start('min(due_date)') }} as history_start,
        max(greatest(due_date, coalesce(payment_date, due_date))) as last_event_date
    from {{ ref('stg_loan_payments') }}
),

transactions as (
    select
        min(transaction_date) as history_start,
        max(transaction_date) as last_event_date
    from {{ ref('stg_transactions') }}
    where status in ('posted', 'pending')
),

final as (
    select
        calendar.reporting_date,
        instalments.history_start as instalments_history_start,
        instalments.last_event_date as instalments_last_event_date,
        {{ finlake.reach_date('instalments') }} as instalments_reach_date,
        transactions.history_start as transactions_history_start,
        transactions.last_event_date as transactions_last_event_date,
        {{ finlake.reach_date('transactions') }} as transactions_reach_date
    from calendar
    cross join instalments
    cross join transactions
)

select * from final
