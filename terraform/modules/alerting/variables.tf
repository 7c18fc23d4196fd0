variable "name_prefix" {
  type        = string
  description = "The start of every resource name, <project>-<environment> (finlake-prod); the root builds and validates it once."
}

variable "workgroup" {
  type = object({
    name = string
  })
  description = "The Athena workgroup the rules' queries run in: the analyst workgroup (gold and silver only, no bronze)."
}

variable "workgroup_query_policy_json" {
  type        = string
  description = "IAM policy document (JSON) allowing queries in var.workgroup, their results and the lake key through S3 and Glue: the access_roles module's analyst_workgroup_query_policy_json, the analyst role's own statements."
}

variable "database_names" {
  type = object({
    silver = string
    gold   = string
  })
  description = "Glue databases of the layers the rules read ($${gold} and $${silver} in alerts/rules.yml): the Lambda's FINLAKE_GOLD_SCHEMA and FINLAKE_SILVER_SCHEMA, and the only databases its role may read."
}

variable "lake" {
  type = object({
    bucket_name = string
    bucket_arn  = string
  })
  description = "The lake (lake_storage's output lake, checked there): the Lambda reads gold and silver in the lake bucket and keeps its dedup state there."
}

variable "subscription" {
  type = object({
    protocol = string
    endpoint = string
  })
  description = "Who receives the notifications: an SNS subscription (protocol email, https, sqs or lambda, and its endpoint), or null for none (subscribe later). Filter by the message attributes topic and severity in more subscriptions of your own."
  default     = null

  validation {
    condition     = var.subscription == null || contains(["email", "email-json", "https", "sqs", "lambda"], try(var.subscription.protocol, ""))
    error_message = "subscription.protocol must be email, email-json, https, sqs or lambda."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Days the Lambda's logs are kept."
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653)."
  }
}

variable "dead_letter_retention_days" {
  type        = number
  description = "Days a failed run's record stays in the dead-letter queue (SQS allows 1 to 14)."
  default     = 14

  validation {
    condition     = var.dead_letter_retention_days >= 1 && var.dead_letter_retention_days <= 14 && var.dead_letter_retention_days == floor(var.dead_letter_retention_days)
    error_message = "dead_letter_retention_days must be a whole number from 1 to 14."
  }
}

variable "timeout_seconds" {
  type        = number
  description = "The Lambda's timeout: every rule's Athena query runs in it, one after another."
  default     = 600

  validation {
    condition     = var.timeout_seconds >= 60 && var.timeout_seconds <= 900 && var.timeout_seconds == floor(var.timeout_seconds)
    error_message = "timeout_seconds must be a whole number from 60 to 900."
  }
}

variable "kms_deletion_window_days" {
  type        = number
  description = "Waiting period before the alerting key (SNS topic, dead-letter queue, logs) is deleted."
  default     = 30

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30 && var.kms_deletion_window_days == floor(var.kms_deletion_window_days)
    error_message = "kms_deletion_window_days must be a whole number from 7 to 30."
  }
}

variable "permissions_boundary_arn" {
  type        = string
  description = "Permissions boundary attached to the Lambda's role, or null."
  default     = null
}
