# The daily run (issue 19): one Step Functions execution a day runs the pipeline on AWS in the
# order `finlake demo` runs it locally (finlake/pipeline.py; tests/terraform/test_daily_run.py
# checks the two agree):
#
#   Glue ingestion job -> finlake build --target prod (CodeBuild, the dbt image of
#   deploy/dbt/Dockerfile) -> the scoring job on Databricks (Jobs API through an EventBridge
#   connection) -> finlake build --target prod again (publishes customer_risk with the scores) -> the
#   "Build succeeded" event, on which the alerting Lambda runs (modules/alerting)
#
# Each step retries with exponential backoff; a step that still fails publishes a notice to the
# alerts topic and fails the execution. One execution at a time: the first state counts the
# running executions and stops a second one before it does anything. The definition is
# definition.asl.json, rendered here by templatefile().

locals {
  repo_root = abspath("${path.module}/../../..")

  state_machine_name = "${var.context.name_prefix}-daily-run"
  # Built from its name, not read from the resource: the role's policy names the machine, and the
  # machine names the role.
  state_machine_arn = "arn:${var.context.partition}:states:${var.context.region}:${var.context.account_id}:stateMachine:${local.state_machine_name}"
  project_name      = "${var.context.name_prefix}-dbt"
  event_bus_name    = "default"
  event_bus_arn     = "arn:${var.context.partition}:events:${var.context.region}:${var.context.account_id}:event-bus/${local.event_bus_name}"
  # Secrets Manager appends six random characters to a secret's name in its ARN.
  pii_key_secret_arn = "arn:${var.context.partition}:secretsmanager:${var.context.region}:${var.context.account_id}:secret:${var.pii_key_secret_name}-??????"

  definition = templatefile("${path.module}/definition.asl.json", {
    partition                 = var.context.partition
    glue_job_name             = var.glue_job.name
    dbt_project_name          = local.project_name
    databricks_host           = var.databricks.host
    databricks_job_id         = var.databricks.job_id
    databricks_connection_arn = var.databricks.connection_arn
    scoring_poll_seconds      = var.databricks.poll_seconds
    event_bus_name            = local.event_bus_name
    event_source              = var.alerts.source
    event_detail_type         = var.alerts.detail_type
    topic_arn                 = var.alerts.topic_arn
  })
}

# ---------------------------------------------------------------------------------------------
# The dbt runtime: an image repository and a CodeBuild project that runs it
# ---------------------------------------------------------------------------------------------

resource "aws_ecr_repository" "this" {
  name                 = local.project_name
  image_tag_mutability = "IMMUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = var.lake.kms_key_arn
  }
}

resource "aws_ecr_lifecycle_policy" "this" {
  repository = aws_ecr_repository.this.name
  policy = jsonencode({
    rules = [{
      rulePriority = 1
      description  = "Keep the last 20 images."
      selection    = { tagStatus = "any", countType = "imageCountMoreThan", countNumber = 20 }
      action       = { type = "expire" }
    }]
  })
}

resource "aws_cloudwatch_log_group" "build" {
  name              = "/aws/codebuild/${local.project_name}"
  retention_in_days = var.context.log_retention_days
  kms_key_id        = var.lake.kms_key_arn
}

resource "aws_codebuild_project" "this" {
  name           = local.project_name
  description    = "finlake: finlake build --target prod (dbt-athena) in the image of deploy/dbt/Dockerfile."
  service_role   = module.build_role.arn
  build_timeout  = var.dbt_build.timeout_minutes
  encryption_key = var.lake.kms_key_arn

  source {
    type      = "NO_SOURCE"
    buildspec = file("${local.repo_root}/deploy/dbt/buildspec.yml")
  }

  artifacts {
    type = "NO_ARTIFACTS"
  }

  environment {
    type                        = "LINUX_CONTAINER"
    compute_type                = "BUILD_GENERAL1_SMALL"
    image                       = "${aws_ecr_repository.this.repository_url}:${var.dbt_build.image_tag}"
    image_pull_credentials_type = "SERVICE_ROLE"
    privileged_mode             = false

    dynamic "environment_variable" {
      for_each = var.dbt_environment

      content {
        name  = environment_variable.key
        value = environment_variable.value
      }
    }

    environment_variable {
      name  = "FINLAKE_TRANSFORMATION_ROLE_ARN"
      value = var.transformation_role_arn
    }

    environment_variable {
      name  = "FINLAKE_PII_KEY"
      type  = "SECRETS_MANAGER"
      value = var.pii_key_secret_name
    }
  }

  logs_config {
    cloudwatch_logs {
      group_name = aws_cloudwatch_log_group.build.name
    }
  }
}

