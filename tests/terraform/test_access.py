"""IAM: least privilege per role, no `*` on `*`, trust only Glue or listed principals."""

from __future__ import annotations

import pytest

from tests.terraform.checks import (
    LAKE,
    RoleScope,
    iam_findings,
    is_write,
    role_scope_findings,
    trust_findings,
)

# The lake's lease object (finlake/lease.py): the runs that write the lake take it.
LEASE = ".finlake.lock"
# The access matrix of terraform/modules/access_roles/main.tf, written out once more here.
SCOPES = {
    "delivery": RoleScope(
        s3_read=frozenset({"landing/"}),
        s3_write=frozenset({"landing/"}),
    ),
    "ingestion": RoleScope(
        s3_read=frozenset({"landing/", "bronze/", "scripts/ingestion/", LEASE}),
        s3_write=frozenset({"bronze/", LEASE}),
        glue_read=frozenset({"bronze"}),
        glue_write={"bronze": frozenset({"*"})},
        glue_service=True,
    ),
    "transformation": RoleScope(
        s3_read=frozenset({"bronze/", "silver/", "gold/", LEASE}),
        s3_write=frozenset({"silver/", "gold/", LEASE}),
        glue_read=frozenset({"bronze", "silver", "gold", "reference"}),
        glue_write={
            "silver": frozenset({"*"}),
            "gold": frozenset({"*"}),
            "reference": frozenset({"*"}),
        },
        workgroup="query_workgroups.transformation",
    ),
    "ml": RoleScope(
        s3_read=frozenset({"gold/", "ml/"}),
        s3_write=frozenset({"ml/", "gold/customer_default_scores/", "gold/model_monitoring/"}),
        glue_read=frozenset({"gold"}),
        glue_write={"gold": frozenset({"customer_default_scores", "model_monitoring"})},
    ),
    "analyst": RoleScope(
        s3_read=frozenset({"gold/"}),
        glue_read=frozenset({"gold"}),
        workgroup="query_workgroups.analyst",
    ),
    "crawler": RoleScope(
        s3_read=frozenset({"bronze/"}),
        glue_read=frozenset({"bronze"}),
        glue_write={"bronze": frozenset({"*"})},
        glue_service=True,
    ),
}


@pytest.fixture(scope="module")
def access(modules):
    return modules["access_roles"]


def lake_keys(access, role: str, writes: bool) -> set[str]:
    """Object keys of the lake a role's policy reaches (only write actions when writes=True)."""
    body = access.resources[("aws_iam_role_policy", role)]
    keys = set()
    for statement in access.statements(body["policy"]):
        if statement.effect != "Allow" or not any(a.startswith("s3:") for a in statement.actions):
            continue
        if writes and not any(is_write(a) for a in statement.actions):
            continue
        keys |= {r[len(LAKE) + 1 :] for r in statement.resources if r.startswith(LAKE + "/")}
    return keys


def test_no_statement_allows_everything_anywhere(configurations):
    findings = [f for module in configurations.values() for f in iam_findings(module)]
    assert findings == []


def test_every_role_stays_inside_its_scope(access):
    assert role_scope_findings(access, SCOPES) == []


def test_roles_trust_only_glue_or_listed_principals(access):
    assert trust_findings(access) == []


def test_analyst_reads_only_gold(access):
    keys = lake_keys(access, "analyst", writes=False)
    assert keys and all(key.startswith("gold/") for key in keys), keys
    assert lake_keys(access, "analyst", writes=True) == set()


def test_ingestion_writes_only_bronze(access):
    assert lake_keys(access, "ingestion", writes=True) == {"bronze/*", LEASE}


def test_transformation_writes_only_silver_and_gold(access):
    assert lake_keys(access, "transformation", writes=True) == {"silver/*", "gold/*", LEASE}


def test_ml_writes_only_its_folder_and_the_scores_table(access):
    assert lake_keys(access, "ml", writes=True) == {
        "ml/*",
        "gold/customer_default_scores/*",
        "gold/model_monitoring/*",
    }


def test_only_delivery_writes_landing_and_only_ingestion_reads_it(access):
    for role in SCOPES:
        keys = lake_keys(access, role, writes=False)
        writes = lake_keys(access, role, writes=True)
        assert any(k.startswith("landing/") for k in writes) == (role == "delivery"), role
        assert any(k.startswith("landing/") for k in keys - writes) == (role == "ingestion"), role


def test_delivery_can_put_but_not_read_or_delete_extracts(access):
    statements = access.document_statements("delivery")
    actions = {a for s in statements for a in s.actions if a.startswith("s3:")}
    assert actions == {
        "s3:GetBucketLocation",
        "s3:ListBucket",
        "s3:PutObject",
        "s3:AbortMultipartUpload",
        "s3:ListMultipartUploadParts",
    }


def test_resource_star_appears_only_where_the_api_demands_it(access):
    star = sorted(
        (statement.label, statement.actions)
        for (dtype, name) in access.data
        if dtype == "aws_iam_policy_document"
        for statement in access.document_statements(name)
        if "*" in statement.resources
    )
    assert star == [
        (
            "analyst/AthenaConsoleLists",
            ("athena:ListWorkGroups", "athena:ListDataCatalogs", "athena:ListEngineVersions"),
        ),
        ("ingestion/PublishJobMetrics", ("cloudwatch:PutMetricData",)),
    ]


def test_every_role_policy_belongs_to_a_role_with_a_declared_scope(access):
    policies = access.resources_of("aws_iam_role_policy")
    assert set(policies) == set(SCOPES)


def test_a_roles_statements_have_distinct_sids(access):
    """A role's policy includes shared documents (source_policy_documents), which the provider
    merges by sid: two statements of one sid fail the plan or one replaces the other, neither of
    which these checks or permissions.txt model. So every sid of a role's policy is its own."""
    for role, body in access.resources_of("aws_iam_role_policy").items():
        sids = [s.sid for s in access.statements(body["policy"]) if s.sid]
        assert len(sids) == len(set(sids)), (role, sorted(sids))
