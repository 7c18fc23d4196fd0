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
