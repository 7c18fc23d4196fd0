{{ config(materialized='table') }}

{#- Personal data is checked here against the contract and then leaves only as tokens (HMAC),
    masks and generalisations (birth year, postal prefix): no readable PII is stored in silver.
    The tokens come from bronze: the ingestion job computes them (ingestion/pii.py), so no SQL
    here or on any engine holds the key. -#}

with

typed as (
    {{ finlake.typed_bronze('customers') }}
),

checked as (
    select
        *,
        {{ finlake.reason_codes([
            '_contract_problems',
            "case when customer_since > extract_date then 'future_date:customer_since' end",
            "case when date_of_birth > extract_date then 'future_date:date_of_birth' end",
            "case when updated_at >= " ~ dbt.dateadd('day', 1, 'extract_date') ~ " then 'future_date:updated_at' end",
            "case when country is not null and not " ~ finlake.regex_matches('upper(country)', finlake.patterns().country) ~ " then 'invalid_code:country' end",
        ]) }} as _reason_codes
    from typed
),

disposed as (
    select
        *,
        lower(email) as email_normalised,
        {{ finlake.normalise_phone('phone', 'country') }} as phone_e164,
        {{ finlake.disposition('customer_id', finlake.latest_version_first('updated_at')) }} as _disposition
    from checked
),

final as (
    select
        customer_id,
        email_token,
        {{ finlake.mask_email('email_normalised') }} as email_masked,
        coalesce({{ finlake.regex_matches('email_normalised', finlake.patterns().email) }}, false) as has_valid_email,
        phone_token,
        {{ finlake.mask_phone('phone_e164') }} as phone_masked,
        national_id_token,
        cast(extract(year from date_of_birth) as integer) as birth_year,
        city,
        upper(state) as state,
        upper(substr(replace(postal_code, ' ', ''), 1, 3)) as postal_prefix,
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
