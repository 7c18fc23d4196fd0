{#- The bronze customers, one row per delivered record, typed and checked against the contract.
    Personal data leaves only as tokens (made by the ingestion job, ingestion/pii.py: no SQL
    here or on any engine holds the key), masks and generalisations (birth year, postal
    prefix); the rule that needs a readable personal value (a birth date after the extract) is
    checked here, where the value still is. Codes are upper-cased here, as enums are
    lower-cased by parse_value, so copies that differ only in a code's case are one record. -#}

with

delivered as (select * from {{ source('bronze', 'customers') }}),

typed as (
    {{ finlake.typed_bronze('customers', 'delivered', personal_data=true) }}
),

normalised as (
    select
        *,
        lower(email) as email_normalised,
        {{ finlake.normalise_phone('phone', 'country') }} as phone_e164
    from typed
),

final as (
    select
        customer_id,
        first_name_token,
        last_name_token,
        email_token,
        {{ finlake.mask_email('email_normalised') }} as email_masked,
        coalesce({{ finlake.regex_matches('email_normalised', finlake.patterns().email) }}, false) as has_valid_email,
        phone_token,
        {{ finlake.mask_phone('phone_e164') }} as phone_masked,
        date_of_birth_token,
        cast(extract(year from date_of_birth) as integer) as birth_year,
        national_id_token,
        address_line_token,
        city,
        upper(state) as state,
        postal_code_token,
        upper(substr(replace(postal_code, ' ', ''), 1, 3)) as postal_prefix,
        upper(country) as country,
        annual_income,
        employment_status,
        credit_score,
        customer_since,
        updated_at,
        has_corrected_amount,
        _contract_problems,
        {{ finlake.reason_codes([
            "case when date_of_birth > extract_date then 'future_date:date_of_birth' end",
        ]) }} as _personal_data_problems,
        _raw_record,
        extract_date,
        _source_file,
        _line_number,
        _batch_id,
        _loaded_at
    from normalised
)

select * from final
