variable "landing_retention_days" {
  type        = number
  description = "Days a landed extract stays under landing/ before it expires. Bronze keeps the loaded rows and their checksums, so this only bounds how far back a file can be re-ingested from its original bytes."

  validation {
    condition     = var.landing_retention_days >= 7 && var.landing_retention_days <= 3650 && floor(var.landing_retention_days) == var.landing_retention_days
    error_message = "landing_retention_days must be a whole number of days between 7 and 3650."
  }
}

variable "noncurrent_version_retention_days" {
  type        = number
  description = "Days an overwritten or deleted object version is kept (the undo window for accidental deletes and overwrites) before it is removed, in every bucket."
  default     = 30

  validation {
    condition     = var.noncurrent_version_retention_days >= 1 && var.noncurrent_version_retention_days <= 3650 && floor(var.noncurrent_version_retention_days) == var.noncurrent_version_retention_days
    error_message = "noncurrent_version_retention_days must be a whole number of days between 1 and 3650."
  }
}

variable "rebuilt_table_version_retention_days" {
  type        = number
  description = "Days the replaced objects of a rebuilt silver or gold table (noncurrent versions under silver/ and gold/) are kept. Every dbt build rewrites its table models, so with the whole-bucket window each table would be kept about that many times over; a few days still allow an undo."
  default     = 3

  validation {
    condition     = var.rebuilt_table_version_retention_days >= 1 && var.rebuilt_table_version_retention_days <= 30 && floor(var.rebuilt_table_version_retention_days) == var.rebuilt_table_version_retention_days
    error_message = "rebuilt_table_version_retention_days must be a whole number of days between 1 and 30."
  }
}

variable "athena_results_retention_days" {
  type        = number
  description = "Days Athena query results are kept in the results bucket. Results can hold copies of restricted data (a query over bronze returns PII), so keep this short."
  default     = 7

  validation {
    condition     = var.athena_results_retention_days >= 1 && var.athena_results_retention_days <= 365 && floor(var.athena_results_retention_days) == var.athena_results_retention_days
    error_message = "athena_results_retention_days must be a whole number of days between 1 and 365."
  }
}

variable "access_log_retention_days" {
  type        = number
  description = "Days S3 server access logs are kept in the access-log bucket (audit evidence of who read or wrote what)."
  default     = 400

  validation {
    condition     = var.access_log_retention_days >= 90 && var.access_log_retention_days <= 3650 && floor(var.access_log_retention_days) == var.access_log_retention_days
    error_message = "access_log_retention_days must be a whole number of days between 90 and 3650; audit logs kept for less than a quarter are of little use."
  }
}
