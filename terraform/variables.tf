# Settings of an environment. What differs between environments has no default: envs/<env>.tfvars
# sets it (committed). Account-specific values (region, account id, principals) have no default
# either and are not committed: pass them in a tfvars file kept outside the repository (see
# envs/account.tfvars.example) or as TF_VAR_* variables. The rest default to what suits all.

variable "environment" {
  type        = string
  description = "Environment name (dev, prod): the second part of every resource name; set by envs/<env>.tfvars."

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,6}$", var.environment))
    error_message = "environment must be 2-7 lowercase letters or digits, starting with a letter (for example dev, test, prod)."
  }
}

variable "aws_region" {
  type        = string
  description = "AWS region to deploy into. Explicit on purpose: where a bank's data lives is a compliance decision, not a side effect of someone's shell."

  validation {
    condition     = can(regex("^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$", var.aws_region))
    error_message = "aws_region must be an AWS region code such as <area>-<direction>-<number>."
  }
}

variable "allowed_account_ids" {
  type        = list(string)
  description = "The AWS account ids this environment may be applied to; the provider refuses any other (guards against applying dev into prod)."

  validation {
    condition     = length(var.allowed_account_ids) > 0 && alltrue([for id in var.allowed_account_ids : can(regex("^[0-9]{12}$", id))])
    error_message = "allowed_account_ids must list at least one 12-digit AWS account id."
  }
}

variable "project" {
  type        = string
  description = "Project name, the first part of every resource name (local.name_prefix = \"<project>-<environment>\", which every module takes as name_prefix)."
  default     = "finlake"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,10}[a-z0-9]$", var.project))
    error_message = "project must be 2-12 characters of lowercase letters, digits and hyphens, starting with a letter (bucket names are built from it and must stay under 63 characters)."
  }
}

variable "tags" {
  type        = map(string)
  description = "Extra tags for every resource (cost centre, owner, data classification policy id); project, environment, managed_by and repository are always set."
  default     = {}
}

variable "delivery_principal_arns" {
  type        = list(string)
  description = "IAM role or user ARNs allowed to assume the delivery role, which may only put extracts under landing/; empty for no delivery role."
  default     = []
}

variable "transformation_principal_arns" {
  type        = list(string)
  description = "IAM role or user ARNs allowed to assume the transformation (dbt) role: the CI runner and the analytics engineers."
}

variable "ml_principal_arns" {
  type        = list(string)
  description = "IAM role or user ARNs allowed to assume the ML role, such as the Databricks instance-profile role."
}

variable "analyst_principal_arns" {
  type        = list(string)
  description = "IAM role or user ARNs allowed to assume the read-only analyst role."
}

variable "permissions_boundary_arn" {
  type        = string
  description = "IAM policy ARN attached as permissions boundary to every role, if the landing zone requires one; null for none."
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", var.permissions_boundary_arn))
    error_message = "permissions_boundary_arn must be null or the ARN of an IAM policy."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Days every CloudWatch log group of the stack is kept (the Glue job's, the Lambda's, the state machines' and the builds'): at least a year, they are the run history auditors ask for."
  default     = 365

  validation {
    condition     = contains([365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch Logs retention of at least a year: 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "retention_days" {
  type = object({
    landing                = number
    noncurrent_versions    = number
    rebuilt_table_versions = number
    athena_results         = number
    access_logs            = number
  })
  description = "Days each kind of object is kept (modules/lake_storage, which validates them): landing, extracts under landing/ (bronze keeps the rows); noncurrent_versions, overwritten or deleted object versions in every bucket; rebuilt_table_versions, the replaced objects of rebuilt silver and gold tables, instead of noncurrent_versions (every build rewrites its tables, so this bounds the copies kept); athena_results, query results; access_logs, S3 server access logs."
}

variable "kms_deletion_window_days" {
  type        = number
  description = "Waiting period, in days, before a scheduled deletion of a KMS key of the stack (the lake key, the alerts topic's key) takes effect."

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30 && floor(var.kms_deletion_window_days) == var.kms_deletion_window_days
    error_message = "kms_deletion_window_days must be a whole number of days between 7 and 30."
  }
}

variable "projection_start_date" {
  type        = string
  description = "Oldest extract_date (YYYY-MM-DD) the bronze tables project; older partitions are invisible to Athena."
  default     = "2023-01-01"
}

variable "encrypt_data_catalog" {
  type        = bool
  description = "Encrypt the account's Glue Data Catalog with the lake key (one setting per account and region)."
  default     = true
}

variable "enable_crawler" {
  type        = bool
  description = "Create the optional crawler that registers bronze partitions for engines without partition projection."
  default     = false
}

variable "crawler_schedule" {
  type        = string
  description = "AWS cron expression for the crawler, or null to run it on demand."
  default     = null
}

variable "query_scan_limit_gib" {
  type = object({
    dbt     = number
    analyst = number
  })
  description = "GiB one query may scan before Athena cancels it, per workgroup: dbt's and the analysts' (Athena bills 5 USD per TB scanned)."

  validation {
    condition     = alltrue([for gib in values(var.query_scan_limit_gib) : gib >= 1 && gib <= 10240 && floor(gib) == gib])
    error_message = "query_scan_limit_gib.dbt and query_scan_limit_gib.analyst must be whole numbers between 1 and 10240 (10 TiB)."
  }
}

variable "ingestion" {
  type = object({
    worker_type               = optional(string, "G.1X")
    number_of_workers         = number
    execution_class           = string
    schedule                  = string
    additional_python_modules = optional(list(string), [])
  })
  description = "How the Glue ingestion job runs (modules/ingestion_job, variable job, which validates it): worker_type G.1X, G.2X, G.4X or G.8X; number_of_workers; execution_class STANDARD or FLEX (cheaper, may start later); schedule, an AWS cron expression (UTC) that starts the job alone, or null for no trigger; additional_python_modules, pinned pip requirements beyond what Glue 5.0 ships (name==version)."
}

variable "alerts_subscription" {
  type = object({
    protocol = string
    endpoint = string
  })
  description = "Who receives the alert notifications and the daily run's failure notices: an SNS subscription (protocol email, https, sqs or lambda, and its endpoint), or null to subscribe later. Set it with the account's values (envs/account.tfvars.example)."
  default     = null
}

variable "daily_run_schedule" {
  type        = string
  description = "When EventBridge starts the daily run (UTC cron or rate expression), or null to start it by hand. With the daily run on, set ingestion.schedule to null: the run starts the ingestion job itself."
  default     = "cron(0 5 * * ? *)"
}

variable "databricks_scoring" {
  type = object({
    host           = string
    job_id         = number
    connection_arn = string
  })
  description = "The daily run's scoring job on Databricks: workspace URL, the id of the job running ml/default_model.py, and the ARN of an EventBridge connection holding its token (created outside Terraform; docs/operations.md)."
}
