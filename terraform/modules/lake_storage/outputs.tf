output "kms_key_arn" {
  description = "ARN of the customer-managed KMS key that encrypts the buckets, Glue logs and bookmarks, and Athena results."
  value       = aws_kms_key.this.arn
}

output "kms_key_alias" {
  description = "Alias of the lake KMS key (alias/<project>-<environment>-lake)."
  value       = aws_kms_alias.this.name
}

output "lake_bucket_name" {
  description = "Name of the lake bucket (zones landing/, bronze/, silver/, gold/, ml/ are prefixes in it)."
  value       = module.lake.name
}

output "lake_bucket_arn" {
  description = "ARN of the lake bucket."
  value       = module.lake.arn
}

output "zone_uris" {
  description = "S3 URI of each lake zone, keyed by zone name (landing, bronze, silver, gold, ml); no trailing slash."
  value       = { for zone in local.zones : zone => "s3://${module.lake.name}/${zone}" }
}

output "athena_results_bucket_name" {
  description = "Name of the bucket that holds Athena query results."
  value       = module.athena_results.name
}

output "athena_results_bucket_arn" {
  description = "ARN of the Athena results bucket."
  value       = module.athena_results.arn
}

output "access_logs_bucket_name" {
  description = "Name of the bucket that receives S3 server access logs of the lake and results buckets."
  value       = module.access_logs.name
}
