{#- A select of one row per loan with the dates that bound its life, for "was this loan running
    at a date" (the default model's population and loan features; the risk exposures at the
    reporting date: closed_date <= reporting date is "recorded closed by then"): its contractual terms, its
    maturity (delivered, else origination plus the term) and the day the bank first recorded it
    closed (repaid or charged off: int_loan_status_events), null while open. A loan runs at a
    date when origination_date < date <= maturity_date and closed_date is null or on or after
    the date. -#}
{% macro loan_lifetimes() -%}
    select
        stg_loans.loan_id,
        stg_loans.customer_id,
        stg_loans.loan_type,
        stg_loans.principal_amount,
        stg_loans.interest_rate,
        stg_loans.term_months,
        stg_loans.origination_date,
        coalesce(
            stg_loans.maturity_date,
            {{ finlake.add_months('stg_loans.origination_date', 'stg_loans.term_months') }}
        ) as maturity_date,
        closures.closed_date
    from {{ ref('stg_loans') }} as stg_loans
    left join (
        select
            loan_id,
            min(event_date) as closed_date
        from {{ ref('int_loan_status_events') }}
        where is_closed
        group by loan_id
    ) as closures
        on stg_loans.loan_id = closures.loan_id
{%- endmacro %}
