"""The evaluator of tests/terraform/tfconfig.py on the constructs the modules use to write each
kind of grant once (documents for_each over a local map, formatlist, nested locals, each.key,
dynamic statements), read from the real modules; and that it refuses what it cannot resolve
instead of passing a check blind. The checks, permissions.txt and tools/athena_run/iam.py all
rely on it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.terraform.tfconfig import MODULES, UnsupportedExpression, load_module

LAKE = "${var.lake.bucket_arn}"


@pytest.fixture(scope="module")
def access(modules):
    return modules["access_roles"]


def test_an_instance_of_a_document_over_a_local_map_takes_its_entry(access):
    (read,) = access.document_statements("read_lake_keys", "ml")
    assert read.label == "read_lake_keys[ml]/ReadLakeKeys"
    assert read.resources == (f"{LAKE}/gold/*",)
    listing = access.statements('${data.aws_iam_policy_document.list_lake_zones["ml"].json}')
    (prefixes,) = [s.condition_values("s3:prefix") for s in listing if s.conditions]
    assert prefixes == ("gold", "ml", "gold/*", "ml/*")


def test_a_document_over_a_local_map_without_a_key_is_every_instance(access):
    assert [s.doc for s in access.document_statements("read_lake_keys")] == [
        f"read_lake_keys[{role}]"
        for role in ("ingestion", "transformation", "ml", "analyst", "crawler")
    ]


def test_each_key_and_nested_locals_are_resolved(access):
    (grant,) = access.document_statements("layer_catalog", "ReadGoldCatalog")
    assert grant.sid == "ReadGoldCatalog"
    assert "glue:GetPartitions" in grant.actions
    prefix = "arn:${var.context.partition}:glue:${var.context.region}:${var.context.account_id}"
    assert grant.resources[0] == f"{prefix}:catalog"
    assert f"{prefix}:database/${{var.slot_database_names.gold__blue}}" in grant.resources
    assert f"{prefix}:table/${{var.database_names.gold}}/*" in grant.resources
    with pytest.raises(UnsupportedExpression, match="cannot resolve"):
        access.value("${local.layer_catalog_grants.ReadGoldCatalog.tables}")


def test_each_value_of_a_variable_map_stays_a_reference(access):
    statements = access.document_statements("workgroup_query", "analyst")
    (results,) = [s for s in statements if s.sid == "ReadWriteOwnQueryResults"]
    assert results.resources == (
        "${var.lake.results_bucket_arn}/${var.query_workgroups.analyst.results_prefix}*",
    )


def test_an_instance_that_the_map_does_not_have_is_refused(access):
    with pytest.raises(UnsupportedExpression, match="no instance 'delivery'"):
        access.document_statements("read_lake_keys", "delivery")


def test_dynamic_statements_and_conditions_are_expanded(modules):
    statements = {s.sid: s for s in modules["secure_bucket"].document_statements("this")}
    assert set(statements) == {
        "DenyInsecureTransport",
        "DenyOtherEncryptionAlgorithms",
        "DenyOtherKmsKeys",
        "DenyKmsWithoutTheKey",
    }
    other_keys = statements["DenyOtherKmsKeys"]
    assert (other_keys.effect, other_keys.actions) == ("Deny", ("s3:PutObject",))
    assert other_keys.resources == ("${aws_s3_bucket.this.arn}/*",)
    assert other_keys.principals == (("*", ("*",)),)
    assert other_keys.condition_values("s3:x-amz-server-side-encryption-aws-kms-key-id") == (
        "${var.kms_key_arn}",
    )
    assert [
        (test, variable) for test, variable, _ in statements["DenyKmsWithoutTheKey"].conditions
    ] == [
        ("StringEquals", "s3:x-amz-server-side-encryption"),
        ("Null", "s3:x-amz-server-side-encryption-aws-kms-key-id"),
    ]


def test_a_dynamic_block_over_something_unknown_is_refused(tmp_path: Path):
    copy = tmp_path / "secure_bucket"
    shutil.copytree(MODULES / "secure_bucket", copy)
    main = copy / "main.tf"
    text = main.read_text(encoding="utf-8")
    assert "for_each = local.denied_uploads" in text
    main.write_text(text.replace("for_each = local.denied_uploads", "for_each = var.denials"))
    with pytest.raises(UnsupportedExpression, match="not a known map or list"):
        load_module(copy).document_statements("this")


@pytest.mark.parametrize(
    "expression",
    [
        'formatlist("%s/%s", local.lake_keys_read.ml)',  # two verbs
        'formatlist("%d", local.lake_keys_read.ml)',  # not %s
        'formatlist("%s", local.glue_catalog_arn)',  # not a list
    ],
)
def test_formatlist_it_cannot_evaluate_is_refused(access, expression):
    with pytest.raises(UnsupportedExpression):
        access.value("${" + expression + "}")
