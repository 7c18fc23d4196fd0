variable "name_prefix" {
  type        = string
  description = "The start of every resource name, <project>-<environment> (finlake-prod); the root builds and validates it once."
}

variable "name" {
  type        = string
  description = "What the state machine does, for example daily-run: it, its role, log group and schedule are named <name_prefix>-<name>."
}

variable "description" {
  type        = string
  description = "The description of the state machine's role in IAM: what its executions do."
}

variable "definition" {
  type        = string
  description = "The Amazon States Language definition, as JSON."
}

variable "policy_json" {
  type        = string
  description = "What the executions' tasks may do: the JSON of the caller's aws_iam_policy_document (this module adds the key, log and trace permissions)."
}

variable "schedule" {
  type = object({
    expression  = string
    description = string
  })
  description = "When EventBridge starts the state machine (a cron(...) or rate(...) expression, UTC) and the rule's description; null for no schedule."
  default     = null

  validation {
    condition     = var.schedule == null || can(regex("^(cron|rate)\\(.+\\)$", var.schedule.expression))
    error_message = "schedule.expression must be an EventBridge cron(...) or rate(...) expression."
  }
}

variable "kms_key_arn" {
  type        = string
  description = "ARN of the lake KMS key, which encrypts the definition, the execution history and the log group."
}

variable "log_retention_days" {
  type        = number
  description = "Days the execution log is kept (a CloudWatch retention of at least a year)."

  validation {
    condition     = contains([365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch retention of at least one year (365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653)."
  }
}

variable "permissions_boundary_arn" {
  type        = string
  description = "Permissions boundary attached to the roles this module creates, or null."
  default     = null
}
