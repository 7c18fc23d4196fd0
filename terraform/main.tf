# finlake: the AWS side of the pipeline in one account and region, one root for every
# environment. An environment is a tfvars file and a backend file (envs/<env>.tfvars,
# envs/<env>.s3.tfbackend): what differs between dev and prod is a variable set there.

provider "aws" {
  # Credentials come from the environment (AWS_PROFILE, SSO, instance or CI role), never from here.
  region = var.aws_region
  # Refuses to plan or apply in an account not listed: no environment lands in another's account.
  allowed_account_ids = var.allowed_account_ids

  default_tags {
    tags = local.tags
  }
}

# The account and the partition, looked up once here for every module (local.context).
data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  environment = var.environment
  # The start of every resource name (finlake-prod-…), built once here.
  name_prefix = "${var.project}-${local.environment}"
  # What every module shares, built and validated once here and given to every module whole as
  # var.context (each module's context.tf declares the same object; README: The context object).
  context = {
    name_prefix              = local.name_prefix
    account_id               = data.aws_caller_identity.current.account_id
    region                   = var.aws_region
    partition                = data.aws_partition.current.partition
    permissions_boundary_arn = var.permissions_boundary_arn
    log_retention_days       = var.log_retention_days
    kms_deletion_window_days = var.kms_deletion_window_days
  }
  # dbt's incremental models (materialized='incremental'), the Iceberg tables that need
  # compaction and snapshot expiry: in silver the checked models (macros/cleaning/checked_rows.sql),
  # the two event models and the quarantine (macros/incremental/quarantine_scope.sql); in gold the models incremental by affected dates and their
  # watermark (macros/incremental/gold_affected_dates.sql). tests/athena_run checks both lists
  # against the tables `dbt run-operation iceberg_maintenance` finds in dbt's graph.
  incremental_silver_tables = [
    "int_accounts__checked",
    "int_customers__checked",
    "int_loan_payments__checked",
    "int_loans__checked",
    "int_transactions__checked",
    "quarantine",
    "stg_loan_payments",
    "stg_transactions",
  ]
  incremental_gold_tables = [
    "ctr_candidates",
    "customer_daily_activity",
    "int_gold_watermark",
  ]
  # Each layer's incremental tables in both of its write-audit-publish slots, <database>.<table>.
  incremental_tables = concat(
    [for pair in setproduct(["blue", "green"], local.incremental_silver_tables) : "${module.catalog.slot_database_names["silver__${pair[0]}"]}.${pair[1]}"],
    [for pair in setproduct(["blue", "green"], local.incremental_gold_tables) : "${module.catalog.slot_database_names["gold__${pair[0]}"]}.${pair[1]}"],
  )
  gib = 1024 * 1024 * 1024

  # What the dbt prod profile reads (profiles.yml.example), with this environment's values: the
  # output dbt_environment and the daily run's builds take this one map.
  dbt_environment = {
    FINLAKE_ATHENA_WORKGROUP   = module.workgroup["dbt"].name
    FINLAKE_ATHENA_STAGING_DIR = module.workgroup["dbt"].output_location
    FINLAKE_S3_DATA_DIR        = "s3://${module.lake_storage.lake.bucket_name}/"
    AWS_REGION                 = var.aws_region
    FINLAKE_SILVER_SCHEMA      = module.catalog.database_names["silver"]
    FINLAKE_GOLD_SCHEMA        = module.catalog.database_names["gold"]
    FINLAKE_BRONZE_SCHEMA      = module.catalog.database_names["bronze"]
    FINLAKE_REFERENCE_SCHEMA   = module.catalog.database_names["reference"]
  }

  tags = merge(var.tags, {
    project     = var.project
    environment = local.environment
    managed_by  = "terraform"
    repository  = "finlake"
  })
}

module "lake_storage" {
  source = "./modules/lake_storage"

  context        = local.context
  retention_days = var.retention_days
}

module "catalog" {
  source = "./modules/catalog"

