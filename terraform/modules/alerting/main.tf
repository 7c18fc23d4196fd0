# Alerting (issue 19): the rules of alerts/rules.yml, the same definition `finlake alerts` runs on
# the dev warehouse, evaluated on Athena by a Lambda (finlake/alerts/aws.py) that publishes each
# new occurrence to an SNS topic. The daily run (modules/daily_run) announces a successful build
# with an EventBridge event; the rule below invokes the Lambda on it, asynchronously, so a failed
# run is retried by Lambda (twice) and then lands in the dead-letter queue, whose depth alarms on
# the same topic. Dedup state: s3://<lake>/alerts/state.json. One run at a time (reserved
# concurrency 1), so two runs never read the same state.

locals {
  repo_root = abspath("${path.module}/../../..")

  glue_arn_prefix = "arn:${var.context.partition}:glue:${var.context.region}:${var.context.account_id}"
  function_name   = "${var.context.name_prefix}-alerts"
  state_key       = "alerts/state.json"

  # What the zip holds and its handler: finlake/alerts/lambda.json, which finlake/alerts/package.py
  # reads too (tests/alerts checks these files import with the standard library and boto3
  # alone), and the rules file rendered as JSON, so the Lambda needs no YAML parser.
  lambda       = jsondecode(file("${local.repo_root}/finlake/alerts/lambda.json"))
  lambda_files = local.lambda.files
  rules_json   = jsonencode(yamldecode(file("${local.repo_root}/alerts/rules.yml")))

  # The event the daily run sends after customer_risk is built (modules/daily_run); anything
  # else that builds prod may send it too.
  build_succeeded = {
    source      = "finlake.daily-run"
    detail_type = "Build succeeded"
  }
}

# ---------------------------------------------------------------------------------------------
# Encryption: one key for the topic, the dead-letter queue and the logs
# ---------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "key" {
  #checkov:skip=CKV_AWS_109:Key policy: Resource "*" means this key only; the root statement delegates to IAM policies, which name the key ARN.
  #checkov:skip=CKV_AWS_111:Key policy: Resource "*" means this key only; the root statement delegates to IAM policies, which name the key ARN.
  #checkov:skip=CKV_AWS_356:Key policy: Resource "*" means this key only (a key policy cannot name another resource).
  statement {
    sid = "EnableIamPolicies"
    # AWS's default key statement: the account's IAM policies decide who may use the key (the
    # Lambda's and the daily run's roles name it). In a key policy, Resource "*" means this key.
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${var.context.partition}:iam::${var.context.account_id}:root"]
    }
  }

  statement {
    sid = "AllowAlarmsAndLogs"
    # CloudWatch alarms publish to the encrypted topic; CloudWatch Logs encrypts the log group.
    # Resource "*" = this key.
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*", "kms:Encrypt", "kms:ReEncrypt*", "kms:DescribeKey"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com", "logs.${var.context.region}.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.context.account_id]
    }
  }
}

resource "aws_kms_key" "this" {
  description             = "${var.context.name_prefix}: alert notifications, their dead-letter queue and logs."
  enable_key_rotation     = true
  deletion_window_in_days = var.context.kms_deletion_window_days
  policy                  = data.aws_iam_policy_document.key.json
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.context.name_prefix}-alerts"
  target_key_id = aws_kms_key.this.key_id
}

# ---------------------------------------------------------------------------------------------
# Where notifications go
# ---------------------------------------------------------------------------------------------

resource "aws_sns_topic" "this" {
  name              = "${var.context.name_prefix}-alerts"
  kms_master_key_id = aws_kms_key.this.arn
}

data "aws_iam_policy_document" "topic" {
  statement {
    sid       = "PublishFromThisAccount"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.this.arn]

    principals {
      type        = "AWS"
      identifiers = ["arn:${var.context.partition}:iam::${var.context.account_id}:root"]
    }
  }

  statement {
    sid       = "PublishAlarms"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.this.arn]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.context.account_id]
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.this.arn]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_sns_topic_policy" "this" {
  arn    = aws_sns_topic.this.arn
  policy = data.aws_iam_policy_document.topic.json
}

resource "aws_sns_topic_subscription" "this" {
  count = var.subscription == null ? 0 : 1

  topic_arn = aws_sns_topic.this.arn
  protocol  = var.subscription.protocol
  endpoint  = var.subscription.endpoint
}

resource "aws_sqs_queue" "dead_letter" {
  name                      = "${var.context.name_prefix}-alerts-dead-letter"
  message_retention_seconds = var.function.dead_letter_retention_days * 86400
  kms_master_key_id         = aws_kms_key.this.arn
}

# ---------------------------------------------------------------------------------------------
# The function
# ---------------------------------------------------------------------------------------------

module "package" {
  source = "../repository_zip"

