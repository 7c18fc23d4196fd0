"""Governance over dbt's manifest: every model of the project has a test of its grain (primary
key), intermediate models and the quarantine included."""

from __future__ import annotations

import copy

import pytest

from finlake.lineage.governance import (
    CRITICAL_DATA_ELEMENTS,
    cde_problems,
    cde_register,
    grain_tests,
    marts_without_primary_key,
    models_without_grain,
    ungoverned_models,
)
from finlake.lineage.graph import read_manifest
from tests.conftest import DEV_TARGET_PATH


def _manifest(tiny_warehouse) -> dict:
    return read_manifest(tiny_warehouse.root / DEV_TARGET_PATH / "manifest.json")


def test_every_model_has_a_grain_test(tiny_warehouse):
    manifest = _manifest(tiny_warehouse)
    found = grain_tests(manifest)
    assert len(found) > 40  # every model of the project was read
    assert models_without_grain(manifest) == []


def test_a_model_without_a_grain_test_is_named(tiny_warehouse):
    """Removing the grain tests of two models (a `unique` on a column, a compound key on the
    quarantine) makes the check name exactly those models."""
    manifest = copy.deepcopy(_manifest(tiny_warehouse))
    for victim in ("int_transactions_enriched", "quarantine"):
        unique_id = next(
            k
            for k, n in manifest["nodes"].items()
            if n["resource_type"] == "model" and n["name"] == victim
        )
        for key in [
            k
            for k, n in manifest["nodes"].items()
            if n["resource_type"] == "test"
            and unique_id in n["depends_on"]["nodes"]
            and (
                (n.get("test_metadata") or {}).get("name")
                in ("unique", "unique_combination_of_columns")
                or ((n.get("config") or {}).get("meta") or {}).get("grain")
            )
        ]:
            del manifest["nodes"][key]
    assert models_without_grain(manifest) == ["int_transactions_enriched", "quarantine"]


@pytest.mark.parametrize(
    ("test", "views"),
    [
        ("assert_fraud_rule_grain", ("int_fraud__",)),
        (
            "assert_feature_grain",
            tuple(f"int_features__{f}" for f in ("profile", "loans", "repayment", "cashflow")),
        ),
    ],
)
def test_views_grain_proven_on_the_table_that_joins_them(tiny_warehouse, test, views):
    """The fraud rule views and the feature views have no test of their own (each would compute
    the view again): one singular test on the table that unions or joins them (fraud_alerts,
    loan_default_features) names them all in `meta: {grain: [...]}`. Without it, all four are
    named."""
    manifest = copy.deepcopy(_manifest(tiny_warehouse))
    named = sorted(
        n["name"]
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["name"].startswith(views)
    )
    assert len(named) == 4 and not set(named) & set(models_without_grain(manifest))
    del manifest["nodes"][
        next(k for k in manifest["nodes"] if k.startswith(f"test.finlake.{test}"))
    ]
    assert models_without_grain(manifest) == named


def test_every_gold_model_has_an_owner_and_exposed_marts_are_public(tiny_warehouse):
    manifest = _manifest(tiny_warehouse)
    assert {group["name"] for group in manifest["groups"].values()} == {
        "risk",
        "fraud",
        "compliance",
        "data_quality",
        "platform",
    }
    assert all(group["owner"].get("email") for group in manifest["groups"].values())
    assert len(manifest["exposures"]) >= 3
    assert ungoverned_models(manifest) == []
    broken = copy.deepcopy(manifest)
    fraud_alerts = next(k for k, n in broken["nodes"].items() if n["name"] == "fraud_alerts")
    broken["nodes"][fraud_alerts]["access"] = "protected"
    broken["nodes"][fraud_alerts]["group"] = None
    assert ungoverned_models(broken) == [
        "fraud_alerts: no group",
        "fraud_alerts: read by exposure fraud_alerting but not public",
    ]


def test_every_contracted_mart_declares_its_primary_key(tiny_warehouse):
    """The enforced contracts carry their key as constraints (not_null and primary_key): DuckDB
    enforces both, Trino not_null (dbt-trino); dbt-athena renders none (the tests prove the key
    there). The dev build holds them."""
    from tests.warehouse.warehouse import connect, rows

    manifest = _manifest(tiny_warehouse)
    assert marts_without_primary_key(manifest) == []
    with connect(tiny_warehouse) as con:
        keyed = rows(
            con,
            "select table_name from duckdb_constraints() "
            "where schema_name = 'gold' and constraint_type = 'PRIMARY KEY' order by 1",
        )
    contracted = sorted(
        n["name"]
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and (n.get("contract") or {}).get("enforced")
    )
    assert [name for (name,) in keyed] == contracted


def test_every_critical_data_element_is_registered_with_tests_that_exist(tiny_warehouse):
    """The register (column meta `cde:` in the model YAML) holds the five elements, each owned by
    a group, and every test and reconciliation it names is in the manifest; a missing one is
    named."""
    manifest = _manifest(tiny_warehouse)
    register = cde_register(manifest)
    assert [c["name"] for c in register] == sorted(CRITICAL_DATA_ELEMENTS)
    assert {c["name"]: c["owner_name"] for c in register}["ctr_cash_in_amount"] == "AML Compliance"
    assert cde_problems(manifest) == []
    broken = copy.deepcopy(manifest)
    victim = next(
        k for k, n in broken["nodes"].items() if n["name"] == "assert_cde_exposure_reconciles"
    )
    del broken["nodes"][victim]
    assert cde_problems(broken) == [
        "exposure_at_default (customer_risk.exposure_at_default): test assert_cde_exposure_reconciles "
        "is not in the manifest"
    ]
