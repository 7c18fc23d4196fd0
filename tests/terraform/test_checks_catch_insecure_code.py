"""The checks can fail: insecure Terraform, written to tmp_path, is flagged by the same functions
that pass the real configuration. Most cases copy a real module and break one line of it, so
the checks are shown to catch a regression in the code they guard, not only in toy snippets."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.terraform.checks import (
    bucket_findings,
    glue_findings,
    hardcoding_findings,
    iam_findings,
    kms_findings,
    naming_findings,
    output_findings,
    role_scope_findings,
    trust_findings,
    variable_findings,
    workgroup_findings,
)
from tests.terraform.test_access import SCOPES
from tests.terraform.tfconfig import MODULES, Module, load_module


def copy_module(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(MODULES / name, target, ignore=shutil.ignore_patterns(".terraform"))
    return target


def mutated(name: str, tmp_path: Path, old: str, new: str, file: str = "main.tf") -> Module:
    """A copy of terraform/modules/<name> with the first `old` in `file` replaced by `new`."""
    directory = copy_module(name, tmp_path)
    path = directory / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"the mutation no longer applies: {old!r} is not in {name}/{file}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return load_module(directory)


def snippet(tmp_path: Path, text: str) -> Module:
    directory = tmp_path / "snippet"
    directory.mkdir()
    (directory / "main.tf").write_text(text, encoding="utf-8")
    return load_module(directory)


def assert_flagged(findings: list[str], expected: str) -> None:
    assert any(expected in finding for finding in findings), f"{expected!r} not in {findings}"


@pytest.mark.parametrize(
    "name",
    [
        "lake_storage",
        "secure_bucket",
        "access_roles",
        "query_workgroup",
        "ingestion_job",
        "catalog",
    ],
)
def test_unmodified_copies_pass(tmp_path, name):
    """Control: the copies themselves are clean, so every finding below comes from the mutation."""
    module = load_module(copy_module(name, tmp_path))
    findings = (
        bucket_findings(module)
        + kms_findings(module)
        + iam_findings(module)
        + workgroup_findings(module)
        + glue_findings(module)
        + variable_findings(module)
        + output_findings(module)
        + naming_findings(module)
    )
    if name == "access_roles":
        findings += role_scope_findings(module, SCOPES) + trust_findings(module)
    assert findings == []


# -- storage ------------------------------------------------------------------------------------


def test_a_bucket_without_encryption_is_flagged(tmp_path):
    module = snippet(
        tmp_path,
        """
resource "aws_s3_bucket" "raw" {
  bucket = "${var.name_prefix}-raw"
}

