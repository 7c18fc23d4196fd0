"""Watermark-driven silver on Trino (the engine inside Athena): the checked models built
incrementally after one more day of deliveries equal a full refresh of the same bronze, and the
incremental run names only the new day's partition in its bronze predicate (what lets Trino and
Athena prune the others; models/README.md, Incremental silver), and Trino's own statistics
(bench/trino_reads.py, the stand-in for Athena's bytes scanned) show it reading far fewer bronze
bytes than the full run. The counter rides on the builds the test makes anyway (no build more).

The models are built into schemas of their own (`*_wm`), without write-audit-publish (a
selection; it would otherwise build the other slot), so the parity suite's schemas on the same
server are left alone."""

from __future__ import annotations

import re

import pytest

from bench.trino_reads import counting_reads
from finlake import pipeline
from finlake.cli import main
from finlake.lake import Lake
from finlake.parity import compare_tables, read_trino
from tests.lake_copy import copy_lake
from tests.trino.conftest import trino_server

SELECT = ("+int_transactions__checked", "+int_loan_payments__checked", "+int_loans__checked")
CHECKED = [
    f"int_{e}__checked" for e in ("customers", "accounts", "loans", "loan_payments", "transactions")
]
NODE = "model.finlake.int_transactions__checked"
# the bronze predicate (the scan of the model's own table has one of its own, without batches)
PREDICATE = re.compile(r"extract_date in \(([^)]*)\) and _batch_id in")


def run_checked(lake: Lake, schema_suffix: str, monkeypatch, full_refresh: bool) -> dict:
    """Build the checked models on trino; what each node read, from Trino's statistics."""
    for layer in ("bronze", "silver", "gold", "reference"):
        monkeypatch.setenv(f"FINLAKE_{layer.upper()}_SCHEMA", f"{layer}_{schema_suffix}")
    with counting_reads() as reads:
        pipeline.build(
            lake,
            pipeline.BuildOptions(
                target="trino",
                command="run",
                select=SELECT,
                full_refresh=full_refresh,
                dbt_args=("--target-path", str(lake.root / f"_trino_{schema_suffix}")),
                quiet=True,
                show=False,
            ),
        )
    return reads.per_model()


@pytest.mark.trino
@pytest.mark.slow
def test_one_more_day_on_trino_reads_its_partition_and_equals_a_full_refresh(
    trino, tiny_warehouse, spark, tmp_path, monkeypatch
):
    monkeypatch.setenv("FINLAKE_WRITE_AUDIT_PUBLISH", "0")
    lake = copy_lake(tiny_warehouse, tmp_path / "lake")
    full_reads = run_checked(lake, "wm", monkeypatch, full_refresh=True)
    assert main(["--quiet", "generate", "--continue", "--days", "1", "--lake", str(lake.root)]) == 0
    pipeline.ingest(lake, pipeline.IngestOptions(spark=spark, show=False))
    new_dates = {p.name.split("=")[1] for p in lake.bronze_dir("transactions").iterdir()} - {
        p.name.split("=")[1] for p in tiny_warehouse.bronze_dir("transactions").iterdir()
    }
    one_day_reads = run_checked(lake, "wm", monkeypatch, full_refresh=False)

    compiled = (
        lake.root
        / "_trino_wm"
        / "compiled"
        / "finlake"
        / "models"
        / "silver"
        / "transactions"
        / "int_transactions__checked.sql"
    ).read_text()
    (dates,) = PREDICATE.findall(compiled)
    assert set(re.findall(r"\d{4}-\d{2}-\d{2}", dates)) == new_dates

    run_checked(lake, "wm_full", monkeypatch, full_refresh=True)
    catalog = trino_server.ICEBERG_CATALOG
    incremental = read_trino(trino.host, trino.port, catalog, ["silver_wm"])
    full = read_trino(trino.host, trino.port, catalog, ["silver_wm_full"])
    for name in CHECKED:
        parity = compare_tables(
            name,
            incremental[f"silver_wm.{name}"],
            full[f"silver_wm_full.{name}"],
            "incremental",
            "full refresh",
        )
        assert parity.ok, parity.describe()

    # Trino's statistics: bytes go to the model that read them, split by catalog; the full run
    # reads every day of bronze, the incremental one the new day only (and its own table).
    full, one_day = full_reads[NODE], one_day_reads[NODE]
    assert full["bronze_bytes"] > 0 and full["pruned"] == 0
    assert one_day["bronze_bytes"] > 0 and one_day["silver_bytes"] > 0
    assert one_day["bronze_bytes"] * 5 < full["bronze_bytes"], (full, one_day)
