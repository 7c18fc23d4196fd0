# Lake storage: one customer-managed KMS key and three buckets, each a secure_bucket module.
#
#   lake            landing/ bronze/ silver/ gold/ ml/ (+ scripts/ for the Glue job's code)
#                   one bucket, zones as prefixes: IAM scopes every role to its prefixes
#   athena_results  query results, one prefix per Athena workgroup, expired quickly
#   access_logs     S3 server access logs of the two buckets above
#
# Every bucket (modules/secure_bucket): SSE-KMS with the key and bucket keys, versioning, public
# access fully blocked, ACLs disabled, TLS-only, uploads with another algorithm or key denied,
# lifecycle rules. What differs between the three is below: retention, logging, events.

locals {
  zones             = ["landing", "bronze", "silver", "gold", "ml"]
  access_log_prefix = "s3-access"
  # Where dbt writes its Iceberg tables (silver/<schema>/<table>/<uuid>/, gold/...; reference
  # seeds live in silver/). Every rebuild writes new objects and deletes the old ones, which
  # versioning keeps as noncurrent versions: they go after rebuilt_table_version_retention_days.
  rebuilt_table_zones = ["silver", "gold"]
}

# ---------------------------------------------------------------------------------------------
# KMS key
# ---------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "kms_key" {
  #checkov:skip=CKV_AWS_109:Key policy: Resource "*" means this key only; the root statement delegates to IAM policies, which name the key ARN.
  #checkov:skip=CKV_AWS_111:Key policy: Resource "*" means this key only; the root statement delegates to IAM policies, which name the key ARN.
  #checkov:skip=CKV_AWS_356:Key policy: Resource "*" means this key only (a key policy cannot name another resource).

  statement {
    sid = "EnableIamPolicies"
    # AWS's default key statement: the account's IAM policies decide who may use the key. Without
    # it the key can become unmanageable. In a key policy, Resource "*" means this key.
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${var.context.partition}:iam::${var.context.account_id}:root"]
    }
  }

  statement {
    sid = "AllowCloudWatchLogsForGlue"
    # The Glue security configuration encrypts job logs; CloudWatch Logs needs the key for that,
    # only for log groups under /aws-glue/ in this account and region. Resource "*" = this key.
    actions = [
      "kms:Encrypt",
      "kms:Decrypt",
      "kms:ReEncrypt*",
      "kms:GenerateDataKey*",
      "kms:DescribeKey",
    ]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${var.context.region}.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${var.context.partition}:logs:${var.context.region}:${var.context.account_id}:log-group:/aws-glue/*"]
    }
  }

  statement {
    sid = "AllowS3ServerAccessLogDelivery"
    # S3 delivers server access logs into the SSE-KMS access-log bucket as the logging service
    # principal, for buckets of this account only. Resource "*" = this key.
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logging.s3.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.context.account_id]
    }
  }
}

resource "aws_kms_key" "this" {
  description             = "${var.context.name_prefix}: encrypts the lake, Athena results, access logs, Glue logs and bookmarks"
  enable_key_rotation     = true
  deletion_window_in_days = var.context.kms_deletion_window_days
  policy                  = data.aws_iam_policy_document.kms_key.json
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.context.name_prefix}-lake"
  target_key_id = aws_kms_key.this.key_id
}

# ---------------------------------------------------------------------------------------------
# What the access-log bucket allows beyond the secure_bucket policy: S3 log delivery
# ---------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "access_logs_delivery" {
  statement {
    sid       = "AllowS3ServerAccessLogDelivery"
    actions   = ["s3:PutObject"]
    resources = ["${module.access_logs.arn}/${local.access_log_prefix}/*"]

    principals {
      type        = "Service"
      identifiers = ["logging.s3.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.context.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [module.lake.arn, module.athena_results.arn]
    }
  }
}

# ---------------------------------------------------------------------------------------------
# The three buckets
# ---------------------------------------------------------------------------------------------

module "lake" {
  source = "../secure_bucket"

  context             = var.context
  purpose             = "lake"
  data_classification = "restricted"
  kms_key_arn         = aws_kms_key.this.arn
  access_log_bucket   = module.access_logs.id
  access_log_prefix   = local.access_log_prefix
  retention_days      = { noncurrent_versions = var.retention_days.noncurrent_versions }
  eventbridge         = true

  prefix_rules = concat(
    [{ id = "expire-landing-extracts", prefix = "landing/", expiration_days = var.retention_days.landing }],
    [
      for zone in local.rebuilt_table_zones : {
        id              = "expire-replaced-${zone}-table-objects"
        prefix          = "${zone}/"
        noncurrent_days = var.retention_days.rebuilt_table_versions
      }
    ],
  )
}

module "athena_results" {
  source = "../secure_bucket"

  context             = var.context
  purpose             = "athena-results"
  data_classification = "restricted"
  kms_key_arn         = aws_kms_key.this.arn
  access_log_bucket   = module.access_logs.id
  access_log_prefix   = local.access_log_prefix
  retention_days      = { noncurrent_versions = 1, incomplete_multipart_uploads = 1 }

  prefix_rules = [{ id = "expire-query-results", prefix = "", expiration_days = var.retention_days.athena_results }]
}

module "access_logs" {
  source = "../secure_bucket"

  context             = var.context
  purpose             = "access-logs"
  data_classification = "internal"
  kms_key_arn         = aws_kms_key.this.arn
  access_log_bucket   = null # the log destination does not log into itself
  policy_documents    = [data.aws_iam_policy_document.access_logs_delivery.json]
  retention_days      = { noncurrent_versions = var.retention_days.noncurrent_versions }

  prefix_rules = [{ id = "expire-access-logs", prefix = "", expiration_days = var.retention_days.access_logs }]
}
