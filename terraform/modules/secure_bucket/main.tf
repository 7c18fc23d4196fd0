# One secure S3 bucket: SSE-KMS with the given key and bucket keys, versioning, public access
# fully blocked, ACLs disabled, a policy that denies requests without TLS and uploads with another
# algorithm or key, server access logging (except into itself), and lifecycle rules that always
# clean up noncurrent versions and incomplete multipart uploads. lake_storage uses it three
# times (lake, Athena results, access logs); a new bucket should too.

locals {
  # Bucket names are global: the account id and region make them unique without typing either.
  bucket_name = "${var.context.name_prefix}-${var.purpose}-${var.context.account_id}-${var.context.region}"

  # The uploads the bucket policy denies, by statement id: each a list of conditions that all hold.
  denied_uploads = {
    # A request that names an algorithm must name SSE-KMS.
    DenyOtherEncryptionAlgorithms = [
      { test = "StringNotEqualsIfExists", variable = "s3:x-amz-server-side-encryption", values = ["aws:kms"] },
    ]
    DenyOtherKmsKeys = [
      { test = "StringNotEqualsIfExists", variable = "s3:x-amz-server-side-encryption-aws-kms-key-id", values = [var.kms_key_arn] },
    ]
    # "aws:kms" without a key id would encrypt with the AWS managed aws/s3 key, not this key.
    DenyKmsWithoutTheKey = [
      { test = "StringEquals", variable = "s3:x-amz-server-side-encryption", values = ["aws:kms"] },
      { test = "Null", variable = "s3:x-amz-server-side-encryption-aws-kms-key-id", values = ["true"] },
    ]
  }
}

resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV_AWS_144:Single-region by design (data residency); versioning and the noncurrent-version window cover accidental loss. Add replication in a DR stack if the bank's policy requires it.
  #checkov:skip=CKV_AWS_18:Logging is on for every bucket but the access-log destination (var.access_log_bucket null), which would otherwise log its own log deliveries without end; lake_storage passes it for the others.
  #checkov:skip=CKV2_AWS_62:Event notifications are on where something reacts (the lake, var.eventbridge); query results and access logs are read in bulk, nothing reacts to a new object.
  bucket = local.bucket_name

  tags = {
    purpose             = var.purpose
    data_classification = var.data_classification
  }
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket = aws_s3_bucket.this.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    bucket_key_enabled = true

    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
  }
}

data "aws_iam_policy_document" "this" {
  # Statements of the caller (e.g. the log delivery the access-log bucket allows) come first.
  source_policy_documents = var.policy_documents

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]

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

  # Every upload is SSE-KMS with this key. A request that names no algorithm gets the bucket
  # default (SSE-KMS with the key); whoever names something else is denied s3:PutObject, one
  # statement per way of getting it wrong (local.denied_uploads).
  dynamic "statement" {
    for_each = local.denied_uploads

    content {
      sid       = statement.key
      effect    = "Deny"
      actions   = ["s3:PutObject"]
      resources = ["${aws_s3_bucket.this.arn}/*"]

      principals {
        type        = "*"
        identifiers = ["*"]
      }

      dynamic "condition" {
        for_each = statement.value

        content {
          test     = condition.value.test
          variable = condition.value.variable
          values   = condition.value.values
        }
      }
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.this.json

  depends_on = [aws_s3_bucket_public_access_block.this]
}

resource "aws_s3_bucket_logging" "this" {
  count = var.access_log_bucket == null ? 0 : 1

  bucket        = aws_s3_bucket.this.id
  target_bucket = var.access_log_bucket
  target_prefix = "${var.access_log_prefix}/${var.purpose}/"

  target_object_key_format {
    partitioned_prefix {
      partition_date_source = "EventTime"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  # What the caller adds: objects under a prefix expire, or their noncurrent versions go sooner.
  # Where rules overlap, S3 applies the shortest expiration.
  dynamic "rule" {
    for_each = var.prefix_rules

    content {
      id     = rule.value.id
      status = "Enabled"

      filter {
        prefix = rule.value.prefix
      }

      dynamic "expiration" {
        for_each = rule.value.expiration_days == null ? [] : [rule.value.expiration_days]

        content {
          days = expiration.value
        }
      }

      dynamic "noncurrent_version_expiration" {
        for_each = rule.value.noncurrent_days == null ? [] : [rule.value.noncurrent_days]

        content {
          noncurrent_days = noncurrent_version_expiration.value
        }
      }
    }
  }

  rule {
    id     = "clean-up-old-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.retention_days.noncurrent_versions
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
      days_after_initiation = var.retention_days.incomplete_multipart_uploads
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

# Object-level events go to EventBridge (free for AWS service events), so a rule can start a
# job when an object lands, without changing this module.
resource "aws_s3_bucket_notification" "this" {
  count = var.eventbridge ? 1 : 0

  bucket      = aws_s3_bucket.this.id
  eventbridge = true
}
