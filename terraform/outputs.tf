# dbt-athena-community, target prod: each output below is one profile field, exported to the
# environment variable the profile reads (terraform/README.md, "Connecting dbt").

output "athena_work_group" {
  description = "dbt profile work_group (FINLAKE_ATHENA_WORKGROUP): the Athena workgroup dbt runs in."
  value       = local.dbt_environment.FINLAKE_ATHENA_WORKGROUP
}

output "s3_staging_dir" {
  description = "dbt profile s3_staging_dir (FINLAKE_ATHENA_STAGING_DIR): the dbt workgroup's results location."
  value       = local.dbt_environment.FINLAKE_ATHENA_STAGING_DIR
}

output "s3_data_dir" {
  description = "dbt profile s3_data_dir (FINLAKE_S3_DATA_DIR): the lake bucket root; silver tables go under silver/, gold under gold/."
  value       = local.dbt_environment.FINLAKE_S3_DATA_DIR
}

output "region_name" {
  description = "dbt profile region_name (AWS_REGION)."
  value       = local.dbt_environment.AWS_REGION
}

output "database" {
  description = "dbt profile database: the Glue Data Catalog as Athena names it."
  value       = "awsdatacatalog"
}

output "silver_schema" {
  description = "Glue database of the silver layer (FINLAKE_SILVER_SCHEMA)."
  value       = local.dbt_environment.FINLAKE_SILVER_SCHEMA
}

output "gold_schema" {
  description = "Glue database of the gold layer (FINLAKE_GOLD_SCHEMA)."
  value       = local.dbt_environment.FINLAKE_GOLD_SCHEMA
}

output "bronze_schema" {
  description = "Glue database of the bronze tables, the dbt sources (FINLAKE_BRONZE_SCHEMA)."
  value       = local.dbt_environment.FINLAKE_BRONZE_SCHEMA
}

output "reference_schema" {
  description = "Glue database of the dbt seeds, reference data (FINLAKE_REFERENCE_SCHEMA)."
  value       = local.dbt_environment.FINLAKE_REFERENCE_SCHEMA
}

output "dbt_environment" {
  description = "The environment variables the dbt prod profile reads, with their values for this environment."
  value       = local.dbt_environment
}

# Everything else an operator needs.

output "lake_bucket_name" {
  description = "Name of the lake bucket."
  value       = module.lake_storage.lake.bucket_name
}

output "zone_uris" {
  description = "S3 URI of each lake zone (landing, bronze, silver, gold, ml)."
  value       = module.lake_storage.zone_uris
}

output "kms_key_arn" {
  description = "ARN of the lake KMS key."
  value       = module.lake_storage.lake.kms_key_arn
}

output "ingestion_job_name" {
  description = "Name of the Glue ingestion job."
  value       = module.ingestion_job.job_name
}

output "analyst_work_group" {
  description = "Athena workgroup for analysts (gold only)."
  value       = module.workgroup["analyst"].name
}

output "transformation_role_arn" {
  description = "Role dbt assumes for target prod."
  value       = module.access_roles.transformation_role_arn
}

output "ml_role_arn" {
  description = "Role the default-model notebook assumes."
  value       = module.access_roles.ml_role_arn
}

output "analyst_role_arn" {
  description = "Read-only analyst role."
  value       = module.access_roles.analyst_role_arn
}

output "delivery_role_arn" {
  description = "Role that may put extracts under landing/ (null without delivery principals)."
  value       = module.access_roles.delivery_role_arn
}

output "ingestion_role_arn" {
  description = "Role the Glue ingestion job runs as."
  value       = module.access_roles.ingestion_role_arn
}

output "alerts_topic_arn" {
  description = "SNS topic of the alert notifications and the daily run's failure notices."
  value       = module.alerting.topic_arn
}

output "alerts_function_name" {
  description = "The alerting Lambda (finlake/alerts/aws.py); invoke it by hand with `aws lambda invoke --function-name <name> out.json`."
  value       = module.alerting.function_name
}

output "daily_run_state_machine_arn" {
  description = "The daily run (Step Functions); start it by hand with `aws stepfunctions start-execution --state-machine-arn <arn>`."
  value       = module.daily_run.state_machine_arn
}

output "dbt_image_repository" {
  description = "ECR repository of the dbt image (deploy/dbt/Dockerfile) the daily run's builds run."
  value       = module.daily_run.dbt_image_repository
}

output "dbt_build_role_arn" {
  description = "Role of the daily run's dbt container; add it to transformation_principal_arns."
  value       = module.daily_run.dbt_build_role_arn
}
