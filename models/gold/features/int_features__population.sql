{#- One row per borrower and observation date: customers with a loan that had started before the
    date and had not yet matured or closed (repaid, charged off: int_loan_status_events), and who
    had not already defaulted. Carries the label: default within var('default_label_months')
    months (int_customer_defaults), taken only from the window after the date, and only where
    that window is complete - inside the delivered history and within the reach of the
    instalment data (int_features__data_reach). -#}

with

calendar as (select * from {{ ref('int_reporting_calendar') }}),

reach as (select * from {{ ref('int_features__data_reach') }}),

loans as (
    {{ finlake.loan_lifetimes() }}
),

defaults as (select * from {{ ref('int_customer_defaults') }}),

borrowers as (
    select distinct
        calendar.observation_date,
        loans.customer_id
    from calendar
    inner join loans
        on loans.origination_date < calendar.observation_date
        and loans.maturity_date >= calendar.observation_date
        and (loans.closed_date is null or loans.closed_date >= calendar.observation_date)
),

windows as (
    select
        calendar.observation_date,
        calendar.label_window_end,
        calendar.is_scoring_date,
        calendar.is_label_complete
        and calendar.label_window_end <= {{ finlake.add_days('reach.instalments_reach_date', 1) }}
            as is_label_complete
    from calendar
    cross join reach
),

final as (
    select
        borrowers.customer_id,
        borrowers.observation_date,
        windows.label_window_end,
        windows.is_label_complete,
        windows.is_scoring_date,
        case
            when windows.is_label_complete
                then coalesce(defaults.default_date < windows.label_window_end, false)
        end as defaults_within_window,
        case
            when defaults.default_date < windows.label_window_end then defaults.default_date
        end as default_date,
        case
            when defaults.default_date < windows.label_window_end then defaults.default_date_basis
        end as default_date_basis
    from borrowers
    inner join windows
        on borrowers.observation_date = windows.observation_date
    left join defaults
        on borrowers.customer_id = defaults.customer_id
    where defaults.default_date is null
        or defaults.default_date >= borrowers.observation_date
)

select * from final
