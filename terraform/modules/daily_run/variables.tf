variable "schedule_expression" {
  type        = string
  description = "When EventBridge starts the daily run (UTC), e.g. cron(0 5 * * ? *); null for no schedule (start it by hand or from the delivery)."
  default     = "cron(0 5 * * ? *)"
}

variable "glue_job" {
  type = object({
    name = string
    arn  = string
  })
  description = "The Glue ingestion job (modules/ingestion_job) the run starts first."
}

variable "dbt_environment" {
  type        = map(string)
  description = "The variables the dbt prod profile reads (the root output dbt_environment: FINLAKE_ATHENA_WORKGROUP, FINLAKE_ATHENA_STAGING_DIR, FINLAKE_S3_DATA_DIR, FINLAKE_*_SCHEMA, AWS_REGION), set in the dbt build's environment."
}

variable "dbt_image_tag" {
  type        = string
  description = "Tag of the dbt image (deploy/dbt/Dockerfile) in this module's ECR repository that the builds run; tags are immutable, so a new image is a new tag."
  default     = "0.1.0"

  validation {
    condition     = can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.dbt_image_tag))
    error_message = "dbt_image_tag must be a Docker image tag."
  }
}

variable "build_timeout_minutes" {
  type        = number
  description = "CodeBuild timeout of one dbt build."
  default     = 120

  validation {
    condition     = var.build_timeout_minutes >= 5 && var.build_timeout_minutes <= 480 && var.build_timeout_minutes == floor(var.build_timeout_minutes)
    error_message = "build_timeout_minutes must be a whole number from 5 to 480."
  }
}

variable "transformation_role_arn" {
  type        = string
  description = "The transformation role (modules/access_roles) dbt runs as: the build assumes it, so add the output dbt_build_role_arn to transformation_principal_arns."
}

variable "pii_key_secret_name" {
  type        = string
  description = "Secrets Manager secret holding the tokenisation key (modules/ingestion_job); the build reads it into FINLAKE_PII_KEY."
}

variable "databricks" {
  type = object({
    host           = string
    job_id         = number
    connection_arn = string
  })
  description = "The scoring job: the workspace URL (https://<workspace>.cloud.databricks.com), the id of the job that runs ml/default_model.py, and an EventBridge connection (API key auth, header Authorization = Bearer <token>) created outside Terraform so the token never is in state."

  validation {
    condition     = can(regex("^https://[^/]+$", var.databricks.host)) && var.databricks.job_id > 0
    error_message = "databricks.host must be https://<workspace host> without a trailing slash and databricks.job_id a positive job id."
  }
}

variable "scoring_poll_seconds" {
  type        = number
  description = "Seconds between two checks of the scoring run."
  default     = 60

  validation {
    condition     = var.scoring_poll_seconds >= 10 && var.scoring_poll_seconds == floor(var.scoring_poll_seconds)
    error_message = "scoring_poll_seconds must be a whole number of at least 10."
  }
}

variable "alerts" {
  type = object({
    topic_arn   = string
    kms_key_arn = string
    source      = string
    detail_type = string
  })
  description = "The alerting module's topic (failure notices go there) and its key, and the event that runs the alert rules (its output build_succeeded_event)."
}

variable "lake" {
  type = object({
    kms_key_arn = string
  })
  description = "The lake (lake_storage's output lake, checked there): the lake key encrypts the dbt image repository, the build's logs and the state machine."
}
