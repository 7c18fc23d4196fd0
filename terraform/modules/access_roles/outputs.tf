output "ingestion_role_arn" {
  description = "ARN of the role the Glue ingestion job runs as."
  value       = aws_iam_role.ingestion.arn
}

output "ingestion_role_name" {
  description = "Name of the ingestion role (Glue puts it in the job's log group names)."
  value       = aws_iam_role.ingestion.name
}

output "transformation_role_arn" {
  description = "ARN of the role dbt assumes for target prod (aws_profile_name or AWS_ROLE_ARN in the runner)."
  value       = aws_iam_role.transformation.arn
}

output "ml_role_arn" {
  description = "ARN of the role the default-model notebook assumes."
  value       = aws_iam_role.ml.arn
}

output "analyst_role_arn" {
  description = "ARN of the read-only analyst role."
  value       = aws_iam_role.analyst.arn
}

output "crawler_role_arn" {
  description = "ARN of the bronze partition crawler's role, or null when enable_crawler is false."
  value       = one(aws_iam_role.crawler[*].arn)
}

output "delivery_role_arn" {
  description = "ARN of the role that may put extracts under landing/, or null when delivery_principal_arns is empty."
  value       = one(aws_iam_role.delivery[*].arn)
}

output "dbt_workgroup_query_policy_json" {
  description = "IAM policy document (JSON) allowing queries in the dbt workgroup and their results, as the transformation role has them; the Iceberg maintenance state machine's role includes it."
  value       = data.aws_iam_policy_document.workgroup_query["transformation"].json
}

output "analyst_workgroup_query_policy_json" {
  description = "IAM policy document (JSON) allowing queries in the analyst workgroup and their results, as the analyst role has them; the alerting Lambda's role includes it."
  value       = data.aws_iam_policy_document.workgroup_query["analyst"].json
}
