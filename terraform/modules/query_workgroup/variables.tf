variable "purpose" {
  type        = string
  description = "Who queries through this workgroup, for example dbt or analyst. Names the workgroup (<project>-<environment>-<purpose>) and its results prefix (<purpose>/), so each workload's results stay apart."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.purpose))
    error_message = "purpose must be 2-21 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "lake" {
  type = object({
    results_bucket_name = string
    kms_key_arn         = string
  })
  description = "The lake (lake_storage's output lake, checked there): the workgroup writes its results under its own prefix of the results bucket, encrypted with the lake key."
}

variable "bytes_scanned_cutoff_per_query" {
  type        = number
  description = "Bytes a single query may scan before Athena cancels it (at 5 USD per TB scanned, 100 GB is 0.50 USD). Guards against a runaway query over bronze."

  validation {
    condition     = var.bytes_scanned_cutoff_per_query >= 10485760 && var.bytes_scanned_cutoff_per_query <= 10995116277760 && floor(var.bytes_scanned_cutoff_per_query) == var.bytes_scanned_cutoff_per_query
    error_message = "bytes_scanned_cutoff_per_query must be a whole number of bytes between 10485760 (10 MB, Athena's minimum) and 10995116277760 (10 TB)."
  }
}
