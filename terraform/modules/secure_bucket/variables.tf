variable "purpose" {
  type        = string
  description = "What the bucket holds, in the name, the purpose tag and the access-log prefix: lake, athena-results, access-logs."

  validation {
    condition     = can(regex("^[a-z][a-z-]{1,14}[a-z]$", var.purpose))
    error_message = "purpose must be 3-16 lowercase letters and hyphens (it is part of a bucket name of at most 63 characters)."
  }
}

variable "data_classification" {
  type        = string
  description = "The data_classification tag: restricted (customer data), internal or public."

  validation {
    condition     = contains(["restricted", "internal", "public"], var.data_classification)
    error_message = "data_classification must be restricted, internal or public."
  }
}

variable "kms_key_arn" {
  type        = string
  description = "ARN of the customer-managed KMS key: the bucket's default encryption, and the only key its policy accepts on uploads."
}

variable "access_log_bucket" {
  type        = string
  description = "Bucket that receives this bucket's server access logs; null only for the access-log bucket itself."
  default     = null
}

variable "access_log_prefix" {
  type        = string
  description = "Prefix of the access logs in the log bucket; this bucket's logs go under <prefix>/<purpose>/."
  default     = "s3-access"
}

variable "policy_documents" {
  type        = list(string)
  description = "JSON policy documents (aws_iam_policy_document.*.json) merged into the bucket policy before its deny statements, e.g. the log delivery the access-log bucket allows."
  default     = []
}

variable "prefix_rules" {
  type = list(object({
    id              = string
    prefix          = string
    expiration_days = optional(number)
    noncurrent_days = optional(number)
  }))
  description = "Lifecycle rules beyond the two every bucket has: objects under `prefix` (\"\" for all) expire after expiration_days, and/or their noncurrent versions after noncurrent_days (null: no such action)."
  default     = []

  validation {
    condition = alltrue([
      for r in var.prefix_rules : (r.expiration_days != null || r.noncurrent_days != null)
      && (r.expiration_days == null ? true : r.expiration_days >= 1)
      && (r.noncurrent_days == null ? true : r.noncurrent_days >= 1)
    ])
    error_message = "every prefix_rules entry needs expiration_days or noncurrent_days, each a number of days of at least 1."
  }
}

variable "retention_days" {
  type = object({
    noncurrent_versions          = number
    incomplete_multipart_uploads = optional(number, 7)
  })
  description = "The two lifecycle rules every bucket has, beyond prefix_rules: noncurrent_versions, days an overwritten or deleted object version is kept (the undo window for accidental deletes and overwrites) before it is removed; incomplete_multipart_uploads, days after which an incomplete multipart upload is aborted and its parts deleted."

  validation {
    condition = (
      var.retention_days.noncurrent_versions >= 1 && var.retention_days.noncurrent_versions <= 3650 && floor(var.retention_days.noncurrent_versions) == var.retention_days.noncurrent_versions
      && var.retention_days.incomplete_multipart_uploads >= 1 && var.retention_days.incomplete_multipart_uploads <= 30 && floor(var.retention_days.incomplete_multipart_uploads) == var.retention_days.incomplete_multipart_uploads
    )
    error_message = "retention_days.noncurrent_versions must be a whole number of days between 1 and 3650, and retention_days.incomplete_multipart_uploads one between 1 and 30."
  }
}

variable "eventbridge" {
  type        = bool
  description = "Send the bucket's object-level events to EventBridge (for a rule that reacts to new objects)."
  default     = false
}
