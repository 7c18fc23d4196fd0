{#- Where each delivered customer record goes (macros/cleaning/checked_rows.sql). Personal data
    reaches this model only as tokens, masks and generalisations (stg_bronze__customers, which
    also checks the birth date, where the readable value still is): no readable PII is stored
    in silver. -#}

with

{{ finlake.checked_rows('customers', finlake.latest_version_first('updated_at'), rules=[
    finlake.future_date('customers', 'customer_since'),
    'typed._personal_data_problems',
    finlake.future_date('customers', 'updated_at'),
    "case when typed.country is not null and not " ~ finlake.regex_matches('upper(typed.country)', finlake.patterns().country) ~ " then 'invalid_code:country' end",
], reductions=['email_masked', 'has_valid_email', 'phone_masked', 'birth_year', 'postal_prefix', '_personal_data_problems']) }}

select * from final
