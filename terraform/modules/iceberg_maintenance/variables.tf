variable "tables" {
  type        = list(string)
  description = "The incremental Iceberg tables to maintain, as <glue database>.<table>: the models dbt builds with materialized='incremental' (the root's local.incremental_tables, silver's and gold's, in both write-audit-publish slots of their layer: <silver>__blue, <silver>__green, <gold>__blue, <gold>__green). macros/maintenance/iceberg_maintenance.sql finds the same list in dbt's graph."

  validation {
    condition     = length(var.tables) > 0 && alltrue([for t in var.tables : can(regex("^[a-z0-9_]+\\.[a-z0-9_]+$", t))])
    error_message = "tables must name at least one table, each as <database>.<table> in lowercase letters, digits and underscores."
  }
}

variable "database_name" {
  type        = string
  description = "The Glue database the statements run in (the silver database of the catalog module, whose output database_names checks it); the state machine's role may change the tables of var.tables only, in their own databases."
}

variable "zone_prefixes" {
  type        = list(string)
  description = "Key prefixes of the lake zones the tables live in, each with a trailing slash (silver/, gold/): OPTIMIZE writes and VACUUM deletes files there only."

  validation {
    condition     = length(var.zone_prefixes) > 0 && alltrue([for prefix in var.zone_prefixes : can(regex("^[a-z0-9_-]+/$", prefix))])
    error_message = "zone_prefixes must name at least one zone, each one folder name with a trailing slash, e.g. silver/."
  }
}

variable "snapshot_age_days" {
  type        = number
  description = "VACUUM expires snapshots older than this (the table property vacuum_max_snapshot_age_seconds), and deletes the files only they reference; time travel and rollback reach this far back."
  default     = 7

  validation {
    condition     = var.snapshot_age_days >= 1 && var.snapshot_age_days == floor(var.snapshot_age_days)
    error_message = "snapshot_age_days must be a whole number of days, at least 1."
  }
}

variable "schedule_expression" {
  type        = string
  description = "When the maintenance runs (EventBridge cron or rate expression, UTC). Keep it clear of the dbt build: a compaction and a merge of the same table conflict, and one of them fails."
  default     = "cron(0 4 ? * SUN *)"
}

variable "workgroup" {
  type = object({
    name = string
  })
  description = "The Athena workgroup the statements run in (the dbt workgroup of the query_workgroup module)."
}

variable "lake" {
  type = object({
    bucket_arn  = string
    kms_key_arn = string
  })
  description = "The lake (lake_storage's output lake, checked there): the maintained zone is a prefix of the lake bucket; the lake key encrypts the state machine and its logs."
}

variable "workgroup_query_policy_json" {
  type        = string
  description = "IAM policy document (JSON) allowing queries in var.workgroup, their results and the lake key through S3 and Glue: the access_roles module's dbt_workgroup_query_policy_json, the transformation role's own statements."
}
