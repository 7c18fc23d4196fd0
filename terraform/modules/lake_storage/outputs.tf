# What the other modules take of the lake, as one object (their variable "lake"): the lake bucket,
# the Athena results bucket and the lake key. Checked once, here, instead of in every module.
output "lake" {
  description = "The lake bucket's name and ARN, the Athena results bucket's name and ARN, and the ARN of the customer-managed KMS key that encrypts the buckets, Glue logs and bookmarks, and Athena results."
  value = {
    bucket_name         = module.lake.name
    bucket_arn          = module.lake.arn
    results_bucket_name = module.athena_results.name
    results_bucket_arn  = module.athena_results.arn
    kms_key_arn         = aws_kms_key.this.arn
  }

  precondition {
    condition     = alltrue([for name in [module.lake.name, module.athena_results.name] : can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", name))])
    error_message = "lake.bucket_name and lake.results_bucket_name must be valid S3 bucket names."
  }

  precondition {
    condition     = alltrue([for arn in [module.lake.arn, module.athena_results.arn] : can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", arn))])
    error_message = "lake.bucket_arn and lake.results_bucket_arn must be ARNs of S3 buckets (arn:<partition>:s3:::<name>)."
  }

  precondition {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", aws_kms_key.this.arn))
    error_message = "lake.kms_key_arn must be the ARN of a KMS key (arn:<partition>:kms:<region>:<account>:key/<id>)."
  }
}

output "kms_key_alias" {
  description = "Alias of the lake KMS key (alias/<project>-<environment>-lake)."
  value       = aws_kms_alias.this.name
}

output "zone_uris" {
  description = "S3 URI of each lake zone, keyed by zone name (landing, bronze, silver, gold, ml); no trailing slash."
  value       = { for zone in local.zones : zone => "s3://${module.lake.name}/${zone}" }
}

output "access_logs_bucket_name" {
  description = "Name of the bucket that receives S3 server access logs of the lake and results buckets."
  value       = module.access_logs.name
}
