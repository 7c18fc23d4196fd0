output "state_machine_arn" {
  description = "ARN of the daily run (start it by hand with `aws stepfunctions start-execution --state-machine-arn <arn>`)."
  value       = module.state_machine.arn
}

output "dbt_image_repository" {
  description = "ECR repository the dbt image (deploy/dbt/Dockerfile) is pushed to, tagged var.dbt_build.image_tag."
  value       = aws_ecr_repository.this.repository_url
}

output "dbt_build_role_arn" {
  description = "Role of the dbt builds' container: add it to transformation_principal_arns so it may assume the transformation role."
  value       = module.build_role.arn
}

output "dbt_project_name" {
  description = "CodeBuild project of the dbt builds."
  value       = aws_codebuild_project.this.name
}
