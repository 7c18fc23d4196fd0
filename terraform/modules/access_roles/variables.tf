variable "lake" {
  type = object({
    bucket_arn         = string
    results_bucket_arn = string
    kms_key_arn        = string
  })
  description = "The lake (lake_storage's output lake, checked there): every S3 permission below is scoped to a prefix of the lake bucket or, for Athena users, of their own workgroup's prefix of the results bucket; the lake key is the only key any role may use."
}

variable "database_names" {
  type = object({
    bronze    = string
    silver    = string
    gold      = string
    reference = string
  })
  description = "Glue database name of each layer (the catalog module's database_names output, checked there)."
}

variable "slot_database_names" {
  type = object({
    silver__blue     = string
    silver__green    = string
    gold__blue       = string
    gold__green      = string
    reference__blue  = string
    reference__green = string
  })
  description = "Glue database name of each write-audit-publish slot of silver, gold and reference (the catalog module's slot_database_names output, checked there): dbt builds there, and readers of gold read gold's slots through its views."
}

variable "query_workgroups" {
  type = object({
    transformation = object({ arn = string, results_prefix = string })
    analyst        = object({ arn = string, results_prefix = string })
  })
  description = "The Athena workgroup each querying role runs in, dbt's for transformation and the analyst workgroup for analyst: its ARN and the key prefix of its results in the results bucket, such as dbt/ (the query_workgroup module's outputs, made and checked there)."
}

variable "glue_security_configuration_name" {
  type        = string
  description = "Name of the Glue security configuration of the ingestion job; Glue names the job's encrypted log groups after it (the ingestion_job module's output security_configuration_name, made there)."
}

variable "role_principals" {
  type = object({
    transformation = list(string)
    ml             = list(string)
    analyst        = list(string)
    delivery       = optional(list(string), [])
  })
  description = "Who may assume each role people and tools assume, as IAM role or user ARNs: transformation (dbt), for example the CI runner's role and the analytics engineers' SSO role; ml, for example the Databricks instance-profile role that runs the default-model notebook; analyst, for example the risk analysts' SSO role; delivery, which may only put extracts under landing/ (the core-banking export's or an SFTP/DataSync transfer's role), empty for no delivery role."

  validation {
    condition     = alltrue([for arn in flatten(values(var.role_principals)) : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/.+$", arn))])
    error_message = "role_principals must hold IAM role or user ARNs (arn:<partition>:iam::<account>:role/<name>)."
  }

  validation {
    condition     = alltrue([for role in ["transformation", "ml", "analyst"] : length(var.role_principals[role]) > 0])
    error_message = "role_principals must list at least one IAM role or user ARN for each of transformation, ml and analyst."
  }
}

variable "enable_crawler" {
  type        = bool
  description = "Create the role of the optional bronze partition crawler (see the catalog module)."
  default     = false
}

variable "max_session_duration" {
  type        = number
  description = "Longest session, in seconds, of the roles people and tools assume (transformation, ML, analyst)."
  default     = 3600

  validation {
    condition     = var.max_session_duration >= 3600 && var.max_session_duration <= 43200 && floor(var.max_session_duration) == var.max_session_duration
    error_message = "max_session_duration must be a whole number of seconds between 3600 and 43200."
  }
}
