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

variable "job" {
  type = object({
    worker_type               = optional(string, "G.1X")
    number_of_workers         = optional(number, 2)
    execution_class           = optional(string, "STANDARD")
    timeout_minutes           = optional(number, 120)
    max_retries               = optional(number, 1)
    schedule                  = optional(string)
    additional_python_modules = optional(list(string), [])
  })
  description = "How the Glue job runs. worker_type: G.1X (4 vCPU, 16 GB), G.2X, G.4X or G.8X; ingestion is I/O-bound, G.1X suits most banks. number_of_workers: one is the driver; cost is workers x DPU per worker x hours. execution_class: STANDARD starts at once; FLEX runs on spare capacity, cheaper per DPU-hour but may start later (a nightly load can usually take FLEX). timeout_minutes: after which a run is stopped (and billed no further). max_retries: times Glue retries a failed run; safe, the job keeps its own load ledger and skips files already loaded. schedule: when the job runs, an AWS cron expression in UTC such as cron(30 5 * * ? *); null creates no trigger (run it on demand or from an orchestrator such as the daily run). additional_python_modules: extra pip requirements beyond what Glue 5.0 ships, pinned, for example [\"pyyaml==6.0.2\"]; passed as --additional-python-modules."
  default     = {}

  validation {
    condition     = contains(["G.1X", "G.2X", "G.4X", "G.8X"], var.job.worker_type) && contains(["STANDARD", "FLEX"], var.job.execution_class)
    error_message = "job.worker_type must be one of G.1X, G.2X, G.4X, G.8X (the Spark worker types of Glue 5.0), and job.execution_class STANDARD or FLEX."
  }

  validation {
    # The smallest and largest value of each, whole numbers.
    condition = alltrue([
      for name, bounds in {
        number_of_workers = [2, 100]
        timeout_minutes   = [5, 2880]
        max_retries       = [0, 3]
      } : var.job[name] >= bounds[0] && var.job[name] <= bounds[1] && floor(var.job[name]) == var.job[name]
    ])
    error_message = "job.number_of_workers must be a whole number between 2 (Glue's minimum) and 100 (a guard against a costly typo; raise it here if a bank really needs more), job.timeout_minutes between 5 and 2880 (Glue's maximum, 48 hours), job.max_retries between 0 and 3."
  }

  validation {
    condition     = var.job.schedule == null || can(regex("^cron\\(\\S+( \\S+){5}\\)$", var.job.schedule))
    error_message = "job.schedule must be null or an AWS cron expression with six fields, for example cron(30 5 * * ? *)."
  }

  validation {
    condition     = alltrue([for requirement in var.job.additional_python_modules : can(regex("^[A-Za-z0-9._-]+(\\[[A-Za-z0-9,._-]+\\])?==[A-Za-z0-9.+!_-]+$", requirement))])
    error_message = "Each job.additional_python_modules entry must be pinned as name==version."
  }
}
