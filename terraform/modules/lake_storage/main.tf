# Lake storage: one customer-managed KMS key and three buckets.
#
#   lake            landing/ bronze/ silver/ gold/ ml/ (+ scripts/ for the Glue job's code)
#                   one bucket, zones as prefixes: IAM scopes every role to its prefixes
#   athena_results  query results, one prefix per Athena workgroup, expired quickly
#   access_logs     S3 server access logs of the two buckets above
#
# Every bucket: SSE-KMS with the key and bucket keys, versioning, public access fully blocked,
# ACLs disabled, TLS-only, uploads with another algorithm or key denied, lifecycle rules.

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

data "aws_partition" "current" {}

locals {
  name_prefix = "${var.project}-${var.environment}"
  account_id  = data.aws_caller_identity.current.account_id
  region      = data.aws_region.current.name
  partition   = data.aws_partition.current.partition

  # Bucket names are global: the account id and region make them unique without typing either.
  bucket_names = {
    lake           = "${local.name_prefix}-lake-${local.account_id}-${local.region}"
    athena_results = "${local.name_prefix}-athena-results-${local.account_id}-${local.region}"
    access_logs    = "${local.name_prefix}-access-logs-${local.account_id}-${local.region}"
  }
  # ARNs built from the names (not from the bucket resources) so the key policy and the bucket
  # policies can name the buckets without a dependency cycle.
  bucket_arns = { for key, name in local.bucket_names : key => "arn:${local.partition}:s3:::${name}" }

  zones             = ["landing", "bronze", "silver", "gold", "ml"]
  access_log_prefix = "s3-access"
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
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
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
      identifiers = ["logs.${local.region}.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws-glue/*"]
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
      values   = [local.account_id]
    }
  }
}

resource "aws_kms_key" "this" {
  description             = "${local.name_prefix}: encrypts the lake, Athena results, access logs, Glue logs and bookmarks"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_days
  policy                  = data.aws_iam_policy_document.kms_key.json
}

resource "aws_kms_alias" "this" {
  name          = "alias/${local.name_prefix}-lake"
  target_key_id = aws_kms_key.this.key_id
}

# ---------------------------------------------------------------------------------------------
# Bucket policy shared by all three buckets
# ---------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "bucket_guard" {
  for_each = local.bucket_arns

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [each.value, "${each.value}/*"]

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

  statement {
    # A request that names an algorithm must name SSE-KMS; a request that names none gets the
    # bucket default (SSE-KMS with the lake key).
    sid       = "DenyOtherEncryptionAlgorithms"
    effect    = "Deny"
    actions   = ["s3:PutObject"]
    resources = ["${each.value}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "StringNotEqualsIfExists"
      variable = "s3:x-amz-server-side-encryption"
      values   = ["aws:kms"]
    }
  }

  statement {
    sid       = "DenyOtherKmsKeys"
    effect    = "Deny"
    actions   = ["s3:PutObject"]
    resources = ["${each.value}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "StringNotEqualsIfExists"
      variable = "s3:x-amz-server-side-encryption-aws-kms-key-id"
      values   = [aws_kms_key.this.arn]
    }
  }

  statement {
    # "aws:kms" without a key id would encrypt with the AWS managed aws/s3 key, not the lake key.
    sid       = "DenyKmsWithoutTheLakeKey"
    effect    = "Deny"
    actions   = ["s3:PutObject"]
    resources = ["${each.value}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "StringEquals"
      variable = "s3:x-amz-server-side-encryption"
      values   = ["aws:kms"]
    }

    condition {
      test     = "Null"
      variable = "s3:x-amz-server-side-encryption-aws-kms-key-id"
      values   = ["true"]
    }
  }
}

