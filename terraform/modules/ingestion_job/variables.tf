variable "lake" {
  type = object({
    bucket_name = string
    kms_key_arn = string
  })
  description = "The lake (lake_storage's output lake, checked there): the job reads landing/ and writes bronze/ of the lake bucket, its code lives under scripts/ingestion/; the lake key encrypts its logs, bookmarks and output."
}

variable "role_arn" {
  type        = string
  description = "ARN of the IAM role the job runs as (the access_roles module's output ingestion_role_arn; made by AWS there, so not re-checked here)."
}

variable "role_name" {
  type        = string
  description = "Name of the job's IAM role; Glue puts it in the names of the encrypted log groups, which this module creates with a retention period (the access_roles module's output ingestion_role_name)."
}

variable "worker_type" {
  type        = string
  description = "Glue worker type: G.1X (4 vCPU, 16 GB), G.2X, G.4X or G.8X. Ingestion is I/O-bound; G.1X suits most banks."
  default     = "G.1X"

  validation {
    condition     = contains(["G.1X", "G.2X", "G.4X", "G.8X"], var.worker_type)
    error_message = "worker_type must be one of G.1X, G.2X, G.4X, G.8X (the Spark worker types of Glue 5.0)."
  }
}

variable "number_of_workers" {
  type        = number
  description = "Number of Glue workers (one is the driver). Cost is workers x DPU per worker x hours."
  default     = 2

  validation {
    condition     = var.number_of_workers >= 2 && var.number_of_workers <= 100 && floor(var.number_of_workers) == var.number_of_workers
    error_message = "number_of_workers must be a whole number between 2 (Glue's minimum) and 100 (a guard against a costly typo; raise it here if a bank really needs more)."
  }
}

variable "execution_class" {
  type        = string
  description = "STANDARD starts at once; FLEX runs on spare capacity, cheaper per DPU-hour but may start later. A nightly load can usually take FLEX."
  default     = "STANDARD"

  validation {
    condition     = contains(["STANDARD", "FLEX"], var.execution_class)
    error_message = "execution_class must be STANDARD or FLEX."
  }
}

variable "timeout_minutes" {
  type        = number
  description = "Minutes after which a run is stopped (and billed no further)."
  default     = 120

  validation {
    condition     = var.timeout_minutes >= 5 && var.timeout_minutes <= 2880 && floor(var.timeout_minutes) == var.timeout_minutes
    error_message = "timeout_minutes must be a whole number between 5 and 2880 (Glue's maximum, 48 hours)."
  }
}

variable "max_retries" {
  type        = number
  description = "Times Glue retries a failed run. Safe to retry: the job keeps its own load ledger and skips files already loaded."
  default     = 1

  validation {
    condition     = var.max_retries >= 0 && var.max_retries <= 3 && floor(var.max_retries) == var.max_retries
    error_message = "max_retries must be a whole number between 0 and 3."
  }
}

variable "schedule" {
  type        = string
  description = "When the job runs, as an AWS cron expression in UTC such as cron(30 5 * * ? *); null creates no trigger (run it on demand or from an orchestrator)."
  default     = null

  validation {
    condition     = var.schedule == null || can(regex("^cron\\(\\S+( \\S+){5}\\)$", var.schedule))
    error_message = "schedule must be null or an AWS cron expression with six fields, for example cron(30 5 * * ? *)."
  }
}

variable "additional_python_modules" {
  type        = list(string)
  description = "Extra pip requirements for the job beyond what Glue 5.0 ships, pinned, for example [\"pyyaml==6.0.2\"]; passed as --additional-python-modules."
  default     = []

  validation {
    condition     = alltrue([for requirement in var.additional_python_modules : can(regex("^[A-Za-z0-9._-]+(\\[[A-Za-z0-9,._-]+\\])?==[A-Za-z0-9.+!_-]+$", requirement))])
    error_message = "Each additional_python_modules entry must be pinned as name==version."
  }
}
