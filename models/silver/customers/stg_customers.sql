{#- The current version of each customer; PII only as tokens, masks and generalisations. -#}

with

versions as (
    select * from {{ ref('int_customers__versions') }}
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
        state,
        postal_prefix,
        country,
        annual_income,
        employment_status,
        credit_score,
        customer_since,
        updated_at,
        has_corrected_amount,
        _extract_date,
        _batch_id,
        _source_file,
        _line_number,
        _loaded_at
    from versions
    where is_current
)

select * from final
