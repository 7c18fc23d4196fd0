"""The scheduled Iceberg maintenance queries Athena with the transformation role's own
statement (terraform/modules/access_roles), defined once: the two cannot drift apart."""

from __future__ import annotations


def test_the_maintenance_takes_its_athena_permissions_from_access_roles(modules, root):
    maintenance = modules["iceberg_maintenance"]
    own = [
        statement.label
        for statement in maintenance.document_statements("state_machine")
        if any(action.startswith("athena:") for action in statement.actions)
    ]
    assert own == [], f"the maintenance defines Athena permissions of its own: {own}"
    body = maintenance.data[("aws_iam_policy_document", "state_machine")]
    assert body["source_policy_documents"] == ["${var.workgroup_query_policy_json}"]
    call = root.module_calls["iceberg_maintenance"]
    assert call["workgroup_query_policy_json"] == (
        "${module.access_roles.dbt_workgroup_query_policy_json}"
    )


def test_access_roles_defines_the_dbt_workgroup_queries_once(modules):
    access = modules["access_roles"]
    (query,) = access.document_statements("dbt_workgroup_query")
    assert query.resources == ("${var.transformation_workgroup.arn}",)
    transformation = access.document_statements("transformation")
    athena_query = [s for s in transformation if "athena:StartQueryExecution" in s.actions]
    assert athena_query == [query]  # included from the shared document, not written again
