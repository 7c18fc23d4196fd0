{#- Every valid version of every customer, with the period it was current: point-in-time
    features join the version valid at their observation date. -#}

with

versions as (
    select * from {{ ref('int_customers__checked') }}
    where _disposition in ('loaded', 'superseded')
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
        updated_at as valid_from,
        lead(updated_at) over (
            partition by customer_id
            order by updated_at, extract_date, _source_file, _line_number
        ) as valid_to,
        updated_at,
        has_corrected_amount,
        _disposition = 'loaded' as is_current,
        {{ finlake.lineage_columns() }}
    from versions
)

select * from final