  context         = var.context
  name            = "alerts"
  files           = local.lambda_files
  generated_files = { "rules.json" = local.rules_json }
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${local.function_name}"
  retention_in_days = var.context.log_retention_days
  kms_key_id        = aws_kms_key.this.arn
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_117:The function calls only AWS APIs (Athena, S3, SNS, SQS) under a least-privilege role; a VPC would add NAT or five interface endpoints and no isolation the role does not give.
  #checkov:skip=CKV_AWS_272:Code signing needs an AWS Signer profile the bank operates; the zip is built from the reviewed repository by the same Terraform run.
  function_name                  = local.function_name
  description                    = "finlake alerting: the rules of alerts/rules.yml on Athena; new occurrences to SNS."
  role                           = module.role.arn
  runtime                        = "python3.11"
  handler                        = local.lambda.handler
  filename                       = module.package.path
  source_code_hash               = module.package.base64sha256
  timeout                        = var.function.timeout_seconds
  memory_size                    = 256
  reserved_concurrent_executions = 1
  kms_key_arn                    = aws_kms_key.this.arn

  environment {
    variables = {
      FINLAKE_ATHENA_WORKGROUP = var.workgroup.name
      FINLAKE_GOLD_SCHEMA      = var.database_names.gold
      FINLAKE_SILVER_SCHEMA    = var.database_names.silver
      FINLAKE_ALERTS_TOPIC_ARN = aws_sns_topic.this.arn
      FINLAKE_ALERTS_STATE_URI = "s3://${var.lake.bucket_name}/${local.state_key}"
      FINLAKE_ALERTS_DLQ_URL   = aws_sqs_queue.dead_letter.url
    }
  }

  dead_letter_config {
    target_arn = aws_sqs_queue.dead_letter.arn
  }

  tracing_config {
    mode = "Active"
  }

  depends_on = [aws_cloudwatch_log_group.this, module.role]
}

resource "aws_lambda_function_event_invoke_config" "this" {
  function_name                = aws_lambda_function.this.function_name
  maximum_retry_attempts       = 2
  maximum_event_age_in_seconds = 21600
}

# ---------------------------------------------------------------------------------------------
# Its role: the rules' reads, the topic, the queue, the state object
# ---------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "this" {
  # Queries in the workgroup, their results and the lake key: the analyst role's own statements
  # (access_roles output analyst_workgroup_query_policy_json), so they cannot drift apart.
  source_policy_documents = [var.workgroup_query_policy_json]

  statement {
    sid     = "ReadGoldAndSilverTables"
    actions = ["glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:GetPartitions"]
    resources = [
      "${local.glue_arn_prefix}:catalog",
      "${local.glue_arn_prefix}:database/${var.database_names.gold}",
      "${local.glue_arn_prefix}:database/${var.database_names.silver}",
      "${local.glue_arn_prefix}:table/${var.database_names.gold}/*",
      "${local.glue_arn_prefix}:table/${var.database_names.silver}/*",
    ]
  }

  statement {
    sid       = "ListTheZones"
    actions   = ["s3:ListBucket"]
    resources = [var.lake.bucket_arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["gold", "gold/*", "silver", "silver/*"]
    }
  }

  statement {
    sid       = "ReadTheZones"
    actions   = ["s3:GetObject"]
    resources = ["${var.lake.bucket_arn}/gold/*", "${var.lake.bucket_arn}/silver/*"]
  }

  statement {
    sid       = "KeepTheDedupState"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["${var.lake.bucket_arn}/${local.state_key}"]
  }

  statement {
    # Before the first run there is no state: the handler lists the key to tell.
    sid       = "SeeTheStateIsMissing"
    actions   = ["s3:ListBucket"]
    resources = [var.lake.bucket_arn]

    condition {
      test     = "StringEquals"
      variable = "s3:prefix"
      values   = [local.state_key]
    }
  }

  statement {
    sid       = "Publish"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.this.arn]
  }

  statement {
    sid       = "RecordFailures"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.dead_letter.arn]
  }

  statement {
    # The topic and queue are encrypted with the alerting key; so are the function's variables.
    sid       = "UseAlertingKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.this.arn]
  }

  statement {
    sid       = "WriteLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }

  statement {
    # X-Ray has no resource-level permissions: the API demands Resource "*".
    sid       = "Trace"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"]
  }
}

module "role" {
  source = "../service_role"

  context     = var.context
  name        = "alerts"
  description = "finlake alerting Lambda: reads gold and silver through Athena, publishes to the alerts topic."
  service     = "lambda.amazonaws.com"
  policy_name = "alerts"
  policy_json = data.aws_iam_policy_document.this.json
}

# ---------------------------------------------------------------------------------------------
# When it runs, and what says it failed
# ---------------------------------------------------------------------------------------------

resource "aws_cloudwatch_event_rule" "this" {
  name        = "${var.context.name_prefix}-alerts-after-build"
  description = "Runs the alert rules after the daily build succeeds (the daily run's event)."
  event_pattern = jsonencode({
    source        = [local.build_succeeded.source]
    "detail-type" = [local.build_succeeded.detail_type]
  })
}

resource "aws_cloudwatch_event_target" "this" {
  rule = aws_cloudwatch_event_rule.this.name
  arn  = aws_lambda_function.this.arn
}

resource "aws_lambda_permission" "this" {
  statement_id  = "RunAfterTheBuild"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.this.arn
}

resource "aws_cloudwatch_metric_alarm" "dead_letter" {
  alarm_name          = "${var.context.name_prefix}-alerts-failed"
  alarm_description   = "An alerting run failed after its retries: its record is in the dead-letter queue (docs/operations.md)."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.dead_letter.name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.this.arn]
}
