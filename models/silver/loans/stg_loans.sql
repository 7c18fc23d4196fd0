{#- The current version of each loan. Contractual terms are fixed at origination; the status is
    as of the latest extract (features must derive arrears from payments, not from it). -#}

with

checked as (
    select * from {{ ref('int_loans__checked') }}
    where _disposition = 'loaded'
),

final as (
    select
        loan_id,
        customer_id,
        account_id,
        is_account_link_quarantined,
        loan_type,
        principal_amount,
        interest_rate,
        term_months,
        origination_date,
        maturity_date,
        status,
        updated_at,
        has_corrected_amount,
        {{ finlake.lineage_columns() }}
    from checked
)

select * from final