resource "aws_s3_bucket_public_access_block" "raw" {
  bucket                  = aws_s3_bucket.raw.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
""",
    )
    findings = bucket_findings(module)
    assert_flagged(findings, "aws_s3_bucket.raw has no default encryption")
    assert_flagged(findings, "versioning is not enabled")
    assert_flagged(findings, "has no bucket policy")
    assert not any("public access block" in f for f in findings)


def test_a_hard_coded_bucket_name_is_flagged(tmp_path):
    module = mutated(
        "secure_bucket", tmp_path, "bucket = local.bucket_name", 'bucket = "finlake-prod-lake"'
    )
    assert_flagged(bucket_findings(module), "hard-coded bucket name")


def test_sse_s3_instead_of_the_cmk_is_flagged(tmp_path):
    module = mutated(
        "secure_bucket", tmp_path, 'sse_algorithm     = "aws:kms"', 'sse_algorithm     = "AES256"'
    )
    assert_flagged(bucket_findings(module), "default encryption is 'AES256', not aws:kms")


def test_the_aws_managed_key_instead_of_the_cmk_is_flagged(tmp_path):
    module = mutated(
        "secure_bucket",
        tmp_path,
        "kms_master_key_id = var.kms_key_arn",
        'kms_master_key_id = "alias/aws/s3"',
    )
    assert_flagged(bucket_findings(module), "does not use the customer-managed key")


def test_missing_bucket_keys_are_flagged(tmp_path):
    module = mutated(
        "secure_bucket", tmp_path, "bucket_key_enabled = true", "bucket_key_enabled = false"
    )
    assert_flagged(bucket_findings(module), "without bucket keys")


def test_a_public_access_flag_left_off_is_flagged(tmp_path):
    module = mutated(
        "secure_bucket",
        tmp_path,
        "restrict_public_buckets = true",
        "restrict_public_buckets = false",
    )
    assert_flagged(bucket_findings(module), "leaves restrict_public_buckets off")


def test_suspended_versioning_is_flagged(tmp_path):
    module = mutated("secure_bucket", tmp_path, 'status = "Enabled"', 'status = "Suspended"')
    assert_flagged(bucket_findings(module), "versioning is not enabled")


def test_a_bucket_policy_without_the_tls_deny_is_flagged(tmp_path):
    module = mutated(
        "secure_bucket",
        tmp_path,
        'variable = "aws:SecureTransport"',
        'variable = "aws:ViaAWSService"',
    )
    findings = bucket_findings(module)
    assert_flagged(
        findings, "aws_s3_bucket.this: the bucket policy does not deny requests without TLS"
    )


def test_a_bucket_policy_that_accepts_any_kms_key_is_flagged(tmp_path):
    module = mutated(
        "secure_bucket",
        tmp_path,
        'variable = "s3:x-amz-server-side-encryption-aws-kms-key-id"\n      values   = [var.kms_key_arn]',
        'variable = "s3:x-amz-server-side-encryption-context"\n      values   = [var.kms_key_arn]',
    )
    assert_flagged(bucket_findings(module), "does not deny uploads with another KMS key")


def test_a_bucket_without_access_logging_is_flagged(tmp_path):
    module = mutated(
        "secure_bucket",
        tmp_path,
        'resource "aws_s3_bucket_logging" "this"',
        'resource "null_resource" "this"',
    )
    assert_flagged(bucket_findings(module), "aws_s3_bucket.this has no server access logging")


def test_a_key_without_rotation_is_flagged(tmp_path):
    module = mutated(
        "lake_storage",
        tmp_path,
        "enable_key_rotation     = true",
        "enable_key_rotation     = false",
    )
    assert_flagged(kms_findings(module), "does not rotate")


# -- IAM ----------------------------------------------------------------------------------------


def test_star_on_star_is_flagged(tmp_path):
    module = snippet(
        tmp_path,
        """
data "aws_iam_policy_document" "admin" {
  statement {
    actions   = ["*"]
    resources = ["*"]
  }
}
""",
    )
    assert_flagged(iam_findings(module), "allows action * on resource *")


def test_a_policy_not_built_from_a_policy_document_is_flagged(tmp_path):
    module = snippet(
        tmp_path,
        """
resource "aws_iam_role_policy" "inline" {
  role   = "x"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }] })
}
""",
    )
    assert_flagged(iam_findings(module), "is not built with aws_iam_policy_document")


def test_resource_star_for_a_restrictable_action_is_flagged(tmp_path):
    module = mutated(
        "access_roles",
        tmp_path,
        'actions   = ["cloudwatch:PutMetricData"]',
        'actions   = ["cloudwatch:PutMetricData", "s3:GetObject"]',
    )
    assert_flagged(iam_findings(module), "grants ['s3:GetObject'] on Resource '*'")


def test_an_analyst_reading_silver_is_flagged(tmp_path):
    module = mutated(
        "access_roles",
        tmp_path,
        'sid       = "ReadGold"\n    actions   = ["s3:GetObject"]\n    resources = ["${var.lake_bucket_arn}/gold/*"]\n  }\n}',
        'sid       = "ReadGold"\n    actions   = ["s3:GetObject"]\n    resources = ["${var.lake_bucket_arn}/silver/*"]\n  }\n}',
    )
    assert_flagged(
        role_scope_findings(module, SCOPES),
        "role analyst, analyst/ReadGold reaches 'silver/*' of the lake",
    )


def test_ingestion_writing_landing_is_flagged(tmp_path):
    module = mutated(
        "access_roles",
        tmp_path,
        'resources = ["${var.lake_bucket_arn}/bronze/*"]\n  }\n\n  statement {\n    # Client-side',
        'resources = ["${var.lake_bucket_arn}/landing/*"]\n  }\n\n  statement {\n    # Client-side',
    )
    assert_flagged(
        role_scope_findings(module, SCOPES),
        "writes 'landing/*' of the lake; ingestion may write only",
    )


def test_listing_the_whole_lake_is_flagged(tmp_path):
    module = mutated("access_roles", tmp_path, 'values   = ["gold", "gold/*"]', 'values   = ["*"]')
    assert_flagged(role_scope_findings(module, SCOPES), "lists prefix '*' outside its zones")


def test_another_role_in_the_analyst_workgroup_results_is_flagged(tmp_path):
    module = mutated(
        "access_roles",
        tmp_path,
        'resources = ["${var.results_bucket_arn}/${each.value.results_prefix}*"]',
        'resources = ["${var.results_bucket_arn}/*"]',
    )
    assert_flagged(
        role_scope_findings(module, SCOPES),
        "of the results bucket; only its own workgroup's prefix",
    )


def test_a_role_using_any_kms_key_is_flagged(tmp_path):
    module = mutated(
        "access_roles",
        tmp_path,
        'actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"]\n    resources = [var.kms_key_arn]',
        'actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"]\n    resources = ["*"]',
    )
    assert_flagged(role_scope_findings(module, SCOPES), "uses KMS on ('*',); only the lake key")


def test_the_ml_role_writing_another_gold_table_is_flagged(tmp_path):
    module = mutated(
        "access_roles",
        tmp_path,
        "table/${var.database_names.gold}/customer_default_scores",
        "table/${var.database_names.gold}/*",
    )
    assert_flagged(
        role_scope_findings(module, SCOPES),
        "writes table '*' of gold; only ['customer_default_scores', 'model_monitoring']",
    )


def test_a_trust_policy_open_to_everyone_is_flagged(tmp_path):
    module = mutated("access_roles", tmp_path, "identifiers = each.value", 'identifiers = ["*"]')
    assert_flagged(trust_findings(module), "trusts every principal (*)")


def test_glue_trust_without_source_account_is_flagged(tmp_path):
    module = mutated(
        "access_roles", tmp_path, 'variable = "aws:SourceAccount"', 'variable = "aws:SourceOwner"'
    )
    assert_flagged(trust_findings(module), "without an aws:SourceAccount condition")


# -- Athena and Glue ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "enforce_workgroup_configuration    = true",
            "enforce_workgroup_configuration    = false",
            "lets clients override",
        ),
        ('"Athena engine version 3"', '"AUTO"', "not pinned to Athena engine version 3"),
        ('encryption_option = "SSE_KMS"', 'encryption_option = "SSE_S3"', "not SSE_KMS"),
        (
            "bytes_scanned_cutoff_per_query     = var.bytes_scanned_cutoff_per_query",
            "bytes_scanned_cutoff_per_query     = null",
            "sets no bytes_scanned_cutoff_per_query",
        ),
    ],
)
def test_weakened_workgroups_are_flagged(tmp_path, old, new, expected):
    assert_flagged(workgroup_findings(mutated("query_workgroup", tmp_path, old, new)), expected)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('"job-bookmark-disable"', '"job-bookmark-enable"', "does not disable job bookmarks"),
        ('glue_version           = "5.0"', 'glue_version           = "4.0"', "not 5.0"),
        (
            "security_configuration = aws_glue_security_configuration.this.name",
            "security_configuration = null",
            "has no security configuration",
        ),
        (
            'job_bookmarks_encryption_mode = "CSE-KMS"',
            'job_bookmarks_encryption_mode = "DISABLED"',
            "job_bookmarks_encryption is not CSE-KMS",
        ),
        (
            'cloudwatch_encryption_mode = "SSE-KMS"',
            'cloudwatch_encryption_mode = "DISABLED"',
            "cloudwatch_encryption is not SSE-KMS",
        ),
        (
            '{ "--additional-python-modules" = join(',
            '{ "--job-bookmark-option" = "job-bookmark-enable", "--additional-python-modules" = join(',
            "--job-bookmark-option may be overridden",
        ),
    ],
)
def test_weakened_glue_jobs_are_flagged(tmp_path, old, new, expected):
    assert_flagged(glue_findings(mutated("ingestion_job", tmp_path, old, new)), expected)


# -- conventions --------------------------------------------------------------------------------


def test_untyped_undescribed_and_unvalidated_variables_are_flagged(tmp_path):
    module = snippet(
        tmp_path,
        """