  context                     = local.context
  lake                        = module.lake_storage.lake
  projection_start_date       = var.projection_start_date
  encrypt_data_catalog        = var.encrypt_data_catalog
  enable_crawler              = var.enable_crawler
  crawler_role_arn            = module.access_roles.crawler_role_arn
  crawler_schedule            = var.crawler_schedule
  security_configuration_name = module.ingestion_job.security_configuration_name
}

# One Athena workgroup per kind of user, each with its own results prefix and scan cutoff:
# dbt's queries read bronze, so its results can hold PII that analysts must not read.
module "workgroup" {
  source   = "./modules/query_workgroup"
  for_each = var.query_scan_limit_gib

  context                        = local.context
  purpose                        = each.key
  lake                           = module.lake_storage.lake
  bytes_scanned_cutoff_per_query = each.value * local.gib
}

module "access_roles" {
  source = "./modules/access_roles"

  context        = local.context
  lake           = module.lake_storage.lake
  database_names = module.catalog.database_names
  # Write-audit-publish: dbt builds into these, gold's readers read them through its views.
  slot_database_names = module.catalog.slot_database_names

  query_workgroups = {
    transformation = module.workgroup["dbt"]
    analyst        = module.workgroup["analyst"]
  }

  glue_security_configuration_name = module.ingestion_job.security_configuration_name
  role_principals = {
    delivery       = var.delivery_principal_arns
    transformation = var.transformation_principal_arns
    ml             = var.ml_principal_arns
    analyst        = var.analyst_principal_arns
  }
  enable_crawler = var.enable_crawler
}

module "ingestion_job" {
  source = "./modules/ingestion_job"

  context   = local.context
  lake      = module.lake_storage.lake
  role_arn  = module.access_roles.ingestion_role_arn
  role_name = module.access_roles.ingestion_role_name
  job       = var.ingestion
}

# Iceberg maintenance of the incremental silver and gold tables (compaction and snapshot expiry),
# the same statements as `dbt run-operation iceberg_maintenance --target prod`, on a weekly
# schedule. The tables live in their layer's write-audit-publish slots (blue, then green; silver
# and gold themselves hold views).
module "iceberg_maintenance" {
  source = "./modules/iceberg_maintenance"

  context       = local.context
  tables        = local.incremental_tables
  database_name = module.catalog.database_names.silver
  zone_prefixes = ["silver/", "gold/"]
  workgroup     = module.workgroup["dbt"]
  # The transformation role's query statements, defined once in access_roles.
  workgroup_query_policy_json = module.access_roles.dbt_workgroup_query_policy_json
  lake                        = module.lake_storage.lake
}

# Alerting (issue 19): the rules of alerts/rules.yml on Athena after each successful daily
# build, new occurrences to an encrypted SNS topic (docs/operations.md).
module "alerting" {
  source = "./modules/alerting"

  context   = local.context
  workgroup = module.workgroup["analyst"]
  database_names = {
    silver = module.catalog.database_names["silver"]
    gold   = module.catalog.database_names["gold"]
  }
  # The analyst role's query statements, defined once in access_roles.
  workgroup_query_policy_json = module.access_roles.analyst_workgroup_query_policy_json
  lake                        = module.lake_storage.lake
  subscription                = var.alerts_subscription
}

# The daily run (issue 19): ingestion -> dbt build (prod) -> scoring -> customer_risk -> alerts,
# one Step Functions execution a day (docs/operations.md). Its dbt container assumes the
# transformation role: add the output dbt_build_role_arn to transformation_principal_arns.
module "daily_run" {
  source = "./modules/daily_run"

  context                 = local.context
  schedule_expression     = var.daily_run_schedule
  glue_job                = { name = module.ingestion_job.job_name, arn = module.ingestion_job.job_arn }
  dbt_environment         = local.dbt_environment
  transformation_role_arn = module.access_roles.transformation_role_arn
  pii_key_secret_name     = module.ingestion_job.pii_key_secret_name
  databricks              = var.databricks_scoring
  alerts = {
    topic_arn   = module.alerting.topic_arn
    kms_key_arn = module.alerting.kms_key_arn
    source      = module.alerting.build_succeeded_event.source
    detail_type = module.alerting.build_succeeded_event.detail_type
  }
  lake = module.lake_storage.lake
}
