{#- Personal data reaches this model only as tokens, masks and generalisations
    (stg_bronze__customers): no readable PII is stored in silver. -#}

with

staged as (
    select * from {{ ref('stg_bronze__customers') }}
),

typed as (
    select
        *,
        {{ finlake.copy_number('customers') }} as _copy_number
    from staged
),

checked as (
    select
        *,
        {{ finlake.reason_codes([
            '_contract_problems',
            "case when customer_since > extract_date then 'future_date:customer_since' end",
            '_personal_data_problems',
            "case when updated_at >= " ~ dbt.dateadd('day', 1, 'extract_date') ~ " then 'future_date:updated_at' end",
            "case when country is not null and not " ~ finlake.regex_matches('upper(country)', finlake.patterns().country) ~ " then 'invalid_code:country' end",
        ]) }} as _reason_codes
    from typed
),

disposed as (
    select
        *,
        {{ finlake.disposition('customer_id', finlake.latest_version_first('updated_at')) }} as _disposition
    from checked
),

final as (
    select
        customer_id,
        email_token,
        email_masked,
        has_valid_email,
        phone_token,
        phone_masked,
        national_id_token,
        birth_year,
        city,
        upper(state) as state,
        postal_prefix,
        upper(country) as country,
        annual_income,
        employment_status,
        credit_score,
        customer_since,
        updated_at,
        has_corrected_amount,
        _contract_problems,
        _raw_record,
        _copy_number,
        _reason_codes,
        _disposition,
        extract_date,
        _source_file,
        _line_number,
        _batch_id,
        _loaded_at
    from disposed
)

select * from final
