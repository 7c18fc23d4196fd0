"""Athena workgroups and the Glue ingestion job keep their security settings."""

from __future__ import annotations

import re

from tests.terraform.checks import glue_findings, job_arguments, workgroup_findings
from tests.terraform.tfconfig import blocks


def test_workgroups_enforce_encrypted_results_engine_3_and_a_scan_cutoff(configurations):
    findings = [f for module in configurations.values() for f in workgroup_findings(module)]
    assert findings == []
    assert any(module.resources_of("aws_athena_workgroup") for module in configurations.values())


def test_scan_cutoff_cannot_be_set_below_athenas_minimum(modules):
    variable = modules["query_workgroup"].variables["bytes_scanned_cutoff_per_query"]
    conditions = [v["condition"] for v in blocks(variable, "validation")]
    assert any(">= 10485760" in condition for condition in conditions)


def test_glue_job_is_5_0_with_bookmarks_off_and_a_kms_security_configuration(configurations):
    findings = [f for module in configurations.values() for f in glue_findings(module)]
    assert findings == []


def test_glue_job_reads_landing_and_writes_bronze_of_the_lake(modules):
    job = modules["ingestion_job"]
    arguments, _ = job_arguments(job, job.resources[("aws_glue_job", "this")]["default_arguments"])
    assert arguments["--landing_uri"] == "s3://${var.lake.bucket_name}/landing"
    assert arguments["--bronze_uri"] == "s3://${var.lake.bucket_name}/bronze"
    assert arguments["--extra-py-files"].endswith("${aws_s3_object.package.key}")
    assert arguments["--enable-metrics"] == "true"
    assert arguments["--enable-continuous-cloudwatch-log"] == "true"


def test_job_code_is_uploaded_encrypted_and_replaced_when_the_source_changes(modules):
    job = modules["ingestion_job"]
    objects = job.resources_of("aws_s3_object")
    assert set(objects) == {"script", "package"}
    for body in objects.values():
        assert body["kms_key_id"] == "${var.lake.kms_key_arn}"
        assert body["server_side_encryption"] == "aws:kms"
        assert body.get("source_hash") or body.get("etag")
    assert objects["script"]["source"].endswith("/ingestion/glue_job.py")
    assert objects["package"]["source"] == "${module.package.path}"
    assert job.module_calls["package"]["source"] == "../repository_zip"
    assert job.module_calls["package"]["files"] == "${local.package_files}"


def test_package_zip_holds_the_finlake_and_ingestion_packages(modules):
    job = modules["ingestion_job"]
    patterns = job.locals["package_files"]
    for package in ("finlake/**/*.py", "ingestion/**/*.py"):
        assert f'"{package}"' in patterns


def test_schedule_is_optional_and_validated(modules):
    job = modules["ingestion_job"]
    settings = job.variables["job"]
    assert "schedule                  = optional(string)" in job.texts["variables.tf"]
    assert any("var.job.schedule == null" in v["condition"] for v in blocks(settings, "validation"))
    trigger = job.resources[("aws_glue_trigger", "this")]
    assert trigger["count"] == "${var.job.schedule == null ? 0 : 1}"


def test_job_logs_are_kept_a_year_and_encrypted(modules, root):
    job = modules["ingestion_job"]
    groups = job.resources[("aws_cloudwatch_log_group", "this")]
    assert groups["kms_key_id"] == "${var.lake.kms_key_arn}"
    assert groups["retention_in_days"] == "${var.context.log_retention_days}"
    # The retention of every log group is the root's log_retention_days, validated there.
    assert root.locals["context"]["log_retention_days"] == "${var.log_retention_days}"
    condition = blocks(root.variables["log_retention_days"], "validation")[0]["condition"]
    allowed = [int(days) for days in re.findall(r"\b\d+\b", condition)]
    assert allowed and min(allowed) >= 365
