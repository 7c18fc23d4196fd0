{#- One row per customer who has defaulted: the first day any of their loans was 90 days past
    due on a material arrear (int_loan_instalments), or the bank recorded one of their loans in
    a status its vocabulary maps to default (int_loan_status_events, dated by the event),
    whichever is earlier, and what that date rests on. The default definition of the label in
    loan_default_features. An arrears default counts only when the instalment data reaches its
    date (int_features__data_reach). -#}

with

reach as (select * from {{ ref('int_features__data_reach') }}),

arrears as (
    select
        instalments.customer_id,
        instalments.ninety_days_past_due_date as default_date,
        'arrears_90_days' as default_date_basis,
        1 as basis_rank
    from {{ ref('int_loan_instalments') }} as instalments
    cross join reach
    where instalments.reached_ninety_days_past_due
        and instalments.ninety_days_past_due_date <= reach.instalments_reach_date
),

recorded as (
    select
        customer_id,
        event_date as default_date,
        date_basis as default_date_basis,
        case when date_basis = 'snapshot_date' then 3 else 2 end as basis_rank
    from {{ ref('int_loan_status_events') }}
    where is_default_onset
),

unioned as (
    select * from arrears
    union all
    select * from recorded
),

ranked as (
    select
        *,
        row_number() over (
            partition by customer_id
            order by default_date, basis_rank
        ) as default_rank
    from unioned
),

final as (
    select
        customer_id,
        default_date,
        default_date_basis
    from ranked
    where default_rank = 1
)

select * from final
