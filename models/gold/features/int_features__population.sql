{#- One row per borrower and observation date: customers with a loan that had started before the
    date and had not yet matured, been paid off or charged off, and who had not already
    defaulted. Carries the label: default within var('default_label_months') months, taken
    only from the window after the date, and only where that window is complete. -#}

with

calendar as (
    select * from {{ ref('int_reporting_calendar') }}
),

loans as (
    select
        customer_id,
        origination_date,
        coalesce(maturity_date, {{ finlake.add_months('origination_date', 'term_months') }}) as maturity_date,
        case when status in ('paid_off', 'charged_off') then cast(updated_at as date) end as closed_date
    from {{ ref('stg_loans') }}
),

defaults as (
    select * from {{ ref('int_customer_defaults') }}
),

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

final as (
    select
        borrowers.customer_id,
        borrowers.observation_date,
        calendar.label_window_end,
        calendar.is_label_complete,
        calendar.is_scoring_date,
        case
            when calendar.is_label_complete
                then coalesce(defaults.default_date < calendar.label_window_end, false)
        end as defaults_within_window,
        case
            when defaults.default_date < calendar.label_window_end then defaults.default_date
        end as default_date
    from borrowers
    inner join calendar
        on borrowers.observation_date = calendar.observation_date
    left join defaults
        on borrowers.customer_id = defaults.customer_id
    where defaults.default_date is null
        or defaults.default_date >= borrowers.observation_date
)

select * from final
