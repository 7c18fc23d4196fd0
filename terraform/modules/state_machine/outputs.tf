output "arn" {
  description = "ARN of the state machine (start it by hand with `aws stepfunctions start-execution --state-machine-arn <arn>`)."
  value       = aws_sfn_state_machine.this.arn
}

output "schedule_rule_name" {
  description = "Name of the EventBridge rule that starts it, or null without a schedule."
  value       = one(aws_cloudwatch_event_rule.this[*].name)
}
