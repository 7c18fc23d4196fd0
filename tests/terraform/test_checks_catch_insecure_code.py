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


def scoped(module: Module) -> list[str]:
    return role_scope_findings(module, SCOPES)


# One line of a real module broken: (module, the line, its broken form, the check, what it says).
ONE_LINE_BREAKS = [
    pytest.param(
        "secure_bucket",
        "bucket = local.bucket_name",
        'bucket = "finlake-prod-lake"',
        bucket_findings,
        "hard-coded bucket name",
        id="a-hard-coded-bucket-name",
    ),
    pytest.param(
        "secure_bucket",
        'sse_algorithm     = "aws:kms"',
        'sse_algorithm     = "AES256"',
        bucket_findings,
        "default encryption is 'AES256', not aws:kms",
        id="sse-s3-instead-of-the-cmk",
    ),
    pytest.param(
        "secure_bucket",
        "kms_master_key_id = var.kms_key_arn",
        'kms_master_key_id = "alias/aws/s3"',
        bucket_findings,
        "does not use the customer-managed key",
        id="the-aws-managed-key-instead-of-the-cmk",
    ),
    pytest.param(
        "secure_bucket",
        "bucket_key_enabled = true",
        "bucket_key_enabled = false",
        bucket_findings,
        "without bucket keys",
        id="missing-bucket-keys",
    ),
    pytest.param(
        "secure_bucket",
        "restrict_public_buckets = true",
        "restrict_public_buckets = false",
        bucket_findings,
        "leaves restrict_public_buckets off",
        id="a-public-access-flag-left-off",
    ),
    pytest.param(
        "secure_bucket",
        'status = "Enabled"',
        'status = "Suspended"',
        bucket_findings,
        "versioning is not enabled",
        id="suspended-versioning",
    ),
    pytest.param(
        "secure_bucket",
        'variable = "s3:x-amz-server-side-encryption-aws-kms-key-id", values = [var.kms_key_arn]',
        'variable = "s3:x-amz-server-side-encryption-context", values = [var.kms_key_arn]',
        bucket_findings,
        "does not deny uploads with another KMS key",
        id="a-bucket-policy-that-accepts-any-kms-key",
    ),
    pytest.param(
        "secure_bucket",
        'resource "aws_s3_bucket_logging" "this"',
        'resource "null_resource" "this"',
        bucket_findings,
        "aws_s3_bucket.this has no server access logging",
        id="a-bucket-without-access-logging",
    ),
    pytest.param(
        "lake_storage",
        "enable_key_rotation     = true",
        "enable_key_rotation     = false",
        kms_findings,
        "does not rotate",
        id="a-key-without-rotation",
    ),
    pytest.param(
        "access_roles",
        'actions   = ["cloudwatch:PutMetricData"]',
        'actions   = ["cloudwatch:PutMetricData", "s3:GetObject"]',
        iam_findings,
        "grants ['s3:GetObject'] on Resource '*'",
        id="resource-star-for-a-restrictable-action",
    ),
    pytest.param(
        "access_roles",
        'analyst        = ["gold/*"]',
        'analyst        = ["silver/*"]',
        scoped,
        "role analyst, read_lake_keys[analyst]/ReadLakeKeys reaches 'silver/*' of the lake",
        id="an-analyst-reading-silver",
    ),
    pytest.param(
        "access_roles",
        'ingestion      = ["bronze/*"]',
        'ingestion      = ["landing/*"]',
        scoped,
        "writes 'landing/*' of the lake; ingestion may write only",
        id="ingestion-writing-landing",
    ),
    pytest.param(
        "access_roles",
        'analyst        = ["gold"]',
        'analyst        = ["*"]',
        scoped,
        "lists prefix '*' outside its zones",
        id="listing-the-whole-lake",
    ),
    pytest.param(
        "access_roles",
        'resources = ["${var.lake.results_bucket_arn}/${each.value.results_prefix}*"]',
        'resources = ["${var.lake.results_bucket_arn}/*"]',
        scoped,
        "of the results bucket; only its own workgroup's prefix",
        id="another-role-in-the-analyst-workgroup-results",
    ),
    pytest.param(
        "access_roles",
        "actions   = local.kms_use_key\n    resources = [var.lake.kms_key_arn]",
        'actions   = local.kms_use_key\n    resources = ["*"]',
        scoped,
        "uses KMS on ('*',); only the lake key",
        id="a-role-using-any-kms-key",
    ),
    pytest.param(
        "access_roles",
        "table/${var.database_names.gold}/customer_default_scores",
        "table/${var.database_names.gold}/*",
        scoped,
        "writes table '*' of gold; only ['customer_default_scores', 'model_monitoring']",
        id="the-ml-role-writing-another-gold-table",
    ),
    pytest.param(
        "access_roles",
        "identifiers = each.value",
        'identifiers = ["*"]',
        trust_findings,
        "trusts every principal (*)",
        id="a-trust-policy-open-to-everyone",
    ),
    pytest.param(
        "access_roles",
        'variable = "aws:SourceAccount"',
        'variable = "aws:SourceOwner"',
        trust_findings,
        "without an aws:SourceAccount condition",
        id="glue-trust-without-source-account",
    ),
    pytest.param(
        "query_workgroup",
        'name        = "${var.context.name_prefix}-${var.purpose}"',
        'name        = "analytics"',
        naming_findings,
        "is not named from var.context.name_prefix",
        id="names-not-built-from-the-prefix",
    ),
]


@pytest.mark.parametrize(("module", "old", "new", "check", "expected"), ONE_LINE_BREAKS)
def test_a_module_with_one_line_broken_is_flagged(tmp_path, module, old, new, check, expected):
    assert_flagged(check(mutated(module, tmp_path, old, new)), expected)


def test_a_bucket_without_encryption_is_flagged(tmp_path):
    module = snippet(
        tmp_path,
        """
resource "aws_s3_bucket" "raw" {
  bucket = "${var.context.name_prefix}-raw"
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
