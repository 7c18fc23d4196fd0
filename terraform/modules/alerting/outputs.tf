output "topic_arn" {
  description = "ARN of the SNS topic the notifications (and the daily run's failure notices) go to; subscribe more endpoints to it, filtering on the message attributes topic and severity."
  value       = aws_sns_topic.this.arn
}

output "function_arn" {
  description = "ARN of the alerting Lambda."
  value       = aws_lambda_function.this.arn
}

output "function_name" {
  description = "Name of the alerting Lambda (run it by hand: `aws lambda invoke --function-name <name> out.json`)."
  value       = aws_lambda_function.this.function_name
}

output "dead_letter_queue_url" {
  description = "URL of the queue a failed alerting run is recorded in."
  value       = aws_sqs_queue.dead_letter.url
}

output "kms_key_arn" {
  description = "ARN of the key the topic, the dead-letter queue and the logs are encrypted with; a publisher to the topic needs kms:GenerateDataKey and kms:Decrypt on it."
  value       = aws_kms_key.this.arn
}

output "build_succeeded_event" {
  description = "The EventBridge event (source and detail-type) that runs the Lambda: send it after a prod build succeeds."
  value       = local.build_succeeded
}

output "state_uri" {
  description = "Where the dedup state is kept."
  value       = "s3://${var.lake.bucket_name}/${local.state_key}"
}
