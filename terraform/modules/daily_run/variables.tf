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

variable "dbt_build" {
  type = object({
    image_tag       = optional(string, "0.1.0")
    timeout_minutes = optional(number, 120)
  })
  description = "The dbt builds (CodeBuild): image_tag, the tag of the dbt image (deploy/dbt/Dockerfile) in this module's ECR repository that they run (tags are immutable, so a new image is a new tag); timeout_minutes, the CodeBuild timeout of one build."
  default     = {}

  validation {
    condition     = can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.dbt_build.image_tag))
    error_message = "dbt_build.image_tag must be a Docker image tag."
  }

  validation {
    condition     = var.dbt_build.timeout_minutes >= 5 && var.dbt_build.timeout_minutes <= 480 && var.dbt_build.timeout_minutes == floor(var.dbt_build.timeout_minutes)
    error_message = "dbt_build.timeout_minutes must be a whole number from 5 to 480."
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
    poll_seconds   = optional(number, 60)
  })
  description = "The scoring job: the workspace URL (https://<workspace>.cloud.databricks.com), the id of the job that runs ml/default_model.py, an EventBridge connection (API key auth, header Authorization = Bearer <token>) created outside Terraform so the token never is in state, and the seconds between two checks of a scoring run (60 unless set)."

  validation {
    condition     = can(regex("^https://[^/]+$", var.databricks.host)) && var.databricks.job_id > 0
    error_message = "databricks.host must be https://<workspace host> without a trailing slash and databricks.job_id a positive job id."
  }

  validation {
    condition     = var.databricks.poll_seconds >= 10 && var.databricks.poll_seconds == floor(var.databricks.poll_seconds)
    error_message = "databricks.poll_seconds must be a whole number of at least 10."
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
