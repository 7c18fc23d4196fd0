variable "retention_days" {
  type = object({
    landing                = number
    noncurrent_versions    = optional(number, 30)
    rebuilt_table_versions = optional(number, 3)
    athena_results         = optional(number, 7)
    access_logs            = optional(number, 400)
  })
  description = "Days each kind of object is kept. landing: a landed extract stays under landing/ before it expires (bronze keeps the loaded rows and their checksums, so this only bounds how far back a file can be re-ingested from its original bytes). noncurrent_versions: an overwritten or deleted object version is kept in every bucket (the undo window for accidental deletes and overwrites). rebuilt_table_versions: the replaced objects of a rebuilt silver or gold table (noncurrent versions under silver/ and gold/) are kept instead; every dbt build rewrites its table models, so with the whole-bucket window each table would be kept about that many times over, and a few days still allow an undo. athena_results: query results are kept in the results bucket; they can hold copies of restricted data (a query over bronze returns PII), so keep this short. access_logs: S3 server access logs are kept in the access-log bucket (audit evidence of who read or wrote what)."

  validation {
    # The shortest and longest period each accepts, in days.
    condition = alltrue([
      for name, bounds in {
        landing                = [7, 3650]
        noncurrent_versions    = [1, 3650]
        rebuilt_table_versions = [1, 30]
        athena_results         = [1, 365]
        access_logs            = [90, 3650]
      } : var.retention_days[name] >= bounds[0] && var.retention_days[name] <= bounds[1] && floor(var.retention_days[name]) == var.retention_days[name]
    ])
    error_message = "retention_days must be whole numbers of days: landing 7-3650, noncurrent_versions 1-3650, rebuilt_table_versions 1-30, athena_results 1-365, access_logs 90-3650 (audit logs kept for less than a quarter are of little use)."
  }
}
