{#- One row per customer who has defaulted: the first day any of their loans was 90 days past
    due on an instalment, or was recorded as in default or charged off (whichever is earlier).
    The default definition of the label in loan_default_features. -#}

with

calendar as (
    select distinct reporting_date from {{ ref('int_reporting_calendar') }}
),

arrears as (
    select
        instalments.customer_id,
        min(instalments.ninety_days_past_due_date) as default_date
    from {{ ref('int_loan_instalments') }} as instalments
    cross join calendar
    where instalments.reached_ninety_days_past_due
        and instalments.ninety_days_past_due_date <= calendar.reporting_date
    group by instalments.customer_id
),

recorded as (
    select
        customer_id,
        min(cast(updated_at as date)) as default_date
    from {{ ref('stg_loans') }}
    where status in ('default', 'charged_off')
    group by customer_id
),

unioned as (
    select * from arrears
    union all
    select * from recorded
),

final as (
    select
        customer_id,
        min(default_date) as default_date
    from unioned
    group by customer_id
)

select * from final
