"""Write-audit-publish on prod needs its slot databases in Terraform (models/README.md).

dbt builds every model and seed with a `+schema` into `<layer database>__blue` or `__green`
(macros/schema/generate_schema_name.sql) and publishes views in the layer's database
(macros/publish/). Terraform must create a slot database for every layer the project builds
into, the transformation role must write them, and every role that reads gold must read gold's
slots too: Athena runs a view with its caller's rights.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
SLOTS = ("blue", "green")
TABLE_WRITE = {"glue:CreateTable", "glue:UpdateTable", "glue:DeleteTable"}


def schemas_dbt_builds_into() -> set[str]:
    """Every `+schema` of dbt_project.yml's models and seeds (the layers dbt writes)."""
    project = yaml.safe_load((REPO / "dbt_project.yml").read_text())
    found: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "+schema":
                    found.add(value)
                walk(value)

    walk(project.get("models"))
    walk(project.get("seeds"))
    return found


@pytest.fixture(scope="module")
def catalog(modules):
    return modules["catalog"]


@pytest.fixture(scope="module")
def access(modules):
    return modules["access_roles"]


def test_every_layer_dbt_builds_into_has_both_slot_databases(catalog):
    layers = schemas_dbt_builds_into()
    assert layers, "dbt_project.yml sets no +schema"
    assert set(catalog.locals["published_layers"]) == layers
    assert tuple(catalog.locals["publication_slots"]) == SLOTS
    assert ("aws_glue_catalog_database", "slot") in catalog.resources
    assert "slot_database_names" in catalog.outputs


def grants(access, role: str) -> dict[str, set[str]]:
    """Glue resource -> actions the role's policy allows on it."""
    found: dict[str, set[str]] = {}
    for statement in access.document_statements(role):
        if statement.effect != "Allow":
            continue
        for resource in statement.resources:
            found.setdefault(resource, set()).update(statement.actions)
    return found


def slot_resources(layer: str, slot: str) -> tuple[str, str]:
    name = f"${{var.slot_database_names.{layer}__{slot}}}"
    prefix = "arn:${var.context.partition}:glue:${var.context.region}:${var.context.account_id}"
    return f"{prefix}:database/{name}", f"{prefix}:table/{name}/*"


def test_the_transformation_role_builds_in_every_slot(access, catalog):
    allowed = grants(access, "transformation")
    for layer in catalog.locals["published_layers"]:
        for slot in SLOTS:
            database, tables = slot_resources(layer, slot)
            assert "glue:GetDatabase" in allowed.get(database, set()), (layer, slot)
            assert allowed.get(tables, set()) >= TABLE_WRITE, (layer, slot)


@pytest.mark.parametrize("role", ["analyst", "ml"])
def test_readers_of_gold_read_its_slots_and_write_none(access, role):
    allowed = grants(access, role)
    for slot in SLOTS:
        database, tables = slot_resources("gold", slot)
        assert {"glue:GetDatabase", "glue:GetTable"} <= allowed.get(database, set()) | allowed.get(
            tables, set()
        ), (role, slot)
        assert not TABLE_WRITE & allowed.get(tables, set()), (role, slot)


def test_the_root_passes_the_slots_to_the_roles_and_the_maintenance(root):
    roles = root.module_calls["access_roles"]
    assert roles["slot_database_names"] == "${module.catalog.slot_database_names}"
    assert root.module_calls["iceberg_maintenance"]["tables"] == "${local.incremental_tables}"
    tables = str(root.locals["incremental_tables"])
    for layer in ("silver", "gold"):
        # each layer's incremental tables in both of its slots
        assert (
            f"local.incremental_{layer}_tables" in tables and f'["{layer}__${{pair[0]}}"]' in tables
        )
    assert "slot_database_names" in tables and '"blue", "green"' in tables
