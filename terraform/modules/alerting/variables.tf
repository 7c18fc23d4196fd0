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

variable "function" {
  type = object({
    timeout_seconds            = optional(number, 600)
    dead_letter_retention_days = optional(number, 14)
  })
  description = "The alert rules' Lambda: timeout_seconds, its timeout (every rule's Athena query runs in it, one after another; Lambda allows 60 to 900 here); dead_letter_retention_days, how long a failed run's record stays in its dead-letter queue (SQS allows 1 to 14)."
  default     = {}

  validation {
    # The smallest and largest value of each, whole numbers.
    condition = alltrue([
      for name, bounds in { timeout_seconds = [60, 900], dead_letter_retention_days = [1, 14] } :
      var.function[name] >= bounds[0] && var.function[name] <= bounds[1] && floor(var.function[name]) == var.function[name]
    ])
    error_message = "function.timeout_seconds must be a whole number from 60 to 900 and function.dead_letter_retention_days one from 1 to 14."
  }
}
