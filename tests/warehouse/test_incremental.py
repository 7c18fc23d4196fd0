"""Re-runs are safe (invariant 2): loading the extracts batch by batch with incremental dbt runs
gives the same silver as one full refresh over all of them, and orphans come back into silver
once their parent arrives."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from finlake.build import run_dbt
from finlake.contract import FILE_NAME_PATTERN
from finlake.lake import Lake
from tests.warehouse.warehouse import connect, defects, rows, silver_tables, table_digest


def file_date(path: Path) -> str:
    return FILE_NAME_PATTERN.match(path.name).group("date")


def copy_landing(source: Lake, target: Lake, files: list[Path]) -> None:
    for path in files:
        dest = target.landing / path.parent.name / path.name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest)


def deliveries(lake: Lake) -> tuple[list[list[Path]], set[str]]:
    """The extracts in four deliveries: the snapshot, three days of deltas, the remaining deltas
    without the account files that hold late-arriving accounts, then those account files. The
    third delivery's transactions of those accounts are orphans until the fourth arrives.
    Returns the deliveries and the late accounts whose transactions arrive first."""
    files = sorted(lake.landing.rglob("*.csv"))
    dates = sorted({file_date(p) for p in files})
    late = [d for d in defects(lake) if d["kind"] == "late_arriving_parent"]
    held_back = {d["file"] for d in late}
    third = [p for p in files if file_date(p) in dates[4:] and p.name not in held_back]
    waiting_accounts = {
        d["key"]
        for d in late
        if any(
            d["key"] in p.read_text(errors="replace")
            for p in third
            if p.parent.name == "transactions"
        )
    }
    return [
        [p for p in files if file_date(p) == dates[0]],
        [p for p in files if file_date(p) in dates[1:4]],
        third,
        [p for p in files if p.name in held_back],
    ], waiting_accounts


@pytest.mark.slow
def test_batches_loaded_incrementally_equal_one_full_refresh(
    tiny_lake, tiny_warehouse, spark, tmp_path
):
    from ingestion.load import load_landing as ingest

    batches, waiting_accounts = deliveries(tiny_lake)
    assert waiting_accounts, "the tiny preset should deliver a late account's transactions first"
    lake = Lake.resolve(tmp_path / "lake")
    orphan_sql = (
        "select _source_file, _line_number from silver.quarantine "
        "where entity = 'transactions' and reason_codes like '%orphan_key%'"
    )
    waiting = set()
    for batch in batches:
        copy_landing(tiny_lake, lake, batch)
        ingest(spark, str(lake.landing), str(lake.bronze))
        run_dbt(lake, command="run", extra_args=["--select", "tag:silver"], quiet=True)
        with connect(lake) as con:
            waiting |= set(rows(con, orphan_sql))

    # _loaded_at records when ingestion ran, which differs between the two lakes by design.
    with connect(lake) as con:
        incremental = {t: table_digest(con, t, exclude=("_loaded_at",)) for t in silver_tables(con)}
        still_waiting = set(rows(con, orphan_sql))
    with connect(tiny_warehouse) as con:
        full = {t: table_digest(con, t, exclude=("_loaded_at",)) for t in silver_tables(con)}
    assert set(incremental) == set(full)
    differing = {t: (incremental[t], full[t]) for t in full if incremental[t] != full[t]}
    assert differing == {}

    # Orphans whose account arrived in a later delivery have left the quarantine; the ones left
    # are exactly the transactions the generator gave a key that points at nothing.
    injected = {
        (d["file"], int(d["line"]))
        for d in defects(tiny_lake)
        if d["entity"] == "transactions" and d["kind"] == "orphan_key"
    }
    assert still_waiting == injected
    assert waiting - still_waiting, "the late accounts' transactions should have returned to silver"
