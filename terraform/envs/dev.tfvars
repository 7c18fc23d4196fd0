# The dev environment: what differs from prod (smaller, cheaper, kept for less time). Used with
# the account's own values (envs/account.tfvars.example) and the dev backend:
#   terraform -chdir=terraform init -reconfigure -backend-config=envs/dev.s3.tfbackend
#   terraform -chdir=terraform plan -var-file=envs/dev.tfvars -var-file=<dev account tfvars>

environment = "dev"

retention_days = {
  landing                = 30
  noncurrent_versions    = 7
  rebuilt_table_versions = 1
  athena_results         = 3
  access_logs            = 90
}
kms_deletion_window_days = 7

query_scan_limit_gib = {
  dbt     = 10
  analyst = 10
}

ingestion = {
  number_of_workers = 2
  execution_class   = "FLEX"
  schedule          = null
}
