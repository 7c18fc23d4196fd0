"""Order-proof incremental loads (issue 20, item 6): whatever order the extracts arrive in, the
incremental silver equals a full refresh of the same bronze. Deliveries here: the daily deltas
first, then two re-sends of transactions with changed values (corrections) - one of events
already loaded (delivered after the original), one of events in the snapshot not yet delivered
(delivered before the original) - a customer correction (a later version), and last the
snapshot that should have come first. The latest extract's version of each event wins in both
cases (models/README.md), and the reconciliation counts the superseded copies."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from finlake.build import run_dbt
from finlake.lake import Lake
from tests.warehouse.test_incremental import copy_landing, file_date
from tests.warehouse.warehouse import connect, silver_tables, table_digest


def _rewrite(source: Path, target: Path, count: int, change) -> list[dict[str, str]]:
    """Write the first `count` records of `source`, changed, to `target`; return the originals."""
    with source.open(newline="", encoding="utf-8-sig", errors="replace") as fh:
        records = list(csv.reader(fh))
    header, body = records[0], [r for r in records[1:] if len(r) == len(records[0])][:count]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in body:
        writer.writerow(change(dict(zip(header, row)), header))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(out.getvalue())
    return [dict(zip(header, row)) for row in body]


def _field(record: dict[str, str], name: str) -> str:
    """A record's value of a contract column, whatever the file's header spelling (the
    generator varies case and spaces: `STATUS`, ` transaction_id `)."""
    return next(v for k, v in record.items() if k.strip().lower() == name).strip()


def _reversed(record: dict[str, str], header: list[str]) -> list[str]:
    return ["reversed" if c.strip().lower() == "status" else record[c] for c in header]


def _digests(lake: Lake) -> dict[str, str]:
    with connect(lake) as con:
        return {t: table_digest(con, t, exclude=("_loaded_at",)) for t in silver_tables(con)}


@pytest.mark.slow
def test_deliveries_out_of_order_equal_a_full_refresh(tiny_lake, spark, tmp_path):
    from ingestion.load import load_landing as ingest

    files = sorted(tiny_lake.landing.rglob("*.csv"))
    dates = sorted({file_date(p) for p in files})
    lake = Lake.resolve(tmp_path / "lake")

    def deliver(batch: list[Path]) -> None:
        copy_landing(tiny_lake, lake, batch)
        ingest(spark, str(lake.landing), str(lake.bronze))
        run_dbt(lake, command="run", extra_args=["--select", "tag:silver"], quiet=True)

    deliver([p for p in files if file_date(p) in dates[1:]])  # the deltas, snapshot missing

    # After the original: a re-send of a loaded delta's first transactions with another status,
    # in a second file of the same day (same extract date, later file).
    delta = next(p for p in files if p.parent.name == "transactions" and file_date(p) == dates[2])
    resend = lake.landing / "transactions" / delta.name.replace(".csv", "_2.csv")
    resent_after = _rewrite(delta, resend, 5, _reversed)
    # Before the original: a correction of snapshot transactions in the last extract, loaded
    # before the snapshot itself arrives.
    last = dates[-1]
    snapshot = next(
        p for p in files if p.parent.name == "transactions" and file_date(p) == dates[0]
    )
    resent_before = _rewrite(
        snapshot, lake.landing / "transactions" / f"transactions_{last}_2.csv", 5, _reversed
    )
    # A correction: a later version of some customers, delivered with the last extract.
    first = next(p for p in files if p.parent.name == "customers" and file_date(p) == dates[0])
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
    corrected_events = 0  # events whose earlier copy a re-send superseded
    for when, originals in (("after", resent_after), ("before", resent_before)):
        ids = [_field(r, "transaction_id") for r in originals]
        changed = [r for r in originals if _field(r, "status").lower() != "reversed"]
        assert len(changed) >= 3, f"the {when} re-send should change some statuses"
        with connect(lake) as con:
            statuses = dict(
                con.execute(
                    "select transaction_id, status from silver.stg_transactions "
                    "where transaction_id in (select unnest(?))",
                    [ids],
                ).fetchall()
            )
        assert len(statuses) >= 3, f"the events re-sent {when} their original should be in silver"
        assert set(statuses.values()) == {"reversed"}, (
            f"an event corrected by a re-send delivered {when} the original kept its old version: "
            f"{statuses}"
        )
        corrected_events += len({_field(r, "transaction_id") for r in changed} & set(statuses))
    with connect(lake) as con:
        unbalanced = con.execute(
            "select count(*) from silver.reconciliation where not is_balanced"
        ).fetchone()[0]
        superseded = con.execute(
            "select sum(superseded_rows) from silver.reconciliation where entity = 'transactions'"
        ).fetchone()[0]
    assert unbalanced == 0
    assert corrected_events > 0 and superseded >= corrected_events  # accounted for, not lost
    run_dbt(
        lake, command="run", extra_args=["--select", "tag:silver", "--full-refresh"], quiet=True
    )
    full = _digests(lake)
    assert set(incremental) == set(full)
    assert {t: incremental[t] for t in full if incremental[t] != full[t]} == {}
