# The ingestion job on AWS Glue 5.0 (Spark 3.5, Python 3.11): the same code that runs locally,
# ingestion/glue_job.py as the entry script and the finlake/ and ingestion/ packages as a zip on
# --extra-py-files. Both are uploaded by Terraform, encrypted with the lake key, and replaced
# whenever a source file changes.

locals {
  # This module lives at terraform/modules/ingestion_job in the repository.
  repo_root     = abspath("${path.module}/../../..")
  script_prefix = "scripts/ingestion"

  package_files = sort(tolist(setunion(
    fileset(local.repo_root, "finlake/**/*.py"),
    fileset(local.repo_root, "finlake/**/*.yml"),
    fileset(local.repo_root, "ingestion/**/*.py"),
  )))
  # A content hash of the sources (names and bytes), not of the zip: zip metadata must not cause
  # a re-upload when no source changed.
  package_hash = sha256(join("\n", [for file in local.package_files : "${file} ${filesha256("${local.repo_root}/${file}")}"]))

  security_configuration_name = "${var.context.name_prefix}-ingestion"

  # With a security configuration attached, Glue writes to these log groups (and encrypts them
  # with its key). Creating them here sets their retention; Glue would create them without one.
  log_group_names = {
    output     = "/aws-glue/jobs/${local.security_configuration_name}-role/${var.role_name}/output"
    error      = "/aws-glue/jobs/${local.security_configuration_name}-role/${var.role_name}/error"
    continuous = "/aws-glue/jobs/logs-v2-${local.security_configuration_name}"
  }

  job_arguments = {
    "--job-language"                     = "python"
    "--landing_uri"                      = "s3://${var.lake.bucket_name}/landing"
    "--bronze_uri"                       = "s3://${var.lake.bucket_name}/bronze"
    "--extra-py-files"                   = "s3://${aws_s3_object.package.bucket}/${aws_s3_object.package.key}"
    "--job-bookmark-option"              = "job-bookmark-disable"
    "--enable-metrics"                   = "true"
    "--enable-continuous-cloudwatch-log" = "true"
    "--pii_key_secret_id"                = aws_secretsmanager_secret.this.name
  }
  optional_job_arguments = length(var.job.additional_python_modules) > 0 ? { "--additional-python-modules" = join(",", var.job.additional_python_modules) } : {}
}

# ---------------------------------------------------------------------------------------------
# Code
# ---------------------------------------------------------------------------------------------

module "package" {
  source = "../repository_zip"

  context = var.context
  name    = "ingestion-packages"
  files   = local.package_files
}

resource "aws_s3_object" "script" {
  bucket                 = var.lake.bucket_name
  key                    = "${local.script_prefix}/glue_job.py"
  source                 = "${local.repo_root}/ingestion/glue_job.py"
  source_hash            = filesha256("${local.repo_root}/ingestion/glue_job.py")
  content_type           = "text/x-python"
  server_side_encryption = "aws:kms"
  kms_key_id             = var.lake.kms_key_arn
}

resource "aws_s3_object" "package" {
  bucket                 = var.lake.bucket_name
  key                    = "${local.script_prefix}/finlake-packages.zip"
  source                 = module.package.path
  source_hash            = local.package_hash
  content_type           = "application/zip"
  server_side_encryption = "aws:kms"
  kms_key_id             = var.lake.kms_key_arn
}

# ---------------------------------------------------------------------------------------------
# Encryption and logs
# ---------------------------------------------------------------------------------------------

resource "aws_glue_security_configuration" "this" {
  name = local.security_configuration_name

  encryption_configuration {
    cloudwatch_encryption {
      cloudwatch_encryption_mode = "SSE-KMS"
      kms_key_arn                = var.lake.kms_key_arn
    }

    job_bookmarks_encryption {
      job_bookmarks_encryption_mode = "CSE-KMS"
      kms_key_arn                   = var.lake.kms_key_arn
    }

    s3_encryption {
      s3_encryption_mode = "SSE-KMS"
      kms_key_arn        = var.lake.kms_key_arn
    }
  }
}

resource "aws_cloudwatch_log_group" "this" {
  for_each = local.log_group_names

  name              = each.value
  retention_in_days = var.context.log_retention_days
  kms_key_id        = var.lake.kms_key_arn
}

# ---------------------------------------------------------------------------------------------
# Job and schedule
# ---------------------------------------------------------------------------------------------

resource "aws_glue_job" "this" {
  name                   = "${var.context.name_prefix}-ingestion"
  description            = "finlake ingestion: landing CSV extracts to bronze Parquet, with malformed-line capture and a load ledger."
  role_arn               = var.role_arn
  glue_version           = "5.0"
  worker_type            = var.job.worker_type
  number_of_workers      = var.job.number_of_workers
  execution_class        = var.job.execution_class
  timeout                = var.job.timeout_minutes
  max_retries            = var.job.max_retries
  security_configuration = aws_glue_security_configuration.this.name

  command {
    name            = "glueetl"
    script_location = "s3://${aws_s3_object.script.bucket}/${aws_s3_object.script.key}"
    python_version  = "3"
  }

  # Job bookmarks stay off: the job keeps its own ledger (bronze/_load_log) of files loaded.
  default_arguments = merge(local.job_arguments, local.optional_job_arguments)

  # One run at a time: the load ledger assumes a single writer.
  execution_property {
    max_concurrent_runs = 1
  }

  depends_on = [aws_cloudwatch_log_group.this]
}

resource "aws_glue_trigger" "this" {
  count = var.job.schedule == null ? 0 : 1

  name              = "${var.context.name_prefix}-ingestion-schedule"
  description       = "Runs the ingestion job on its schedule."
  type              = "SCHEDULED"
  schedule          = var.job.schedule
  start_on_creation = true

  actions {
    job_name = aws_glue_job.this.name
  }
}

# ---------------------------------------------------------------------------------------------
# Tokenisation key (ingestion/pii.py): personal data is tokenised (HMAC-SHA256) by this job, so
# the key lives only here and in the job's memory: no SQL on Athena, and no dbt artefact, ever
# holds it. Terraform creates the empty secret; its value is put once, out of band, so it is not
# in the state either:
#   aws secretsmanager put-secret-value --secret-id <pii_key_secret_name> \
#       --secret-string "$(openssl rand -hex 32)"
# ---------------------------------------------------------------------------------------------

resource "aws_secretsmanager_secret" "this" {
  #checkov:skip=CKV2_AWS_57:Rotating an HMAC tokenisation key changes every token (joins across loads break); rotation is a planned re-tokenisation, not a schedule.
  name        = "${var.context.name_prefix}-pii-key"
  description = "Tokenisation key (hex, 32 bytes) for personal data; read only by the ingestion job."
  kms_key_id  = var.lake.kms_key_arn
}

data "aws_iam_policy_document" "pii_key" {
  statement {
    sid       = "ReadTheTokenisationKey"
    effect    = "Allow"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.this.arn]
  }

  statement {
    sid       = "DecryptTheSecret"
    effect    = "Allow"
    actions   = ["kms:Decrypt"]
    resources = [var.lake.kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.${var.context.region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "${var.context.name_prefix}-ingestion-pii-key"
  role   = var.role_name
  policy = data.aws_iam_policy_document.pii_key.json
}
