variable "name" {
  type        = string
  description = "What the role is for; the role is named <name_prefix>-<name>."
}

variable "description" {
  type        = string
  description = "The role's description in IAM: who assumes it and what it may do."
}

variable "service" {
  type        = string
  description = "The service principal that assumes the role, for example lambda.amazonaws.com; only from this account (aws:SourceAccount)."

  validation {
    condition     = can(regex("^[a-z0-9.-]+\\.amazonaws\\.com$", var.service))
    error_message = "service must be an AWS service principal such as states.amazonaws.com."
  }
}

variable "policy_name" {
  type        = string
  description = "Name of the role's inline policy."
}

variable "policy_json" {
  type        = string
  description = "The role's permissions: the JSON of the caller's aws_iam_policy_document."
}
