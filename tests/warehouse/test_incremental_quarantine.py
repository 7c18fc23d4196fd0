"""Incremental quarantine (models/README.md, Incremental silver;
macros/incremental/quarantine_scope.sql): an incremental run deletes, updates and inserts only
the rows where the checked tables' quarantined rows and the quarantine differ, so it reads the
raw records of the new rows, not of the history, and the result still equals a full rebuild after
rows leave the quarantine (a late parent arrives, a late earlier copy makes a row a duplicate),
change their reasons (a missing parent arrives invalid) and enter it in an old date.

The session's tiny warehouse is continued by one day and built incrementally with its reads
counted (bench/build_reads.py); then late files of the first extract date arrive and the lake
is built again, and compared with a `--full-refresh` build of a copy of the same bronze. Only
silver and the data-quality report are built (`SELECT`): the rest of gold does not read the
quarantine."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bench.build_reads import ReadCounter, counting_reads
from finlake import pipeline
from finlake.cli import main
from finlake.lake import Lake
from tests.lake_copy import copy_lake
from tests.warehouse.warehouse import connect, rows, table_digest

SELECT = ("tag:silver", "data_quality_report")
CHECKED = ("customers", "accounts", "transactions", "loans", "loan_payments")


def run(lake: Lake, full_refresh: bool = False) -> ReadCounter:
    """dbt run of SELECT on dev with its reads counted."""
    with counting_reads() as reads:
        pipeline.build(
            lake,
            pipeline.BuildOptions(
                command="run",
                select=SELECT,
                full_refresh=full_refresh,
                dbt_args=("--target-path", str(lake.root / "_dbt_target")),
                quiet=True,
                show=False,
            ),
        )
    return reads


def ingest(lake: Lake, spark) -> None:
    pipeline.ingest(lake, pipeline.IngestOptions(spark=spark, show=False))


def read_csv(path: Path) -> tuple[list[str], list[tuple[int, list[str]]], dict[str, int]]:
    """The header, the records with the line each ends on, and the columns by their name."""
    with path.open(newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        records = [(reader.line_num, record) for record in reader]
    return header, records, {h.strip().lower(): i for i, h in enumerate(header)}


def write_csv(path: Path, header: list[str], records: list[list[str]]) -> None:
    with path.open("w", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([header, *records])


def late_files(lake: Lake) -> dict[str, object]:
    """Files of the first extract date delivered now: the accounts two orphan transactions wait
    for, one valid (its transactions leave the quarantine) and one with an unknown status (its
    transactions stay, now for a quarantined parent), each a copy of a loaded account under
    another id; and an earlier copy of a transaction quarantined for its own values (the copy
    becomes the first delivery, the row already quarantined its duplicate)."""
    with connect(lake) as con:
        orphans = [
            account
            for (account,) in rows(
                con,
                "select distinct account_id from silver.int_transactions__checked "
                "where _reason_codes like '%orphan_key:account_id%' order by 1",
            )
        ]
        loaded = {a for (a,) in rows(con, "select account_id from silver.stg_accounts")}
        ((first,),) = rows(con, "select min(extract_date) from silver.int_transactions__checked")
        copied = rows(
            con,
            "select _source_file, _line_number from silver.int_transactions__checked "
            "where _disposition = 'quarantined' and extract_date > (select min(extract_date) "
            "from silver.int_transactions__checked) and _reason_codes not similar to "
            "'.*(orphan_key|parent_quarantined|future_date).*' "
            "order by extract_date desc, _source_file, _line_number limit 1",
        )
    assert len(orphans) >= 2, "the tiny preset should quarantine orphan transactions"
    assert copied, "the tiny preset should quarantine a transaction for its own values"
    day = first.strftime("%Y%m%d")

    accounts = sorted((lake.landing / "accounts").glob(f"accounts_{day}*.csv"))[0]
    header, records, at = read_csv(accounts)
    model = next(r for _, r in records if r[at["account_id"]].strip() in loaded)
    valid, invalid = list(model), list(model)
    valid[at["account_id"]], invalid[at["account_id"]] = orphans[0], orphans[1]
    invalid[at["status"]] = "unheard_of"
    write_csv(lake.landing / "accounts" / f"accounts_{day}_9.csv", header, [valid, invalid])

    source, line = copied[0]
    header, records, _ = read_csv(lake.landing / "transactions" / source)
    record = next(r for end, r in records if end == line)
    late = f"transactions_{day}_9.csv"
    write_csv(lake.landing / "transactions" / late, header, [record])
    return {
        "released": orphans[0],
        "held": orphans[1],
        "duplicate": (source, line),
        "late": late,
    }


def digests(lake: Lake) -> dict[str, tuple]:
    with connect(lake) as con:
        tables = rows(
            con,
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_schema = 'silver' and table_type = 'BASE TABLE' "
            "or table_schema || '.' || table_name = 'gold.data_quality_report' order by 1",
        )
        return {t: table_digest(con, t) for (t,) in tables}


@pytest.fixture(scope="module")
def one_more_day(tiny_warehouse, spark, tmp_path_factory):
    """The tiny warehouse plus one day of deliveries, built incrementally; its reads."""
    lake = copy_lake(tiny_warehouse, tmp_path_factory.mktemp("quarantine") / "lake")
    assert main(["--quiet", "generate", "--continue", "--days", "1", "--lake", str(lake.root)]) == 0
    ingest(lake, spark)
    return lake, run(lake)


@pytest.mark.slow
def test_one_more_day_reads_the_raw_records_of_the_new_rows_only(one_more_day):
    lake, reads = one_more_day
    with connect(lake) as con:
        history = {
            f"silver.int_{e}__checked": rows(con, f"select count(*) from silver.int_{e}__checked")[
                0
            ][0]
            for e in CHECKED
        }
        ((new,),) = rows(
            con,
            "select count(*) from silver.quarantine where _extract_date = "
            "(select max(extract_date) from silver.int_transactions__checked)",
        )
    assert new > 0, "the continued day should quarantine a row"
    # The raw records the quarantine read from the checked tables are those of the new day's
    # rows (a full build reads every checked row's); the narrow scans that find the dates in
    # scope read none.
    raw = reads.rows_by_table("model.finlake.quarantine", raw_record=True)
    from_checked = sum(raw.get(table, 0) for table in history)
    assert 0 < from_checked < sum(history.values()) / 20, (raw, history)


@pytest.mark.slow
def test_rows_that_leave_change_and_enter_the_quarantine_equal_a_full_rebuild(
    one_more_day, spark, tmp_path
):
    lake = copy_lake(one_more_day[0], tmp_path / "lake")
    late = late_files(lake)
    ingest(lake, spark)
    run(lake)
    with connect(lake) as con:
        waiting = dict(
            rows(
                con,
                "select json_extract_string(raw_record, '$.account_id'), "
                "string_agg(distinct primary_reason_code, ',') from silver.quarantine "
                "where entity = 'transactions' group by 1",
            )
        )
        duplicate = rows(
            con,
            "select _disposition from silver.int_transactions__checked "
            f"where (_source_file, _line_number) = {late['duplicate']}",
        )
        entered = rows(
            con, f"select count(*) from silver.quarantine where _source_file = '{late['late']}'"
        )
    assert late["released"] not in waiting, "the late valid account should release its orphans"
    assert waiting.get(late["held"]) == "parent_quarantined", waiting.get(late["held"])
    assert duplicate == [("exact_duplicate",)] and entered == [(1,)], (duplicate, entered)

    rebuilt = copy_lake(lake, tmp_path / "rebuilt")
    run(rebuilt, full_refresh=True)
    incremental, full = digests(lake), digests(rebuilt)
    assert set(incremental) == set(full) and "silver.quarantine" in full
    assert {t: (incremental[t], full[t]) for t in full if incremental[t] != full[t]} == {}
