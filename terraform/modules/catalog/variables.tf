variable "lake" {
  type = object({
    bucket_name = string
    kms_key_arn = string
  })
  description = "The lake (lake_storage's output lake, checked there): the databases' locations are zones of the lake bucket; the lake key encrypts the Data Catalog."
}

variable "projection_start_date" {
  type        = string
  description = "First extract_date (YYYY-MM-DD) that partition projection generates for bronze; the range runs from here to NOW. Set it to the oldest extract the lake holds: earlier dates are invisible to Athena."

  validation {
    condition     = can(regex("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", var.projection_start_date)) && can(formatdate("YYYY-MM-DD", "${var.projection_start_date}T00:00:00Z"))
    error_message = "projection_start_date must be a calendar date written YYYY-MM-DD."
  }
}

variable "encrypt_data_catalog" {
  type        = bool
  description = "Encrypt the Glue Data Catalog metadata (and connection passwords) with the lake key. The setting is one per account and region: turn it off if another stack already manages it."
  default     = true
}

variable "enable_crawler" {
  type        = bool
  description = "Create a Glue crawler that registers bronze partitions in the catalog, for engines that do not understand Athena partition projection (Spark, EMR, Redshift Spectrum). Athena keeps using projection either way."
  default     = false
}

variable "crawler_role_arn" {
  type        = string
  description = "ARN of the IAM role the crawler runs as; required when enable_crawler is true (the access_roles module's output crawler_role_arn, made there)."
  default     = null
}

variable "crawler_schedule" {
  type        = string
  description = "When the crawler runs, as an AWS cron expression such as cron(15 6 * * ? *); null runs it only on demand."
  default     = null

  validation {
    condition     = var.crawler_schedule == null || can(regex("^cron\\(\\S+( \\S+){5}\\)$", var.crawler_schedule))
    error_message = "crawler_schedule must be null or an AWS cron expression with six fields, for example cron(15 6 * * ? *)."
  }
}

variable "security_configuration_name" {
  type        = string
  description = "Name of the Glue security configuration the crawler uses (encrypts its CloudWatch logs with the lake key)."
}
