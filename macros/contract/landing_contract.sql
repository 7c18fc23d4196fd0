{#-
    GENERATED from finlake/contract/landing.yml by `finlake contract render`; do not edit by
    hand. landing_contract() returns the contract as a dict:
    entity -> {key, version_column, event_time, columns: [{name, type, base_type, required,
    pii, values, range, references, precision, scale}]}.
-#}
{% macro landing_contract() %}
{%- set entities = {
    "customers": {"key": ["customer_id"], "version_column": "updated_at", "columns": [
        {"name": "customer_id", "type": "string", "required": true},
        {"name": "first_name", "type": "string", "required": true, "pii": true},
        {"name": "last_name", "type": "string", "required": true, "pii": true},
        {"name": "email", "type": "string", "pii": true},
        {"name": "phone", "type": "string", "pii": true},
        {"name": "date_of_birth", "type": "date", "required": true, "pii": true},
        {"name": "national_id", "type": "string", "pii": true},
        {"name": "address_line", "type": "string", "pii": true},
        {"name": "city", "type": "string"},
        {"name": "state", "type": "string"},
        {"name": "postal_code", "type": "string", "pii": true},
        {"name": "country", "type": "string", "required": true},
        {"name": "annual_income", "type": "decimal(18,2)"},
        {"name": "employment_status", "type": "enum", "values": ["employed", "self_employed", "unemployed", "retired", "student"]},
        {"name": "credit_score", "type": "integer", "range": [300, 850]},
        {"name": "customer_since", "type": "date", "required": true},
        {"name": "updated_at", "type": "timestamp", "required": true},
    ]},
    "accounts": {"key": ["account_id"], "version_column": "updated_at", "columns": [
        {"name": "account_id", "type": "string", "required": true},
        {"name": "customer_id", "type": "string", "required": true, "references": "customers.customer_id"},
        {"name": "account_type", "type": "enum", "required": true, "values": ["checking", "savings", "credit_card"]},
        {"name": "currency", "type": "string", "required": true},
        {"name": "status", "type": "enum", "required": true, "values": ["active", "dormant", "frozen", "closed"]},
        {"name": "opened_date", "type": "date", "required": true},
        {"name": "closed_date", "type": "date"},
        {"name": "credit_limit", "type": "decimal(18,2)"},
        {"name": "current_balance", "type": "decimal(18,2)", "required": true},
        {"name": "updated_at", "type": "timestamp", "required": true},
    ]},
    "transactions": {"key": ["transaction_id"], "event_time": "transaction_ts", "columns": [
        {"name": "transaction_id", "type": "string", "required": true},
        {"name": "account_id", "type": "string", "required": true, "references": "accounts.account_id"},
        {"name": "transaction_ts", "type": "timestamp", "required": true},
        {"name": "posted_date", "type": "date"},
        {"name": "amount", "type": "decimal(18,2)", "required": true},
        {"name": "currency", "type": "string", "required": true},
        {"name": "direction", "type": "enum", "required": true, "values": ["debit", "credit"]},
        {"name": "transaction_type", "type": "enum", "required": true, "values": ["purchase", "atm_withdrawal", "cash_deposit", "deposit", "transfer_in", "transfer_out", "wire_out", "wire_in", "fee", "interest", "loan_disbursement", "loan_payment", "refund", "salary"]},
        {"name": "channel", "type": "enum", "values": ["pos", "online", "atm", "branch", "mobile", "ach", "wire"]},
        {"name": "merchant_name", "type": "string"},
        {"name": "merchant_category_code", "type": "string"},
        {"name": "merchant_country", "type": "string"},
        {"name": "status", "type": "enum", "required": true, "values": ["posted", "pending", "reversed", "declined"]},
    ]},
    "loans": {"key": ["loan_id"], "version_column": "updated_at", "columns": [
        {"name": "loan_id", "type": "string", "required": true},
        {"name": "customer_id", "type": "string", "required": true, "references": "customers.customer_id"},
        {"name": "account_id", "type": "string", "references": "accounts.account_id"},
        {"name": "loan_type", "type": "enum", "required": true, "values": ["personal", "auto", "mortgage", "student", "small_business"]},
        {"name": "principal_amount", "type": "decimal(18,2)", "required": true},
        {"name": "interest_rate", "type": "decimal(7,4)", "required": true},
        {"name": "term_months", "type": "integer", "required": true},
        {"name": "origination_date", "type": "date", "required": true},
        {"name": "maturity_date", "type": "date"},
        {"name": "status", "type": "enum", "required": true, "values": ["current", "delinquent", "default", "charged_off", "paid_off"]},
        {"name": "updated_at", "type": "timestamp", "required": true},
    ]},
    "loan_payments": {"key": ["payment_id"], "event_time": "due_date", "columns": [
        {"name": "payment_id", "type": "string", "required": true},
        {"name": "loan_id", "type": "string", "required": true, "references": "loans.loan_id"},
        {"name": "due_date", "type": "date", "required": true},
        {"name": "payment_date", "type": "date"},
        {"name": "amount_due", "type": "decimal(18,2)", "required": true},
        {"name": "amount_paid", "type": "decimal(18,2)"},
        {"name": "payment_method", "type": "enum", "values": ["autopay", "ach", "card", "branch", "check"]},
    ]},
} -%}
{{ return(finlake.expand_landing_contract(entities)) }}
{% endmacro %}
