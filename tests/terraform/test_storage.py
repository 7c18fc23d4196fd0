"""Lake storage: every bucket encrypted with the CMK, private, versioned, TLS-only; the key rotates."""

from __future__ import annotations

import re

from tests.terraform.checks import bucket_findings, iam_findings, kms_findings
from tests.terraform.tfconfig import blocks


def test_every_bucket_is_encrypted_private_versioned_and_tls_only(configurations):
    findings = [f for module in configurations.values() for f in bucket_findings(module)]
    assert findings == []


def bucket_calls(storage) -> dict[str, dict]:
    return {
        name: body
        for name, body in storage.module_calls.items()
        if body["source"] == "../secure_bucket"
    }


def test_storage_module_creates_the_lake_results_and_log_buckets_from_one_module(modules):
    calls = bucket_calls(modules["lake_storage"])
    assert set(calls) == {"lake", "athena_results", "access_logs"}
    assert {name: body["purpose"] for name, body in calls.items()} == {
        "lake": "lake",
        "athena_results": "athena-results",
        "access_logs": "access-logs",
    }
    assert all(body["kms_key_arn"] == "${aws_kms_key.this.arn}" for body in calls.values())


def test_buckets_exist_only_in_the_secure_bucket_module(configurations):
    owners = {
        name for name, module in configurations.items() if module.resources_of("aws_s3_bucket")
    }
    assert owners == {"modules/secure_bucket"}
    callers = {
        name
        for name, module in configurations.items()
        if any("secure_bucket" in body["source"] for body in module.module_calls.values())
    }
    assert callers == {"modules/lake_storage"}


def test_kms_keys_rotate_and_have_a_policy_document(configurations):
    findings = [f for module in configurations.values() for f in kms_findings(module)]
    assert findings == []
    owners = sorted(
        name for name, module in configurations.items() if module.resources_of("aws_kms_key")
    )
    # The lake key; the alerting key (topic, dead-letter queue, logs: CloudWatch alarms publish
    # to the topic, which the lake key does not let them).
    assert owners == ["modules/alerting", "modules/lake_storage"]


