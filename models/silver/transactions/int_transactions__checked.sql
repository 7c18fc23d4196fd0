with

staged as (
    select * from {{ ref('stg_bronze__transactions') }}
),

typed as (
    select
        {{ finlake.typed_bronze_columns('transactions') }},
        {{ finlake.copy_number('transactions') }} as _copy_number
    from staged
),

accounts as (
    {{ finlake.parent_keys('accounts', 'account_id') }}
),

checked as (
    select
        typed.*,
        {{ finlake.reason_codes([
            'typed._contract_problems',
            "case when typed.transaction_ts >= " ~ dbt.dateadd('day', 1, 'typed.extract_date') ~ " then 'future_date:transaction_ts' end",
            "case when typed.posted_date > typed.extract_date then 'future_date:posted_date' end",
            "case when typed.amount <= 0 then 'out_of_range:amount' end",
            "case when typed.currency is not null and not " ~ finlake.regex_matches('upper(typed.currency)', finlake.patterns().currency) ~ " then 'invalid_code:currency' end",
            "case when typed.merchant_country is not null and not " ~ finlake.regex_matches('upper(typed.merchant_country)', finlake.patterns().country) ~ " then 'invalid_code:merchant_country' end",
            finlake.reference_problem('typed.account_id', 'accounts', 'account_id'),
        ]) }} as _reason_codes
    from typed
    left join accounts
        on typed.account_id = accounts.account_id
),

final as (
    select
        *,
        {{ finlake.disposition('transaction_id', finlake.latest_delivery_first()) }} as _disposition
    from checked
)

select * from final
