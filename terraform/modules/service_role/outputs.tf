output "arn" {
  description = "ARN of the role."
  value       = aws_iam_role.this.arn
}

output "name" {
  description = "Name of the role (<name_prefix>-<name>)."
  value       = aws_iam_role.this.name
}
