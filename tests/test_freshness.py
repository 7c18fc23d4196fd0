"""Freshness runs in every build (finlake/freshness.py): `dbt source freshness` on the business
date, bronze's extract_date against the lake's latest extract, reading only recent partitions."""

from __future__ import annotations

import datetime as dt
import json
import shutil

from finlake import freshness
from tests.conftest import DEV_TARGET_PATH


def test_the_build_checked_every_bronze_source_on_the_business_date(tiny_warehouse):
    """The shared tiny build ran the check first: sources.json beside its run_results, every
    bronze entity passing, its newest extract the lake's business date (the ledger's latest)."""
    results = json.loads((tiny_warehouse.root / DEV_TARGET_PATH / "sources.json").read_text())[
        "results"
    ]
    by_name = {r["unique_id"].split(".")[-1]: r for r in results}
    assert set(by_name) == {"customers", "accounts", "transactions", "loans", "loan_payments"}
    day = freshness.business_date(tiny_warehouse)
    assert by_name["transactions"]["status"] == "pass"
    assert by_name["transactions"]["max_loaded_at"][:10] == day.isoformat()
    assert by_name["transactions"]["snapshotted_at"][:10] == day.isoformat()


def test_stale_sources_are_named(tiny_warehouse, tmp_path, monkeypatch):
    """Three days after the last extract every source is stale at the warning level, named with
    its last extract; ten days after, nothing is in the window read, so each is stale at the
    error level. The same project parse is reused (a copy of the build's partial parse)."""
    target = tmp_path / "target"
    target.mkdir()
    shutil.copy(tiny_warehouse.root / DEV_TARGET_PATH / "partial_parse.msgpack", target)
    last = freshness.business_date(tiny_warehouse)
    for days_later, level in ((3, "warn"), (10, "error")):
        monkeypatch.setenv(
            "FINLAKE_BUSINESS_DATE", (last + dt.timedelta(days=days_later)).isoformat()
        )
        with freshness.business_environment(tiny_warehouse):
            result = freshness.check(tiny_warehouse, "dev", target)
        assert result.problem is None
        assert len(result.checked) == 5
        transactions = next(
            line for line in result.stale if line.startswith("bronze.transactions ")
        )
        assert transactions.startswith(f"bronze.transactions ({level}: ")
        if level == "warn":
            assert f"last extract {last.isoformat()}" in transactions
        else:
            assert "no extract in the 7 days before it" in transactions
        assert "stale: bronze." in result.describe()
