# The prod environment: what differs from dev. Used with the account's own values
# (envs/account.tfvars.example) and the prod backend:
#   terraform -chdir=terraform init -reconfigure -backend-config=envs/prod.s3.tfbackend
#   terraform -chdir=terraform plan -var-file=envs/prod.tfvars -var-file=<prod account tfvars>

environment = "prod"

retention_days = {
  landing                = 400
  noncurrent_versions    = 30
  rebuilt_table_versions = 3
  athena_results         = 7
  access_logs            = 400
}
kms_deletion_window_days = 30

query_scan_limit_gib = {
  dbt     = 100
  analyst = 50
}

ingestion = {
  number_of_workers = 4
  execution_class   = "STANDARD"
  # The daily run (daily_run_schedule) starts the ingestion job itself.
  schedule = null
}
