{#- The five landing entities, each with its business key and its silver model. -#}
{% macro silver_entities() %}
    {{ return([
        {'name': 'customers', 'key': 'customer_id', 'model': 'stg_customers'},
        {'name': 'accounts', 'key': 'account_id', 'model': 'stg_accounts'},
        {'name': 'transactions', 'key': 'transaction_id', 'model': 'stg_transactions'},
        {'name': 'loans', 'key': 'loan_id', 'model': 'stg_loans'},
        {'name': 'loan_payments', 'key': 'payment_id', 'model': 'stg_loan_payments'},
    ]) }}
{% endmacro %}
