with

staged as (
    select * from {{ ref('stg_bronze__accounts') }}
),

typed as (
    select
        {{ finlake.typed_bronze_columns('accounts') }},
        {{ finlake.copy_number('accounts') }} as _copy_number
    from staged
),

customers as (
    {{ finlake.parent_keys('customers', 'customer_id') }}
),

checked as (
    select
        typed.*,
        {{ finlake.reason_codes([
            'typed._contract_problems',
            "case when typed.opened_date > typed.extract_date then 'future_date:opened_date' end",
            "case when typed.closed_date > typed.extract_date then 'future_date:closed_date' end",
            "case when typed.closed_date < typed.opened_date then 'out_of_range:closed_date' end",
            "case when typed.updated_at >= " ~ dbt.dateadd('day', 1, 'typed.extract_date') ~ " then 'future_date:updated_at' end",
            "case when typed.credit_limit < 0 then 'out_of_range:credit_limit' end",
            "case when typed.currency is not null and not " ~ finlake.regex_matches('upper(typed.currency)', finlake.patterns().currency) ~ " then 'invalid_code:currency' end",
            finlake.reference_problem('typed.customer_id', 'customers', 'customer_id'),
        ]) }} as _reason_codes
    from typed
    left join customers
        on typed.customer_id = customers.customer_id
),

final as (
    select
        *,
        {{ finlake.disposition('account_id', finlake.latest_version_first('updated_at')) }} as _disposition
    from checked
)

select * from final
