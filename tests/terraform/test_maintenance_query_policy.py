"""The scheduled Iceberg maintenance queries Athena with the transformation role's own
statements (terraform/modules/access_roles), defined once: the two cannot drift apart. So does
the alerting Lambda with the analyst role's (tests/terraform/test_alerting.py)."""

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


def test_access_roles_defines_each_workgroups_queries_once(modules):
    access = modules["access_roles"]
    for role, workgroup in (("transformation", "transformation"), ("analyst", "analyst")):
        shared = access.document_statements("workgroup_query", workgroup)
        (query,) = [s for s in shared if "athena:StartQueryExecution" in s.actions]
        assert query.resources == (f"${{var.query_workgroups.{workgroup}.arn}}",)
        own = access.document_statements(role)
        athena_query = [s for s in own if "athena:StartQueryExecution" in s.actions]
        assert athena_query == [query]  # included from the shared document, not written again
        assert all(statement in own for statement in shared), role
    outputs = access.outputs
    assert outputs["dbt_workgroup_query_policy_json"]["value"] == (
        '${data.aws_iam_policy_document.workgroup_query["transformation"].json}'
    )
    assert outputs["analyst_workgroup_query_policy_json"]["value"] == (
        '${data.aws_iam_policy_document.workgroup_query["analyst"].json}'
    )