variable "retention" {
  type = number
}

variable "anything" {
  description = "Could be anything."
}

output "bucket" {
  value = "x"
}
""",
    )
    findings = variable_findings(module) + output_findings(module)
    assert_flagged(findings, "variable retention has no description")
    assert_flagged(findings, "variable retention is a number without a validation block")
    assert_flagged(findings, "variable anything has no type")
    assert_flagged(findings, "output bucket has no description")


def test_names_not_built_from_the_prefix_are_flagged(tmp_path):
    module = mutated(
        "query_workgroup",
        tmp_path,
        'name        = "${var.name_prefix}-${var.purpose}"',
        'name        = "analytics"',
    )
    assert_flagged(naming_findings(module), "is not named from var.name_prefix")


def test_account_ids_regions_and_credentials_are_flagged(tmp_path):
    file = tmp_path / "provider.tf"
    file.write_text(
        'provider "aws" {\n'
        '  region     = "eu-west-1"\n'
        '  access_key = "AKIAABCDEFGHIJKLMNOP"\n'  # pragma: allowlist secret
        "}\n"
        'locals { role = "arn:aws:iam::123456789012:role/admin" }\n',
        encoding="utf-8",
    )
    findings = hardcoding_findings([file])
    assert_flagged(findings, "provider.tf:2 names an AWS region")
    assert_flagged(findings, "provider.tf:3 holds an AWS access key id")
    assert_flagged(findings, "provider.tf:3 holds a credential attribute")
    assert_flagged(findings, "provider.tf:5 holds a 12-digit number")
    assert_flagged(findings, "provider.tf:5 writes the ARN partition literally")
