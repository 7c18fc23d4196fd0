# The bronze schema, in one place. It mirrors finlake/contract/landing.yml (entity column lists in
# contract order, and which columns are PII) and the metadata columns the ingestion job appends.
# Terraform cannot read the contract itself in order (yamldecode returns maps sorted by key), so
# tests/terraform/test_catalog.py fails when this copy and the contract drift apart.

locals {
  bronze_entity_columns = {
    customers = [
      "customer_id",
      "first_name",
      "last_name",
      "email",
      "phone",
      "date_of_birth",
      "national_id",
      "address_line",
      "city",
      "state",
      "postal_code",
      "country",
      "annual_income",
      "employment_status",
      "credit_score",
      "customer_since",
      "updated_at",
    ]
    accounts = [
      "account_id",
      "customer_id",
      "account_type",
      "currency",
      "status",
      "opened_date",
      "closed_date",
      "credit_limit",
      "current_balance",
      "updated_at",
    ]
    transactions = [
      "transaction_id",
      "account_id",
      "transaction_ts",
      "posted_date",
      "amount",
      "currency",
      "direction",
      "transaction_type",
      "channel",
      "merchant_name",
      "merchant_category_code",
      "merchant_country",
      "status",
    ]
    loans = [
      "loan_id",
      "customer_id",
      "account_id",
      "loan_type",
      "principal_amount",
      "interest_rate",
      "term_months",
      "origination_date",
      "maturity_date",
      "status",
      "updated_at",
    ]
    loan_payments = [
      "payment_id",
      "loan_id",
      "due_date",
      "payment_date",
      "amount_due",
      "amount_paid",
      "payment_method",
    ]
  }

  # Columns marked `pii: true` in the contract. Bronze is the restricted zone that may hold them.
  bronze_pii_columns = {
    customers = [
      "first_name",
      "last_name",
      "email",
      "phone",
      "date_of_birth",
      "national_id",
      "address_line",
      "postal_code",
    ]
    accounts      = []
    transactions  = []
    loans         = []
    loan_payments = []
  }

  # Appended by the ingestion job after the contract columns (and the pii columns' tokens,
  # <column>_token, see main.tf) of every entity, in this order. `_extra_columns` holds values of
  # columns the contract does not know, which may be personal data: flagged PII.
  bronze_load_columns = [
    { name = "_extra_columns", type = "string", pii = true, comment = "PII (may hold personal data): JSON object of columns the contract does not define; null when there were none." },
    { name = "_source_file", type = "string", pii = false, comment = "Landing object the row was read from." },
    { name = "_file_checksum", type = "string", pii = false, comment = "SHA-256 (hex) of the landed file." },
    { name = "_line_number", type = "bigint", pii = false, comment = "Line of the row in the landed file." },
    { name = "_batch_id", type = "string", pii = false, comment = "Ingestion batch that loaded the row." },
    { name = "_loaded_at", type = "timestamp", pii = false, comment = "When the row was loaded (UTC)." },
  ]

  # bronze/_malformed/<entity>/extract_date=YYYY-MM-DD/: lines that could not be parsed.
  # `_raw_line` is a whole delivered record (names, e-mails, national ids): flagged PII.
  bronze_malformed_columns = [
    { name = "_source_file", type = "string", pii = false, comment = "Landing object the line was read from." },
    { name = "_file_checksum", type = "string", pii = false, comment = "SHA-256 (hex) of the landed file." },
    { name = "_line_number", type = "bigint", pii = false, comment = "Line number in the landed file." },
    { name = "_raw_line", type = "string", pii = true, comment = "PII: the line exactly as delivered (whole records with names, e-mails, national ids)." },
    { name = "_reason", type = "string", pii = false, comment = "Why the line could not be parsed." },
    { name = "_batch_id", type = "string", pii = false, comment = "Ingestion batch that captured the line." },
    { name = "_loaded_at", type = "timestamp", pii = false, comment = "When the line was captured (UTC)." },
  ]

  # bronze/_load_log/: the load ledger, one row per landed file and attempt (not partitioned).
  bronze_load_log_columns = [
    { name = "batch_id", type = "string", comment = "Ingestion batch." },
    { name = "entity", type = "string", comment = "Entity of the landed file." },
    { name = "source_file", type = "string", comment = "Landing object." },
    { name = "file_checksum", type = "string", comment = "SHA-256 (hex) of the landed file; a file already loaded with this checksum is skipped." },
    { name = "extract_date", type = "date", comment = "Extract (business) date from the file name." },
    { name = "attempt", type = "int", comment = "Attempt number for this file, from 1." },
    { name = "status", type = "string", comment = "Outcome of the attempt." },
    { name = "lines_read", type = "bigint", comment = "Data lines read from the file." },
    { name = "rows_written", type = "bigint", comment = "Rows written to bronze." },
    { name = "malformed_count", type = "bigint", comment = "Lines captured in _malformed." },
    { name = "reject_reason", type = "string", comment = "Why the file was rejected; null when it was loaded." },
    { name = "schema_drift", type = "string", comment = "Header differences from the contract; null when none." },
    { name = "started_at", type = "timestamp", comment = "Start of the attempt (UTC)." },
    { name = "finished_at", type = "timestamp", comment = "End of the attempt (UTC)." },
  ]
}
