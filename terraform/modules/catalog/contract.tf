# GENERATED from finlake/contract/landing.yml by `finlake contract render`; do not edit by hand.
# The bronze schema: the columns of each entity table (the contract's, as text, then a
# token of each pii column) and the load metadata the ingestion job appends, described in
# finlake/contract/bronze.py. main.tf builds the Glue tables from these locals.

locals {
  # Per entity, in the order of its bronze files; the load columns follow.
  bronze_entity_columns = {
    customers = [
      { name = "customer_id", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "first_name", type = "string", pii = true, comment = "PII (landing contract): as delivered; tokenised or dropped before gold." },
      { name = "last_name", type = "string", pii = true, comment = "PII (landing contract): as delivered; tokenised or dropped before gold." },
      { name = "email", type = "string", pii = true, comment = "PII (landing contract): as delivered; tokenised or dropped before gold." },
      { name = "phone", type = "string", pii = true, comment = "PII (landing contract): as delivered; tokenised or dropped before gold." },
      { name = "date_of_birth", type = "string", pii = true, comment = "PII (landing contract): as delivered; tokenised or dropped before gold." },
      { name = "national_id", type = "string", pii = true, comment = "PII (landing contract): as delivered; tokenised or dropped before gold." },
      { name = "address_line", type = "string", pii = true, comment = "PII (landing contract): as delivered; tokenised or dropped before gold." },
      { name = "city", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "state", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "postal_code", type = "string", pii = true, comment = "PII (landing contract): as delivered; tokenised or dropped before gold." },
      { name = "country", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "annual_income", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "employment_status", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "credit_score", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "customer_since", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "updated_at", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "first_name_token", type = "string", pii = false, comment = "HMAC-SHA256 token (hex) of the trimmed first_name, computed by the ingestion job (the key stays in Secrets Manager); null when blank." },
      { name = "last_name_token", type = "string", pii = false, comment = "HMAC-SHA256 token (hex) of the trimmed last_name, computed by the ingestion job (the key stays in Secrets Manager); null when blank." },
      { name = "email_token", type = "string", pii = false, comment = "HMAC-SHA256 token (hex) of the trimmed, lower-cased e-mail, computed by the ingestion job (the key stays in Secrets Manager); null when blank." },
      { name = "phone_token", type = "string", pii = false, comment = "HMAC-SHA256 token (hex) of the phone number in E.164 form (silver's normalise_phone), computed by the ingestion job (the key stays in Secrets Manager); null when blank." },
      { name = "date_of_birth_token", type = "string", pii = false, comment = "HMAC-SHA256 token (hex) of the trimmed date_of_birth, computed by the ingestion job (the key stays in Secrets Manager); null when blank." },
      { name = "national_id_token", type = "string", pii = false, comment = "HMAC-SHA256 token (hex) of the national identifier's digits (null when it has none), computed by the ingestion job (the key stays in Secrets Manager); null when blank." },
      { name = "address_line_token", type = "string", pii = false, comment = "HMAC-SHA256 token (hex) of the trimmed address_line, computed by the ingestion job (the key stays in Secrets Manager); null when blank." },
      { name = "postal_code_token", type = "string", pii = false, comment = "HMAC-SHA256 token (hex) of the trimmed postal_code, computed by the ingestion job (the key stays in Secrets Manager); null when blank." },
    ]
    accounts = [
      { name = "account_id", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "customer_id", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "account_type", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "currency", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "status", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "opened_date", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "closed_date", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "credit_limit", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "current_balance", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "updated_at", type = "string", pii = false, comment = "As delivered; typed in silver." },
    ]
    transactions = [
      { name = "transaction_id", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "account_id", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "transaction_ts", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "posted_date", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "amount", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "currency", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "direction", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "transaction_type", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "channel", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "merchant_name", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "merchant_category_code", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "merchant_country", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "status", type = "string", pii = false, comment = "As delivered; typed in silver." },
    ]
    loans = [
      { name = "loan_id", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "customer_id", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "account_id", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "loan_type", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "principal_amount", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "interest_rate", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "term_months", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "origination_date", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "maturity_date", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "status", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "updated_at", type = "string", pii = false, comment = "As delivered; typed in silver." },
    ]
    loan_payments = [
      { name = "payment_id", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "loan_id", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "due_date", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "payment_date", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "amount_due", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "amount_paid", type = "string", pii = false, comment = "As delivered; typed in silver." },
      { name = "payment_method", type = "string", pii = false, comment = "As delivered; typed in silver." },
    ]
  }

  # Appended by the ingestion job after every entity's columns, in this order.
  # `_extra_columns` holds values of columns the contract does not know: flagged PII.
  bronze_load_columns = [
    { name = "_extra_columns", type = "string", pii = true, comment = "PII (may hold personal data): JSON object of columns the contract does not define; null when there were none." },
    { name = "_source_file", type = "string", pii = false, comment = "Landing object the row was read from." },
    { name = "_file_checksum", type = "string", pii = false, comment = "SHA-256 (hex) of the landed file's bytes." },
    { name = "_line_number", type = "bigint", pii = false, comment = "Line of the row in the landed file." },
    { name = "_batch_id", type = "string", pii = false, comment = "Ingestion batch that loaded the row." },
    { name = "_loaded_at", type = "timestamp", pii = false, comment = "When the row was loaded (UTC)." },
  ]

  # bronze/_malformed/<entity>/extract_date=YYYY-MM-DD/: lines that could not be parsed.
  # `_raw_line` is a whole delivered record: flagged PII.
  bronze_malformed_columns = [
    { name = "_source_file", type = "string", pii = false, comment = "Landing object the line was read from." },
    { name = "_file_checksum", type = "string", pii = false, comment = "SHA-256 (hex) of the landed file." },
    { name = "_line_number", type = "bigint", pii = false, comment = "Line number in the landed file." },
    { name = "_raw_line", type = "string", pii = true, comment = "PII: the line exactly as delivered (whole records with names, e-mails, national ids)." },
    { name = "_reason", type = "string", pii = false, comment = "Why the line could not be parsed." },
    { name = "_batch_id", type = "string", pii = false, comment = "Ingestion batch that captured the line." },
    { name = "_loaded_at", type = "timestamp", pii = false, comment = "When the line was captured (UTC)." },
  ]

  # bronze/_load_log/: the load ledger, one row per landed file and attempt.
  bronze_load_log_columns = [
    { name = "batch_id", type = "string", pii = false, comment = "Ingestion batch." },
    { name = "entity", type = "string", pii = false, comment = "Landing entity of the file." },
    { name = "source_file", type = "string", pii = false, comment = "Landing file name." },
    { name = "file_checksum", type = "string", pii = false, comment = "SHA-256 (hex) of the landed file; a file already loaded with this checksum is skipped." },
    { name = "extract_date", type = "date", pii = false, comment = "Extract (business) date from the file name." },
    { name = "attempt", type = "int", pii = false, comment = "Load attempt number of this file, from 1." },
    { name = "status", type = "string", pii = false, comment = "loaded, skipped_duplicate (same bytes already loaded), rejected (e.g. a required column missing), empty (0 bytes or only a byte order mark) or failed." },
    { name = "lines_read", type = "bigint", pii = false, comment = "Records read from the file (a quoted field with a newline makes one record on two lines); of a duplicate, its first copy's; of a rejected file, its physical lines after the header." },
    { name = "rows_written", type = "bigint", pii = false, comment = "Rows written to bronze." },
    { name = "malformed_count", type = "bigint", pii = false, comment = "Records captured in bronze/_malformed." },
    { name = "reject_reason", type = "string", pii = false, comment = "Why the file was rejected, in one sentence; null when it was loaded." },
    { name = "schema_drift", type = "string", pii = false, comment = "Unexpected columns of the file as a JSON list; null when none." },
    { name = "started_at", type = "timestamp", pii = false, comment = "When the attempt started (UTC)." },
    { name = "finished_at", type = "timestamp", pii = false, comment = "When the attempt finished (UTC)." },
  ]
}
