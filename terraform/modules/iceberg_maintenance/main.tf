# Iceberg maintenance on a schedule (issue 13, defect 6). Every dbt merge into an incremental
# Iceberg table adds small data files and a snapshot; nothing else compacts or expires them, so
# reads slow down and storage grows. On var.schedule_expression an EventBridge rule starts a Step
# Functions state machine that runs, in the dbt workgroup, for each table of var.tables:
#
#   alter table <t> set tblproperties ('vacuum_max_snapshot_age_seconds' = '<snapshot age>')
#   optimize <t> rewrite data using bin_pack      small files rewritten into larger ones
#   vacuum <t>                                    old snapshots expired, their files deleted
#
# the same statements, in the same order, as `dbt run-operation iceberg_maintenance --target
# prod` (macros/maintenance/iceberg_maintenance.sql), which tests/athena_run runs against the
# offline Athena; tests/athena_run/test_prod_scenarios.py checks the two agree. The deleted
# files' noncurrent versions then go with the lake bucket's lifecycle. The root (terraform/main.tf)
# calls it for the incremental silver tables.

locals {
  glue_arn_prefix = "arn:${var.context.partition}:glue:${var.context.region}:${var.context.account_id}"

  snapshot_age_seconds = var.snapshot_age_days * 86400

  # One step per statement, table by table, in the order of var.tables.
  steps = flatten([
    for table in var.tables : [
      { name = "${table} set snapshot age", sql = format("alter table %s set tblproperties ('vacuum_max_snapshot_age_seconds' = '%d')", table, local.snapshot_age_seconds) },
      { name = "${table} optimize", sql = format("optimize %s rewrite data using bin_pack", table) },
      { name = "${table} vacuum", sql = format("vacuum %s", table) },
    ]
  ])

  states = {
    for index, step in local.steps : step.name => merge(
      {
        Type     = "Task"
        Resource = "arn:${var.context.partition}:states:::athena:startQueryExecution.sync"
        Parameters = {
          QueryString           = step.sql
          WorkGroup             = var.workgroup.name
          QueryExecutionContext = { Database = var.database_name }
        }
        # Athena answers ICEBERG_OPTIMIZE_MORE_RUNS_NEEDED when a large table needs several
        # OPTIMIZE runs, and a commit can lose to a concurrent one: run the statement again.
        Retry = [{
          ErrorEquals     = ["States.TaskFailed"]
          IntervalSeconds = 60
          MaxAttempts     = 5
          BackoffRate     = 2
        }]
      },
      index == length(local.steps) - 1 ? { End = true } : { Next = local.steps[index + 1].name },
    )
  }
}

# ---------------------------------------------------------------------------------------------
# The state machine (modules/state_machine: encrypted, logged, traced; its role and schedule)
# ---------------------------------------------------------------------------------------------

module "state_machine" {
  source = "../state_machine"

  context     = var.context
  name        = "iceberg-maintenance"
  description = "finlake Iceberg maintenance: OPTIMIZE and VACUUM of the incremental tables through Athena."
  definition = jsonencode({
    Comment = "finlake Iceberg maintenance: OPTIMIZE and VACUUM of the incremental tables (macros/maintenance/iceberg_maintenance.sql)."
    StartAt = local.steps[0].name
    States  = local.states
  })
  policy_json = data.aws_iam_policy_document.state_machine.json
  schedule = {
    expression  = var.schedule_expression
    description = "Starts the Iceberg maintenance of the incremental tables."
  }
  kms_key_arn = var.lake.kms_key_arn
}

# What the executions' tasks do; the module adds the key, log and trace permissions.
data "aws_iam_policy_document" "state_machine" {
  # Queries in the workgroup, their results and the lake key: the transformation role's own
  # statements (access_roles output dbt_workgroup_query_policy_json), so they cannot drift apart.
  source_policy_documents = [var.workgroup_query_policy_json]

  statement {
    # OPTIMIZE and VACUUM commit a new snapshot: Athena updates the table's Glue entry.
    sid     = "CommitTheTables"
    actions = ["glue:GetDatabase", "glue:GetTable", "glue:UpdateTable"]
    resources = concat(
      [
        "${local.glue_arn_prefix}:catalog",
        "${local.glue_arn_prefix}:database/${var.database_name}",
      ],
      # A table may live in another database than the query context (a write-audit-publish
      # slot); the policy document's resources are a set, so each database appears once.
      [for table in var.tables : "${local.glue_arn_prefix}:database/${split(".", table)[0]}"],
      [for table in var.tables : "${local.glue_arn_prefix}:table/${replace(table, ".", "/")}"],
    )
  }

  statement {
    sid       = "ListTheZone"
    actions   = ["s3:ListBucket"]
    resources = [var.lake.bucket_arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = flatten([for prefix in var.zone_prefixes : [trimsuffix(prefix, "/"), "${prefix}*"]])
    }
  }

  statement {
    # OPTIMIZE writes the compacted files; VACUUM deletes the expired ones.
    sid       = "RewriteTheZones"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]
    resources = [for prefix in var.zone_prefixes : "${var.lake.bucket_arn}/${prefix}*"]
  }
}
