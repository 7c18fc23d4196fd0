with

staged as (
    select * from {{ ref('stg_bronze__loans') }}
),

typed as (
    select
        {{ finlake.typed_bronze_columns('loans') }},
        {{ finlake.copy_number('loans') }} as _copy_number
    from staged
),

customers as (
    {{ finlake.parent_keys('customers', 'customer_id') }}
),

accounts as (
    {{ finlake.parent_keys('accounts', 'account_id') }}
),

checked as (
    select
        typed.*,
        {{ finlake.reason_codes([
            'typed._contract_problems',
            "case when typed.origination_date > typed.extract_date then 'future_date:origination_date' end",
            "case when typed.maturity_date < typed.origination_date then 'out_of_range:maturity_date' end",
            "case when typed.updated_at >= " ~ dbt.dateadd('day', 1, 'typed.extract_date') ~ " then 'future_date:updated_at' end",
            "case when typed.principal_amount <= 0 then 'out_of_range:principal_amount' end",
            "case when typed.interest_rate < 0 or typed.interest_rate > 100 then 'out_of_range:interest_rate' end",
            "case when typed.term_months not between 1 and 600 then 'out_of_range:term_months' end",
            finlake.reference_problem('typed.customer_id', 'customers', 'customer_id'),
            finlake.reference_problem('typed.account_id', 'accounts', 'account_id', required=false),
        ]) }} as _reason_codes,
        {{ finlake.link_quarantined('typed.account_id', 'accounts', 'account_id') }} as is_account_link_quarantined
    from typed
    left join customers
        on typed.customer_id = customers.customer_id
    left join accounts
        on typed.account_id = accounts.account_id
),

final as (
    select
        *,
        {{ finlake.disposition('loan_id', finlake.latest_version_first('updated_at')) }} as _disposition
    from checked
)

select * from final
