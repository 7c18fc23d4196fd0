# One Step Functions state machine as this project runs them, written once for daily_run and
# iceberg_maintenance: the definition encrypted with the lake key, every execution logged
# (encrypted, kept var.context.log_retention_days) and traced, a role (modules/service_role) with the
# caller's task permissions plus what the key, the logs and the traces need, and, when
# var.schedule is set, the EventBridge rule that starts it and that rule's own role.

locals {
  name = "${var.context.name_prefix}-${var.name}"
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/vendedlogs/states/${local.name}"
  retention_in_days = var.context.log_retention_days
  kms_key_id        = var.kms_key_arn
}

resource "aws_sfn_state_machine" "this" {
  name       = local.name
  role_arn   = module.role.arn
  definition = var.definition

  logging_configuration {
    log_destination        = "${aws_cloudwatch_log_group.this.arn}:*"
    include_execution_data = true
    level                  = "ALL"
  }

  tracing_configuration {
    enabled = true
  }

  encryption_configuration {
    type                              = "CUSTOMER_MANAGED_KMS_KEY"
    kms_key_id                        = var.kms_key_arn
    kms_data_key_reuse_period_seconds = 300
  }
}

data "aws_iam_policy_document" "role" {
  # The caller's task permissions, checked in the caller's module.
  source_policy_documents = [var.policy_json]

  statement {
    # The state machine's own encrypted definition and execution history.
    sid       = "UseLakeKeyForTheStateMachine"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["states.${var.context.region}.amazonaws.com"]
    }
  }

  statement {
    # Log delivery and X-Ray have no resource-level permissions: the APIs demand Resource "*".
    sid = "DeliverLogsAndTraces"
    actions = [
      "logs:CreateLogDelivery",
      "logs:GetLogDelivery",
      "logs:UpdateLogDelivery",
      "logs:DeleteLogDelivery",
      "logs:ListLogDeliveries",
      "logs:PutResourcePolicy",
      "logs:DescribeResourcePolicies",
      "logs:DescribeLogGroups",
      "xray:PutTraceSegments",
      "xray:PutTelemetryRecords",
      "xray:GetSamplingRules",
      "xray:GetSamplingTargets",
    ]
    resources = ["*"]
  }
}

module "role" {
  source = "../service_role"

  context     = var.context
  name        = var.name
  description = var.description
  service     = "states.amazonaws.com"
  policy_name = var.name
  policy_json = data.aws_iam_policy_document.role.json
}

# ---------------------------------------------------------------------------------------------
# The schedule
# ---------------------------------------------------------------------------------------------

resource "aws_cloudwatch_event_rule" "this" {
  count = var.schedule == null ? 0 : 1

  name                = local.name
  description         = var.schedule.description
  schedule_expression = var.schedule.expression
}

resource "aws_cloudwatch_event_target" "this" {
  count = var.schedule == null ? 0 : 1

  rule     = aws_cloudwatch_event_rule.this[0].name
  arn      = aws_sfn_state_machine.this.arn
  role_arn = module.schedule_role[0].arn
}

data "aws_iam_policy_document" "schedule" {
  statement {
    sid       = "StartTheStateMachine"
    actions   = ["states:StartExecution"]
    resources = [aws_sfn_state_machine.this.arn]
  }
}

module "schedule_role" {
  source = "../service_role"
  count  = var.schedule == null ? 0 : 1

  context     = var.context
  name        = "${var.name}-schedule"
  description = "finlake: lets EventBridge start ${local.name}."
  service     = "events.amazonaws.com"
  policy_name = "start-${var.name}"
  policy_json = data.aws_iam_policy_document.schedule.json
}
