"""Watermark-driven silver (models/README.md, Incremental silver): after more days of deliveries
(`finlake generate --continue`), an incremental build reads only the bronze batches the ledger
records as new, and its every silver and gold table equals a full rebuild of the same bronze —
also after a late delivery of an old date that changes rows already checked, and a second run
with nothing new changes nothing.

The session's tiny warehouse is continued by one day, then by two more with a late file of an
old date and a customer who moves abroad (their accounts' context changes); each step is built
incrementally with its reads counted (bench/build_reads.py) and compared with a
`--full-refresh` build of a copy of the same lake."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bench.build_reads import counting_reads
from finlake import pipeline
from finlake.cli import main
from finlake.lake import Lake
from tests.lake_copy import copy_lake
from tests.warehouse.warehouse import connect, rows, table_digest

# ingestion's time of loading differs between two lakes by design
RUN_COLUMNS = ("_loaded_at",)
ENTITIES = ("customers", "accounts", "loans", "loan_payments", "transactions")


def digests(lake: Lake) -> dict[str, tuple]:
    with connect(lake) as con:
        tables = rows(
            con,
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_schema in ('silver', 'gold') and table_type = 'BASE TABLE' order by 1",
        )
        return {t: table_digest(con, t, exclude=RUN_COLUMNS) for (t,) in tables}


def build(
    lake: Lake, full_refresh: bool = False, command: str = "run"
) -> dict[str, dict[str, int]]:
    """dbt `command` on dev with its reads counted. `run` where only the tables are compared
    (a build's tests take about half of it); the first incremental build is a whole `build`."""
    with counting_reads() as reads:
        pipeline.build(
            lake,
            pipeline.BuildOptions(
                command=command,
                full_refresh=full_refresh,
                dbt_args=("--target-path", str(lake.root / "_dbt_target")),
                quiet=True,
                show=False,
            ),
        )
    return reads.per_model()


def bronze_files(lake: Lake) -> dict[Path, int]:
    return {p: p.stat().st_size for p in lake.bronze.rglob("*.parquet")}


def equal_to_full_rebuild(lake: Lake, tmp_path: Path) -> dict[str, tuple]:
    """The tables that differ between `lake` and a full rebuild of a copy of it."""
    rebuilt = copy_lake(lake, tmp_path / "rebuilt")
    build(rebuilt, full_refresh=True)
    incremental, full = digests(lake), digests(rebuilt)
    assert set(incremental) == set(full)
    return {t: (incremental[t], full[t]) for t in full if incremental[t] != full[t]}


def continue_lake(lake: Lake, days: int, spark) -> None:
    assert (
        main(["--quiet", "generate", "--continue", "--days", str(days), "--lake", str(lake.root)])
        == 0
    )
    pipeline.ingest(lake, pipeline.IngestOptions(spark=spark, show=False))


def read_extract(path: Path) -> tuple[list[str], list[list[str]], dict[str, int]]:
    """A landing file's header, records and column positions by normalised name (the extracts'
    headers differ in case, spacing and order; some start with a byte-order mark)."""
    with path.open(newline="", encoding="utf-8-sig") as fh:
        header, *records = list(csv.reader(fh))
    return header, records, {h.strip().lower(): i for i, h in enumerate(header)}


def late_delivery(lake: Lake) -> list[str]:
    """Two files of an old extract date delivered now, as a bank re-sends a day: an exact copy
    of a transaction first delivered on a later date (the late copy becomes the first delivery
    of the record, the later one its duplicate) and a changed copy of one of the first date's
    (a correction, newer than the first date's version). Each under its source file's header
    (the extracts' headers differ in case, spacing and order)."""
    folder = lake.landing / "transactions"
    by_date: dict[str, list[Path]] = {}
    for path in sorted(folder.glob("transactions_*.csv")):
        by_date.setdefault(path.name.split("_")[1][:8], []).append(path)
    dates = sorted(by_date)
    early = dates[-4]

    def day(value: str) -> str:
        return value[:10].replace("-", "")

    copied = None
    for date in dates[dates.index(early) + 1 :]:
        for path in by_date[date]:
            header, records, at = read_extract(path)
            then = [
                r
                for r in records
                if r[at["transaction_ts"]]
                and day(r[at["transaction_ts"]]) <= early
                and day(r[at["posted_date"]]) <= early
            ]
            if then and copied is None:
                copied = (header, then[0])
    assert copied, f"no transaction delivered after {early} happened by then"
    header, records, at = read_extract(by_date[dates[0]][0])
    corrected = list(records[5])
    status = at["status"]
    corrected[status] = "reversed" if corrected[status].strip().lower() != "reversed" else "posted"
    names = [f"transactions_{early}_7.csv", f"transactions_{early}_8.csv"]
    for name, (head, record) in zip(names, [copied, (header, corrected)], strict=True):
        with (folder / name).open("w", newline="") as fh:
            csv.writer(fh, lineterminator="\n").writerows([head, record])
    return names


def move_abroad(lake: Lake) -> str:
    """A change record of the customer with the most days of activity, delivered with the
    latest customers file: they moved to Australia (another country, another time zone, an
    Australian phone). Every account of theirs changes context (int_account_context), so their
    days are recomputed; nobody else's are. Returns the customer's id."""
    with connect(lake) as con:
        ((customer,),) = rows(
            con,
            "select customer_id from gold.customer_daily_activity "
            "group by 1 order by count(*) desc, 1 limit 1",
        )
    folder = lake.landing / "customers"
    latest: tuple[str, list[str], list[str]] | None = None
    for path in sorted(folder.glob("customers_*.csv")):
        header, records, at = read_extract(path)
        for record in records:
            if record[at["customer_id"]].strip() == customer and (
                latest is None or record[at["updated_at"]] > latest[0]
            ):
                latest = (record[at["updated_at"]], header, record)
    assert latest, f"no delivered record of {customer}"
    _, header, record = latest
    at = {h.strip().lower(): i for i, h in enumerate(header)}
    newest = sorted(folder.glob("customers_*.csv"))[-1]
    day = newest.stem.split("_")[1]
    moved = list(record)
    moved[at["country"]], moved[at["state"]] = "AU", ""
    moved[at["phone"]] = "+61 2 9374 4000"
    moved[at["updated_at"]] = f"{day[:4]}-{day[4:6]}-{day[6:]}T09:30:00.000000"
    with (folder / f"customers_{day}_9.csv").open("w", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([header, moved])
    return customer


@pytest.fixture(scope="module")
def continued(tiny_warehouse, spark, tmp_path_factory):
    """The tiny warehouse plus one day of deliveries, built incrementally; its reads, the
    bronze files the day added and the lake's ledger size."""
    lake = copy_lake(tiny_warehouse, tmp_path_factory.mktemp("watermark") / "lake")
    before = bronze_files(lake)
    continue_lake(lake, 1, spark)
    added = {p: size for p, size in bronze_files(lake).items() if p not in before}
    reads = build(lake, command="build")
    return lake, reads, added


@pytest.mark.slow
def test_one_more_day_reads_only_its_bronze_and_equals_a_full_rebuild(continued, tmp_path):
    lake, reads, added = continued
    ledger = sum(p.stat().st_size for p in lake.load_log.rglob("*.parquet"))
    checked_any = False
    for node, counted in reads.items():
        if not node.startswith("model."):
            continue
        name = node.split(".")[-1]
        entity = name.removeprefix("int_").removesuffix("__checked")
        new = sum(size for p, size in added.items() if p.is_relative_to(lake.bronze_dir(entity)))
        if entity in ENTITIES:
            # its new partitions and the ledger's list of batches, nothing of the history
            assert counted["bronze_bytes"] <= new + ledger, (name, counted, new, ledger)
            checked_any = checked_any or new > 0
        else:
            assert counted["bronze_bytes"] <= ledger, (name, counted)
    assert checked_any, "the continued day should add bronze partitions"
    everything = sum(bronze_files(lake).values())
    assert sum(c["bronze_bytes"] for c in reads.values()) < everything / 4

    # The daily flow holds: the day's batches are in the reconciliation, every batch balances
    # (and the build's every dbt test passed: `build` raises on a failure).
    with connect(lake) as con:
        new_batches, unbalanced = rows(
            con,
            "select count(*) filter (where extract_date > date '2025-06-30'), "
            "count(*) filter (where not is_balanced) from silver.reconciliation",
        )[0]
        fresh = rows(
            con,
            "select count(*) from silver.stg_transactions "
            "where transaction_ts >= timestamp '2025-07-01'",
        )[0][0]
    assert new_batches >= len(ENTITIES) and unbalanced == 0 and fresh > 0

    assert equal_to_full_rebuild(lake, tmp_path) == {}

    # Nothing new: a second run leaves every table as it was.
    before = digests(lake)
    build(lake)
    assert digests(lake) == before


@pytest.mark.slow
def test_later_days_a_late_file_and_a_move_abroad_equal_a_full_rebuild(continued, spark, tmp_path):
    lake = copy_lake(continued[0], tmp_path / "lake")
    continue_lake(lake, 2, spark)
    names = late_delivery(lake)
    customer = move_abroad(lake)
    pipeline.ingest(lake, pipeline.IngestOptions(spark=spark, show=False))
    reads = build(lake)
    with connect(lake) as con:
        late = rows(
            con,
            "select _disposition, count(*) from silver.int_transactions__checked "
            f"where _source_file in ('{names[0]}', '{names[1]}') group by 1 order by 1",
        )
    # the late exact copy is the first delivery of its record now; the correction is superseded
    # by the later extract's version or wins, either way it was decided with its key's history
    assert sum(n for _, n in late) == 2, late
    with connect(lake) as con:
        countries = rows(
            con,
            "select distinct customer_country from gold.int_account_context "
            f"where customer_id = '{customer}'",
        )
        ((daily,),) = rows(con, "select count(*) from gold.customer_daily_activity")
    assert countries == [("AU",)], countries
    # The move recomputes the customer's own days, not every customer's of those days (most of
    # the table): the daily aggregate deletes and writes again a small part of itself.
    counted = reads["model.finlake.customer_daily_activity"]
    assert 0 < counted["rows_written"] < daily / 10, (counted, daily)
    assert equal_to_full_rebuild(lake, tmp_path) == {}


@pytest.mark.slow
def test_one_more_day_recomputes_only_the_new_dates_of_incremental_gold(continued):
    """The gold models incremental by affected dates (models/README.md, Incremental gold) read
    the new day's transactions and the master data, not the history: their counted silver rows
    stay far below the rows of stg_transactions, which a full computation scans whole."""
    lake, reads, _ = continued
    with connect(lake) as con:
        ((history,),) = rows(con, "select count(*) from silver.stg_transactions")
    for model in ("ctr_candidates", "customer_daily_activity"):
        counted = reads[f"model.finlake.{model}"]
        recomputed = counted["silver_rows"] - counted["scope_rows"]
        assert 0 < recomputed < history / 4, (model, counted, history)
