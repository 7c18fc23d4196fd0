"""The tiny preset gives the same silver and gold on DuckDB (dev) and on Trino with Iceberg
(trino), and every dbt test ends the same way on both."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.trino


def test_every_model_and_seed_builds_on_both_engines(parity_run):
    for build in (parity_run.dev, parity_run.trino):
        assert build.errors() == [], f"on {build.target}: " + "\n".join(build.errors())


def test_every_silver_and_gold_table_is_compared(parity_run):
    names = {t.name for t in parity_run.report.tables}
    for expected in (
        "silver.stg_customers",
        "silver.stg_transactions",
        "silver.quarantine",
        "gold.fraud_alerts",
    ):
        assert expected in names
    assert {name.split(".")[0] for name in names} >= {"silver", "gold", "reference"}


def test_every_table_holds_the_same_rows(parity_run):
    report = parity_run.report
    assert report.differing_tables == [], report.describe()


def test_every_dbt_test_ends_alike(parity_run):
    tests = parity_run.report.tests
    assert tests is not None and tests.total > 0
    assert tests.ok, tests.describe()
