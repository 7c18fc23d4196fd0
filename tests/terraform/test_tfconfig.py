"""The evaluator of tests/terraform/tfconfig.py on small configurations: what it resolves, and
that it refuses what it cannot resolve instead of passing a check blind. Everything that reads
policies (the checks, permissions.txt, tools/athena_run/iam.py) relies on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.terraform.tfconfig import Module, UnsupportedExpression, load_module

LAKE_DOCUMENTS = """
locals {
  lake_keys_read = {
    ml      = ["gold/*", "ml/*"]
    analyst = ["gold/*"]
  }
  zones = { ml = ["gold", "ml"] }
}

data "aws_iam_policy_document" "read" {
  for_each = local.lake_keys_read

  statement {
    sid       = "ReadLakeKeys"
    actions   = ["s3:GetObject"]
    resources = formatlist("${var.lake.bucket_arn}/%s", each.value)
  }
}

data "aws_iam_policy_document" "list" {
  for_each = local.zones

  statement {
    sid       = "ListLakeZones"
    actions   = ["s3:ListBucket"]
    resources = [var.lake.bucket_arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = concat(each.value, formatlist("%s/*", each.value))
    }
  }
}

data "aws_iam_policy_document" "ml" {
  source_policy_documents = [
    data.aws_iam_policy_document.read["ml"].json,
    data.aws_iam_policy_document.list["ml"].json,
  ]
}

data "aws_iam_policy_document" "workgroup" {
  for_each = var.query_workgroups

  statement {
    sid       = "ReadWriteOwnQueryResults"
    actions   = ["s3:GetObject"]
    resources = ["${var.lake.results_bucket_arn}/${each.value.results_prefix}*"]
  }
}
"""


def module_of(tmp_path: Path, text: str) -> Module:
    (tmp_path / "main.tf").write_text(text, encoding="utf-8")
    return load_module(tmp_path)


def test_an_instance_of_a_document_over_a_local_map_takes_its_entry(tmp_path):
    module = module_of(tmp_path, LAKE_DOCUMENTS)
    (statement,) = module.document_statements("read", "ml")
    assert statement.doc == "read[ml]"
    assert statement.resources == ("${var.lake.bucket_arn}/gold/*", "${var.lake.bucket_arn}/ml/*")
    (listing,) = module.statements('${data.aws_iam_policy_document.list["ml"].json}')
    assert listing.condition_values("s3:prefix") == ("gold", "ml", "gold/*", "ml/*")


def test_a_document_over_a_local_map_without_a_key_is_every_instance(tmp_path):
    module = module_of(tmp_path, LAKE_DOCUMENTS)
    assert [(s.doc, s.resources) for s in module.document_statements("read")] == [
        ("read[ml]", ("${var.lake.bucket_arn}/gold/*", "${var.lake.bucket_arn}/ml/*")),
        ("read[analyst]", ("${var.lake.bucket_arn}/gold/*",)),
    ]


def test_source_documents_are_followed_into_instances(tmp_path):
    module = module_of(tmp_path, LAKE_DOCUMENTS)
    assert [s.label for s in module.document_statements("ml")] == [
        "read[ml]/ReadLakeKeys",
        "list[ml]/ListLakeZones",
    ]


def test_each_value_of_a_variable_map_stays_a_reference(tmp_path):
    module = module_of(tmp_path, LAKE_DOCUMENTS)
    (statement,) = module.document_statements("workgroup", "analyst")
    assert statement.resources == (
        "${var.lake.results_bucket_arn}/${var.query_workgroups.analyst.results_prefix}*",
    )


def test_an_instance_that_the_map_does_not_have_is_refused(tmp_path):
    module = module_of(tmp_path, LAKE_DOCUMENTS)
    with pytest.raises(UnsupportedExpression, match="no instance 'crawler'"):
        module.document_statements("read", "crawler")


@pytest.mark.parametrize(
    "expression",
    [
        'formatlist("${var.lake.bucket_arn}/%s/%s", local.keys)',  # two verbs
        'formatlist("%d", local.keys)',  # not %s
        'formatlist("%s", local.name)',  # not a list
    ],
)
def test_formatlist_it_cannot_evaluate_is_refused(tmp_path, expression):
    module = module_of(tmp_path, 'locals {\n  keys = ["a"]\n  name = "a"\n}\n')
    with pytest.raises(UnsupportedExpression):
        module.value("${" + expression + "}")


DENIED_UPLOADS = """
locals {
  denied_uploads = {
    DenyOtherKmsKeys = [
      { test = "StringNotEqualsIfExists", variable = "s3:x-amz-server-side-encryption-aws-kms-key-id", values = [var.kms_key_arn] },
    ]
    DenyKmsWithoutTheKey = [
      { test = "StringEquals", variable = "s3:x-amz-server-side-encryption", values = ["aws:kms"] },
      { test = "Null", variable = "s3:x-amz-server-side-encryption-aws-kms-key-id", values = ["true"] },
    ]
  }
}

data "aws_iam_policy_document" "this" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.this.arn]
  }

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
"""


def test_dynamic_statements_and_conditions_are_expanded(tmp_path):
    module = module_of(tmp_path, DENIED_UPLOADS)
    statements = {s.sid: s for s in module.document_statements("this")}
    assert list(statements) == ["DenyInsecureTransport", "DenyOtherKmsKeys", "DenyKmsWithoutTheKey"]
    other_keys = statements["DenyOtherKmsKeys"]
    assert other_keys.effect == "Deny"
    assert other_keys.resources == ("${aws_s3_bucket.this.arn}/*",)
    assert other_keys.principals == (("*", ("*",)),)
    assert other_keys.conditions == (
        (
            "StringNotEqualsIfExists",
            "s3:x-amz-server-side-encryption-aws-kms-key-id",
            ("${var.kms_key_arn}",),
        ),
    )
    assert statements["DenyKmsWithoutTheKey"].conditions == (
        ("StringEquals", "s3:x-amz-server-side-encryption", ("aws:kms",)),
        ("Null", "s3:x-amz-server-side-encryption-aws-kms-key-id", ("true",)),
    )


def test_a_dynamic_block_over_something_unknown_is_refused(tmp_path):
    text = DENIED_UPLOADS.replace("for_each = local.denied_uploads", "for_each = var.denials")
    module = module_of(tmp_path, text)
    with pytest.raises(UnsupportedExpression, match="not a known map or list"):
        module.document_statements("this")


def test_nested_locals_and_each_key_are_resolved(tmp_path):
    module = module_of(
        tmp_path,
        """
locals {
  layer_databases = { gold = [var.database_names.gold, var.slot_database_names.gold__blue] }
  read   = ["glue:GetTable"]
  grants = {
    ReadGoldCatalog = { databases = local.layer_databases.gold, actions = local.read }
  }
}

data "aws_iam_policy_document" "layer_catalog" {
  for_each = local.grants

  statement {
    sid       = each.key
    actions   = each.value.actions
    resources = formatlist("arn:glue:database/%s", each.value.databases)
  }
}
""",
    )
    (statement,) = module.document_statements("layer_catalog", "ReadGoldCatalog")
    assert statement.sid == "ReadGoldCatalog"
    assert statement.actions == ("glue:GetTable",)
    assert statement.resources == (
        "arn:glue:database/${var.database_names.gold}",
        "arn:glue:database/${var.slot_database_names.gold__blue}",
    )
    with pytest.raises(UnsupportedExpression, match="cannot resolve"):
        module.value("${local.grants.ReadGoldCatalog.tables}")
