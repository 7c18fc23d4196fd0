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
