# An Athena workgroup on engine version 3 (Trino) whose settings clients cannot override:
# results go to the workgroup's own prefix of the results bucket, encrypted with the lake key,
# and a query that would scan more than the cutoff is cancelled.

locals {
  results_prefix  = "${var.purpose}/"
  output_location = "s3://${var.lake.results_bucket_name}/${local.results_prefix}"
}

resource "aws_athena_workgroup" "this" {
  name        = "${var.context.name_prefix}-${var.purpose}"
  description = "${var.context.name_prefix}: queries of ${var.purpose}."
  state       = "ENABLED"

  configuration {
    enforce_workgroup_configuration    = true
    publish_cloudwatch_metrics_enabled = true
    bytes_scanned_cutoff_per_query     = var.bytes_scanned_cutoff_per_query
    requester_pays_enabled             = false

    engine_version {
      selected_engine_version = "Athena engine version 3"
    }

    result_configuration {
      output_location       = local.output_location
      expected_bucket_owner = var.context.account_id

      encryption_configuration {
        encryption_option = "SSE_KMS"
        kms_key_arn       = var.lake.kms_key_arn
      }

      acl_configuration {
        s3_acl_option = "BUCKET_OWNER_FULL_CONTROL"
      }
    }
  }
}
