output "state_machine_arn" {
  description = "ARN of the maintenance state machine (start it by hand with `aws stepfunctions start-execution --state-machine-arn <arn>`)."
  value       = module.state_machine.arn
}

output "schedule_rule_name" {
  description = "Name of the EventBridge rule that starts the maintenance on its schedule."
  value       = module.state_machine.schedule_rule_name
}

output "statements" {
  description = "The statements the maintenance runs, in order (the same as `dbt run-operation iceberg_maintenance`)."
  value       = [for step in local.steps : step.sql]
}
