{#- The attributes of a customer version, in order (no readable personal data: tokens, masks and
    generalisations, stg_bronze__customers): what int_customers__versions keeps of every valid
    version and stg_customers of the current one. -#}
{% macro customer_attributes() %}
    {{ return([
        'customer_id', 'email_token', 'email_masked', 'has_valid_email', 'phone_token', 'phone_masked',
        'national_id_token', 'birth_year', 'city', 'state', 'postal_prefix', 'country', 'annual_income',
        'employment_status', 'credit_score', 'customer_since',
    ]) }}
{% endmacro %}
