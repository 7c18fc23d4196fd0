output "job_name" {
  description = "Name of the Glue ingestion job (aws glue start-job-run --job-name <this>)."
  value       = aws_glue_job.this.name
}

output "job_arn" {
  description = "ARN of the Glue ingestion job."
  value       = aws_glue_job.this.arn
}

output "security_configuration_name" {
  description = "Name of the Glue security configuration (SSE-KMS S3 output and CloudWatch logs, CSE-KMS bookmarks); the crawler uses it too."
  value       = aws_glue_security_configuration.this.name
}

output "script_uri" {
  description = "S3 URI of the uploaded entry script (ingestion/glue_job.py)."
  value       = "s3://${aws_s3_object.script.bucket}/${aws_s3_object.script.key}"
}

output "package_uri" {
  description = "S3 URI of the zip of the finlake/ and ingestion/ packages passed as --extra-py-files."
  value       = "s3://${aws_s3_object.package.bucket}/${aws_s3_object.package.key}"
}

output "log_group_names" {
  description = "CloudWatch log groups of the job, keyed output, error and continuous."
  value       = { for key, group in aws_cloudwatch_log_group.this : key => group.name }
}

output "trigger_name" {
  description = "Name of the scheduled trigger, or null when schedule is null."
  value       = one(aws_glue_trigger.this[*].name)
}

output "pii_key_secret_name" {
  description = "Secrets Manager secret holding the tokenisation key; put its value once: aws secretsmanager put-secret-value --secret-id <this> --secret-string \"$(openssl rand -hex 32)\"."
  value       = aws_secretsmanager_secret.this.name
}
