"""finlake/lineage/compare.py on small graphs written by hand: what makes two targets' lineage
differ, and the list of differences an engine's macro makes on purpose (tests/trino compares
the real compilations of dev, trino and prod)."""

from __future__ import annotations

from finlake.lineage.compare import differences
from finlake.lineage.graph import (
    IDENTITY,
    LANDING,
    TRANSFORMATION,
    Dataset,
    Edge,
    Lineage,
    build_lineage,
)


def graph(email_hop: Edge, extra_column: bool = False) -> Lineage:
    """landing.customers (email is pii) -> stg_customers (customer_id copied, email_masked)."""
    lineage = Lineage()
    landing = "landing.customers"
    lineage.datasets[landing] = Dataset(
        landing, "landing", ("customer_id", "email"), pii=frozenset({"email"})
    )
    for column in ("customer_id", "email"):
        lineage.origins[(landing, column)] = LANDING
    columns = ("customer_id", "email_masked") + (("region",) if extra_column else ())
    lineage.datasets["stg_customers"] = Dataset("stg_customers", "silver", columns)
    lineage.edges[("stg_customers", "customer_id")] = [Edge(landing, "customer_id", IDENTITY)]
    lineage.edges[("stg_customers", "email_masked")] = [email_hop]
    if extra_column:
        lineage.origins[("stg_customers", "region")] = "constant"
        lineage.notes[("stg_customers", "region")] = "'EU'"
    return lineage


MASKED = Edge("landing.customers", "email", TRANSFORMATION, masking=True)


def test_the_same_graph_on_every_target_has_no_difference():
    assert differences({"dev": graph(MASKED), "trino": graph(MASKED), "prod": graph(MASKED)}) == []


def test_a_hop_read_differently_on_one_target_is_reported_with_each_targets_view():
    copied = Edge("landing.customers", "email", IDENTITY)  # the mask lost on prod
    found = differences({"dev": graph(MASKED), "prod": graph(copied)})
    assert len(found) == 2, found
    inputs, classification = found
    assert inputs.startswith("stg_customers.email_masked inputs: dev ")
    assert "'TRANSFORMATION', True" in inputs and "'IDENTITY', False" in inputs
    assert classification.startswith("stg_customers.email_masked classification:")


def test_a_column_on_some_targets_only_is_reported():
    found = differences({"dev": graph(MASKED, extra_column=True), "trino": graph(MASKED)})
    assert found == ["stg_customers.region: no such column on trino"]


def test_a_listed_engine_difference_is_allowed_and_a_stale_one_reported():
    copied = Edge("landing.customers", "email", IDENTITY)
    allowed = {("stg_customers", "email_masked"): "an engine masks in its macro"}
    assert differences({"dev": graph(MASKED), "prod": graph(copied)}, allowed) == []
    stale = differences({"dev": graph(MASKED), "prod": graph(MASKED)}, allowed)
    assert len(stale) == 1 and "remove it from ENGINE_DIFFERENCES" in stale[0]


def test_a_constant_cast_to_varchar_reads_the_same_from_duckdb_and_athena_sql():
    """sqlglot reads DuckDB's varchar as TEXT: the constant's note must not differ for that."""
    manifest = {
        "metadata": {"project_name": "finlake"},
        "sources": {},
        "nodes": {
            "model.finlake.labels": {
                "resource_type": "model",
                "name": "labels",
                "original_file_path": "models/gold/labels.sql",
                "relation_name": "db.main.labels",
                "compiled_code": "select cast(5 as varchar) || ' days' as label",
                "depends_on": {"nodes": []},
                "columns": {},
            }
        },
    }
    notes = {
        target: build_lineage(manifest, target).notes[("labels", "label")]
        for target in ("dev", "prod")
    }
    assert notes["dev"] == notes["prod"] == "CAST(5 AS VARCHAR) || ' days'", notes
