"""Lake storage: every bucket encrypted with the CMK, private, versioned, TLS-only; the key rotates."""

from __future__ import annotations

from tests.terraform.checks import bucket_findings, iam_findings, kms_findings
from tests.terraform.tfconfig import blocks


def test_every_bucket_is_encrypted_private_versioned_and_tls_only(configurations):
    findings = [f for module in configurations.values() for f in bucket_findings(module)]
    assert findings == []


def test_storage_module_creates_the_lake_results_and_log_buckets(modules):
    assert set(modules["lake_storage"].resources_of("aws_s3_bucket")) == {
        "lake",
        "athena_results",
        "access_logs",
    }


def test_buckets_exist_only_in_the_storage_module(configurations):
    owners = {
        name for name, module in configurations.items() if module.resources_of("aws_s3_bucket")
    }
    assert owners == {"modules/lake_storage"}


def test_kms_keys_rotate_and_have_a_policy_document(configurations):
    findings = [f for module in configurations.values() for f in kms_findings(module)]
    assert findings == []
    owners = sorted(
        name for name, module in configurations.items() if module.resources_of("aws_kms_key")
    )
    assert owners == ["modules/lake_storage"]


def test_key_policy_lets_only_this_account_and_two_log_services_use_the_key(modules):
    storage = modules["lake_storage"]
    statements = storage.statements(storage.resources[("aws_kms_key", "this")]["policy"])
    principals = {identifier for s in statements for _, ids in s.principals for identifier in ids}
    assert principals == {
        "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root",
        "logs.${data.aws_region.current.name}.amazonaws.com",
        "logging.s3.amazonaws.com",
    }
    services = [s for s in statements if any(kind == "Service" for kind, _ in s.principals)]
    assert all(s.conditions for s in services), (
        "service principals must be held to this account or log group"
    )


def test_policies_in_storage_are_built_from_policy_documents(modules):
    assert iam_findings(modules["lake_storage"]) == []


def test_landing_files_expire_after_the_retention_variable(modules):
    storage = modules["lake_storage"]
    rules = blocks(storage.resources[("aws_s3_bucket_lifecycle_configuration", "lake")], "rule")
    landing = [r for r in rules if [f.get("prefix") for f in blocks(r, "filter")] == ["landing/"]]
    assert len(landing) == 1
    assert [e.get("days") for e in blocks(landing[0], "expiration")] == [
        "${var.landing_retention_days}"
    ]
    assert "validation" in storage.variables["landing_retention_days"]


def test_lake_and_results_buckets_log_to_the_access_log_bucket(modules):
    storage = modules["lake_storage"]
    targets = {
        name: body["target_bucket"]
        for name, body in storage.resources_of("aws_s3_bucket_logging").items()
    }
    assert targets == {
        "lake": "${aws_s3_bucket.access_logs.id}",
        "athena_results": "${aws_s3_bucket.access_logs.id}",
    }


def test_bucket_names_come_from_the_name_prefix_account_and_region(modules):
    storage = modules["lake_storage"]
    for name in storage.locals["bucket_names"].values():
        resolved = storage.interpolate(name)
        assert resolved.startswith("${var.project}-${var.environment}-")
        assert "${data.aws_caller_identity.current.account_id}" in resolved
        assert "${data.aws_region.current.name}" in resolved
