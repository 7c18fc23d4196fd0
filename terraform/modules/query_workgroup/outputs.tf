output "name" {
  description = "Name of the Athena workgroup (dbt-athena: work_group)."
  value       = aws_athena_workgroup.this.name
}

output "arn" {
  description = "ARN of the Athena workgroup, for IAM policies."
  value       = aws_athena_workgroup.this.arn
}

output "output_location" {
  description = "S3 URI where the workgroup writes query results, with a trailing slash (dbt-athena: s3_staging_dir)."
  value       = local.output_location
}

output "results_prefix" {
  description = "Key prefix of this workgroup's results in the results bucket, with a trailing slash (for IAM policies)."
  value       = local.results_prefix
}