data "aws_iam_policy_document" "build" {
  statement {
    # dbt runs as the transformation role; this role only starts the container.
    sid       = "BecomeTheTransformationRole"
    actions   = ["sts:AssumeRole"]
    resources = [var.transformation_role_arn]
  }

  statement {
    sid       = "PullTheImage"
    actions   = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]
    resources = [aws_ecr_repository.this.arn]
  }

  statement {
    # ecr:GetAuthorizationToken has no resource-level permissions: the API demands Resource "*".
    sid       = "LogInToEcr"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid       = "ReadThePiiKey"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [local.pii_key_secret_arn]
  }

  statement {
    sid       = "UseLakeKeyForImageSecretAndLogs"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
    resources = [var.lake.kms_key_arn]
  }

  statement {
    sid       = "WriteLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.build.arn}:*"]
  }
}

module "build_role" {
  source = "../service_role"

  context     = var.context
  name        = "dbt"
  description = "finlake daily run: starts the dbt container, which assumes the transformation role."
  service     = "codebuild.amazonaws.com"
  policy_name = "dbt-build"
  policy_json = data.aws_iam_policy_document.build.json
}

# ---------------------------------------------------------------------------------------------
# The state machine (modules/state_machine: encrypted, logged, traced; its role and schedule)
# ---------------------------------------------------------------------------------------------

module "state_machine" {
  source = "../state_machine"

  context     = var.context
  name        = "daily-run"
  description = "finlake daily run: ingestion, dbt builds, scoring, the build event, failure notices."
  definition  = local.definition
  policy_json = data.aws_iam_policy_document.state_machine.json
  schedule = var.schedule_expression == null ? null : {
    expression  = var.schedule_expression
    description = "Starts the finlake daily run."
  }
  kms_key_arn = var.lake.kms_key_arn
}

# What the executions' tasks do; the module adds the key, log and trace permissions.
data "aws_iam_policy_document" "state_machine" {
  statement {
    sid       = "CountRunningExecutions"
    actions   = ["states:ListExecutions"]
    resources = [local.state_machine_arn]
  }

  statement {
    sid       = "RunTheIngestionJob"
    actions   = ["glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun"]
    resources = [var.glue_job.arn]
  }

  statement {
    sid       = "RunTheDbtBuilds"
    actions   = ["codebuild:StartBuild", "codebuild:StopBuild", "codebuild:BatchGetBuilds"]
    resources = [aws_codebuild_project.this.arn]
  }

  statement {
    # The .sync integration with CodeBuild waits through a rule Step Functions manages.
    sid       = "WaitForTheBuilds"
    actions   = ["events:PutTargets", "events:PutRule", "events:DescribeRule"]
    resources = ["arn:${var.context.partition}:events:${var.context.region}:${var.context.account_id}:rule/StepFunctionsGetEventForCodeBuildStartBuildRule"]
  }

  statement {
    sid       = "CallDatabricks"
    actions   = ["states:InvokeHTTPEndpoint"]
    resources = [local.state_machine_arn]

    condition {
      test     = "StringLike"
      variable = "states:HTTPEndpoint"
      values   = ["${var.databricks.host}/api/2.1/jobs/*"]
    }
  }

  statement {
    sid       = "UseTheDatabricksConnection"
    actions   = ["events:RetrieveConnectionCredentials"]
    resources = [var.databricks.connection_arn]
  }

  statement {
    # An EventBridge connection keeps its credentials in a secret it names events!connection/...
    sid       = "ReadTheConnectionSecret"
    actions   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
    resources = ["arn:${var.context.partition}:secretsmanager:${var.context.region}:${var.context.account_id}:secret:events!connection/*"]
  }

  statement {
    sid       = "AnnounceTheBuild"
    actions   = ["events:PutEvents"]
    resources = [local.event_bus_arn]
  }

  statement {
    sid       = "NotifyFailures"
    actions   = ["sns:Publish"]
    resources = [var.alerts.topic_arn]
  }

  statement {
    sid       = "UseAlertingKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.alerts.kms_key_arn]
  }
}
