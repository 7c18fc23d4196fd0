output "name" {
  description = "Name of the bucket (<project>-<environment>-<purpose>-<account id>-<region>)."
  value       = aws_s3_bucket.this.bucket
}

output "id" {
  description = "Id of the bucket (its name), for resources that attach to it."
  value       = aws_s3_bucket.this.id
}

output "arn" {
  description = "ARN of the bucket."
  value       = aws_s3_bucket.this.arn
}