data "aws_iam_policy_document" "access_logs_bucket" {
  source_policy_documents = [data.aws_iam_policy_document.bucket_guard["access_logs"].json]

  statement {
    sid       = "AllowS3ServerAccessLogDelivery"
    actions   = ["s3:PutObject"]
    resources = ["${local.bucket_arns.access_logs}/${local.access_log_prefix}/*"]

    principals {
      type        = "Service"
      identifiers = ["logging.s3.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [local.bucket_arns.lake, local.bucket_arns.athena_results]
    }
  }
}

# ---------------------------------------------------------------------------------------------
# Lake bucket
# ---------------------------------------------------------------------------------------------

resource "aws_s3_bucket" "lake" {
  #checkov:skip=CKV_AWS_144:Single-region by design (data residency); versioning and the noncurrent-version window cover accidental loss. Add replication in a DR stack if the bank's policy requires it.
  bucket = local.bucket_names.lake

  tags = {
    purpose             = "lake"
    data_classification = "restricted"
  }
}

resource "aws_s3_bucket_ownership_controls" "lake" {
  bucket = aws_s3_bucket.lake.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "lake" {
  bucket = aws_s3_bucket.lake.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "lake" {
  bucket = aws_s3_bucket.lake.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "lake" {
  bucket = aws_s3_bucket.lake.id

  rule {
    bucket_key_enabled = true

    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.this.arn
    }
  }
}

resource "aws_s3_bucket_policy" "lake" {
  bucket = aws_s3_bucket.lake.id
  policy = data.aws_iam_policy_document.bucket_guard["lake"].json

  depends_on = [aws_s3_bucket_public_access_block.lake]
}

resource "aws_s3_bucket_logging" "lake" {
  bucket        = aws_s3_bucket.lake.id
  target_bucket = aws_s3_bucket.access_logs.id
  target_prefix = "${local.access_log_prefix}/lake/"

  target_object_key_format {
    partitioned_prefix {
      partition_date_source = "EventTime"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "lake" {
  bucket = aws_s3_bucket.lake.id

  rule {
    id     = "expire-landing-extracts"
    status = "Enabled"

    filter {
      prefix = "landing/"
    }

    expiration {
      days = var.landing_retention_days
    }
  }

  rule {
    id     = "clean-up-old-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_retention_days
    }

    expiration {
      expired_object_delete_marker = true
    }
  }

  rule {
    id     = "abort-incomplete-multipart-uploads"
    status = "Enabled"

    filter {}

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.lake]
}

# Object-level events go to EventBridge (free for AWS service events), so a rule can start the
# ingestion job when an extract lands, without changing this module.
resource "aws_s3_bucket_notification" "lake" {
  bucket      = aws_s3_bucket.lake.id
  eventbridge = true
}

# ---------------------------------------------------------------------------------------------
# Athena results bucket
# ---------------------------------------------------------------------------------------------

resource "aws_s3_bucket" "athena_results" {
  #checkov:skip=CKV_AWS_144:Query results are disposable (expired after days); replicating them would copy restricted data for no recovery value.
  #checkov:skip=CKV2_AWS_62:Nothing reacts to new query results; Athena reports completion through its own API and EventBridge events.
  bucket = local.bucket_names.athena_results

  tags = {
    purpose             = "athena-results"
    data_classification = "restricted"
  }
}

resource "aws_s3_bucket_ownership_controls" "athena_results" {
  bucket = aws_s3_bucket.athena_results.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "athena_results" {
  bucket = aws_s3_bucket.athena_results.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "athena_results" {
  bucket = aws_s3_bucket.athena_results.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "athena_results" {
  bucket = aws_s3_bucket.athena_results.id

  rule {
    bucket_key_enabled = true

    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.this.arn
    }
  }
}

resource "aws_s3_bucket_policy" "athena_results" {
  bucket = aws_s3_bucket.athena_results.id
  policy = data.aws_iam_policy_document.bucket_guard["athena_results"].json

  depends_on = [aws_s3_bucket_public_access_block.athena_results]
}

resource "aws_s3_bucket_logging" "athena_results" {
  bucket        = aws_s3_bucket.athena_results.id
  target_bucket = aws_s3_bucket.access_logs.id
  target_prefix = "${local.access_log_prefix}/athena-results/"

  target_object_key_format {
    partitioned_prefix {
      partition_date_source = "EventTime"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "athena_results" {
  bucket = aws_s3_bucket.athena_results.id

  rule {
    id     = "expire-query-results"
    status = "Enabled"

    filter {}

    expiration {
      days = var.athena_results_retention_days
    }

    noncurrent_version_expiration {
      noncurrent_days = 1
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  depends_on = [aws_s3_bucket_versioning.athena_results]
}

# ---------------------------------------------------------------------------------------------
# Access-log bucket
# ---------------------------------------------------------------------------------------------

resource "aws_s3_bucket" "access_logs" {
  #checkov:skip=CKV_AWS_18:This is the access-log destination; logging it into itself would log its own log deliveries without end.
  #checkov:skip=CKV_AWS_144:Audit logs stay in the region they describe (data residency); versioning keeps overwritten or deleted log objects for the noncurrent window.
  #checkov:skip=CKV2_AWS_62:Nothing reacts to log delivery; logs are read in bulk (Athena) when needed.
  bucket = local.bucket_names.access_logs

  tags = {
    purpose             = "access-logs"
    data_classification = "internal"
  }
}

resource "aws_s3_bucket_ownership_controls" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  rule {
    bucket_key_enabled = true

    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.this.arn
    }
  }
}

resource "aws_s3_bucket_policy" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id
  policy = data.aws_iam_policy_document.access_logs_bucket.json

  depends_on = [aws_s3_bucket_public_access_block.access_logs]
}

resource "aws_s3_bucket_lifecycle_configuration" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  rule {
    id     = "expire-access-logs"
    status = "Enabled"

    filter {}

    expiration {
      days = var.access_log_retention_days
    }

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_retention_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.access_logs]
}
