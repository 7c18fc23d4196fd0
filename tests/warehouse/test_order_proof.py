"""Order-proof incremental loads (issue 20, item 6): whatever order the extracts arrive in, the
incremental silver equals a full refresh of the same bronze. Deliveries here: the daily deltas
first, then a re-send of a transactions file with changed values, a customer correction (a
later version), and last the snapshot that should have come first."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from finlake.dbt_runner import run_dbt
from finlake.lake import Lake
from tests.warehouse.test_incremental import copy_landing, file_date
from tests.warehouse.warehouse import connect, silver_tables, table_digest


def _rewrite(source: Path, target: Path, count: int, change) -> None:
    with source.open(newline="", encoding="utf-8-sig") as fh:
        records = list(csv.reader(fh))
    header, body = records[0], [r for r in records[1:] if len(r) == len(records[0])][:count]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in body:
        writer.writerow(change(dict(zip(header, row)), header))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(out.getvalue())


def _digests(lake: Lake) -> dict[str, str]:
    with connect(lake) as con:
        return {t: table_digest(con, t, exclude=("_loaded_at",)) for t in silver_tables(con)}


@pytest.mark.slow
def test_deliveries_out_of_order_equal_a_full_refresh(tiny_lake, spark, tmp_path):
    from ingestion.main import run as ingest

    files = sorted(tiny_lake.landing.rglob("*.csv"))
    dates = sorted({file_date(p) for p in files})
    lake = Lake.resolve(tmp_path / "lake")

    def deliver(batch: list[Path]) -> None:
        copy_landing(tiny_lake, lake, batch)
        ingest(spark, str(lake.landing), str(lake.bronze))
        run_dbt(lake, command="run", extra_args=["--select", "tag:silver"], quiet=True)

    deliver([p for p in files if file_date(p) in dates[1:]])  # the deltas, snapshot missing

    # A re-send of a delta's first transactions with other values, in a second file of that day.
    delta = next(p for p in files if p.parent.name == "transactions" and file_date(p) == dates[2])
    resend = lake.landing / "transactions" / delta.name.replace(".csv", "_2.csv")
    _rewrite(delta, resend, 5, lambda r, h: [{"status": "reversed"}.get(c, r[c]) for c in h])
    # A correction: a later version of some customers, delivered with the last extract.
    first = next(p for p in files if p.parent.name == "customers" and file_date(p) == dates[0])
    last = dates[-1]
    stamp = f"{last[:4]}-{last[4:6]}-{last[6:]}T00:00:00Z"
    correction = lake.landing / "customers" / f"customers_{last}_2.csv"
    _rewrite(
        first,
        correction,
        5,
        lambda r, h: [{"updated_at": stamp, "city": "Corrected"}.get(c, r[c]) for c in h],
    )
    deliver([])
    deliver([p for p in files if file_date(p) == dates[0]])  # the snapshot, late

    incremental = _digests(lake)
    with connect(lake) as con:
        corrected = con.execute(
            "select count(*) from silver.stg_customers where city = 'Corrected'"
        ).fetchone()[0]
    assert corrected > 0
    run_dbt(
        lake, command="run", extra_args=["--select", "tag:silver", "--full-refresh"], quiet=True
    )
    full = _digests(lake)
    assert set(incremental) == set(full)
    assert {t: incremental[t] for t in full if incremental[t] != full[t]} == {}