def test_key_policy_lets_only_this_account_and_two_log_services_use_the_key(modules):
    storage = modules["lake_storage"]
    statements = storage.statements(storage.resources[("aws_kms_key", "this")]["policy"])
    principals = {identifier for s in statements for _, ids in s.principals for identifier in ids}
    assert principals == {
        "arn:${var.context.partition}:iam::${var.context.account_id}:root",
        "logs.${var.context.region}.amazonaws.com",
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
    rules = bucket_calls(storage)["lake"]["prefix_rules"]  # concat() of a list and a for
    assert (
        '{id = "expire-landing-extracts", prefix = "landing/", '
        "expiration_days = var.retention_days.landing}"
    ) in rules
    assert (
        "var.retention_days[name]"
        in blocks(storage.variables["retention_days"], "validation")[0]["condition"]
    )


def test_secure_bucket_turns_prefix_rules_into_lifecycle_rules(modules):
    bucket = modules["secure_bucket"]
    lifecycle = bucket.resources[("aws_s3_bucket_lifecycle_configuration", "this")]
    (dynamic,) = blocks(lifecycle, "dynamic")
    (rule,) = [v for k, v in dynamic.items() if k == "rule"]
    assert rule["for_each"] == "${var.prefix_rules}"
    content = blocks(rule, "content")[0]
    assert blocks(content, "filter")[0]["prefix"] == "${rule.value.prefix}"
    actions = {
        k: v for d in blocks(content, "dynamic") for k, v in d.items() if k != "__is_block__"
    }
    assert set(actions) == {"expiration", "noncurrent_version_expiration"}
    assert blocks(actions["noncurrent_version_expiration"], "content")[0] == {
        "noncurrent_days": "${noncurrent_version_expiration.value}",
        "__is_block__": True,
    }


def test_lake_and_results_buckets_log_to_the_access_log_bucket(modules):
    calls = bucket_calls(modules["lake_storage"])
    targets = {name: body.get("access_log_bucket") for name, body in calls.items()}
    assert targets == {
        "lake": "${module.access_logs.id}",
        "athena_results": "${module.access_logs.id}",
        "access_logs": None,  # the destination does not log into itself
    }
    logging = modules["secure_bucket"].resources[("aws_s3_bucket_logging", "this")]
    assert logging["count"] == "${var.access_log_bucket == null ? 0 : 1}"


def test_bucket_names_come_from_the_name_prefix_account_and_region(modules):
    bucket = modules["secure_bucket"]
    resolved = bucket.interpolate(bucket.locals["bucket_name"])
    assert resolved.startswith("${var.context.name_prefix}-${var.purpose}-")
    assert "${var.context.account_id}" in resolved
    assert "${var.context.region}" in resolved
    for body in bucket_calls(modules["lake_storage"]).values():
        assert body["context"] == "${var.context}"


def test_existing_buckets_move_into_the_module_instead_of_being_replaced(root):
    """Without a moved block per resource, the first apply after the refactor would destroy
    the lake bucket (and every object in it) and create an empty one. The blocks live in the
    root's moved.tf, addressed through module.lake_storage."""
    text = root.texts["moved.tf"].replace("module.lake_storage.", "")
    moves = dict(re.findall(r"moved \{\s*from = (\S+)\s*to\s*= (\S+)\s*\}", text))
    for name in ("lake", "athena_results", "access_logs"):
        for rtype in (
            "aws_s3_bucket",
            "aws_s3_bucket_ownership_controls",
            "aws_s3_bucket_public_access_block",
            "aws_s3_bucket_versioning",
            "aws_s3_bucket_server_side_encryption_configuration",
            "aws_s3_bucket_policy",
            "aws_s3_bucket_lifecycle_configuration",
        ):
            assert moves[f"{rtype}.{name}"] == f"module.{name}.{rtype}.this"
    assert moves["aws_s3_bucket_logging.lake"] == "module.lake.aws_s3_bucket_logging.this[0]"
    assert (
        moves["aws_s3_bucket_notification.lake"] == "module.lake.aws_s3_bucket_notification.this[0]"
    )


def test_replaced_table_objects_are_kept_days_not_a_month(modules, root, tfvars):
    """#13 defect 6: every build rewrites the silver and gold tables; with only the whole-bucket
    window (retention_days.noncurrent_versions, 30 in prod) the lake kept ~30 old copies of each.
    Under silver/ and gold/ noncurrent versions now go after a few days, set per environment."""
    storage = modules["lake_storage"]
    comprehension = bucket_calls(storage)["lake"]["prefix_rules"]
    assert "for zone in local.rebuilt_table_zones" in comprehension
    assert "noncurrent_days = var.retention_days.rebuilt_table_versions" in comprehension
    assert "${zone}/" in comprehension
    assert storage.locals["rebuilt_table_zones"] == ["silver", "gold"]
    assert "rebuilt_table_versions" in storage.texts["variables.tf"]
    assert root.module_calls["lake_storage"]["retention_days"] == "${var.retention_days}"
    for env, values in tfvars.items():
        days = values["retention_days"]
        kept = days["rebuilt_table_versions"]  # one build a day: copies kept
        assert 1 <= kept <= 7, env
        assert kept < days["noncurrent_versions"], env


def lake_attributes(module) -> set[str]:
    """The attributes a module's variable "lake" declares, from its object type."""
    declared = str(module.variables["lake"]["type"])
    return set(re.findall(r"(\w+)\s*=\s*string", declared))


def test_the_lake_object_is_checked_once_where_it_is_made(modules, root):
    """lake_storage's output lake is what every module takes of the lake (bucket names and ARNs,
    the key): its preconditions check the names and ARNs once, and every module that takes it
    declares only attributes the output has, passed whole by the root."""
    output = modules["lake_storage"].outputs["lake"]
    made = set(output["value"])
    assert made == {
        "bucket_name",
        "bucket_arn",
        "results_bucket_name",
        "results_bucket_arn",
        "kms_key_arn",
    }
    checked = " ".join(str(p["condition"]) for p in blocks(output, "precondition"))
    for value in ("module.lake.name", "module.athena_results.name"):
        assert re.search(r"\[[^]]*" + re.escape(value), checked), value
    assert checked.count("s3:::[a-z0-9]") == 1 and "module.lake.arn" in checked
    assert ":kms:[a-z0-9-]+:[0-9]{12}:key/" in checked and "aws_kms_key.this.arn" in checked
    takers = {name for name, module in modules.items() if "lake" in module.variables}
    assert takers == {
        "access_roles",
        "alerting",
        "catalog",
        "daily_run",
        "iceberg_maintenance",
        "ingestion_job",
        "query_workgroup",
    }
    for name in takers:
        assert lake_attributes(modules[name]) <= made, name
        assert not blocks(modules[name].variables["lake"], "validation"), name
        (call,) = [
            body for body in root.module_calls.values() if str(body["source"]).endswith(f"/{name}")
        ]
        assert call["lake"] == "${module.lake_storage.lake}", name
