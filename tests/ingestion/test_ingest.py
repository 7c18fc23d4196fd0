"""`load_landing()` (ingestion/load.py) on small hand-written landing zones: what lands where,
what the ledger says, and that a re-run or a restart after a crash changes nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pyarrow.compute as pc
import pytest
from pyspark.sql import Row

from finlake.contract import load_contract
from ingestion import state
from ingestion.load import load_landing as run
from ingestion.schemas import bronze_schema
from tests.ingestion.lakes import (
    ACCOUNTS,
    ACCOUNTS_DAY1,
    HEADER,
    TS,
    bronze_files,
    csv_text,
    read_bronze,
    read_ledger,
    read_malformed,
    write,
)
from tests.spark_fixture import assertDataFrameEqual

LOANS_ROWS = [
    ["L1", "C1", "A1", "personal", "1000.00", "7.25", "12", "2024-01-01", "", "current", TS],
    ["L2", "C2", "", "auto", "2000.00", "5.00", "24", "2024-02-01", "", "current", TS],
]


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def lake(tmp_path_factory, spark):
    """A landing zone with one file per situation, loaded once; the report of that run."""
    root = tmp_path_factory.mktemp("handmade")
    landing, bronze = root / "landing", root / "bronze"
    write(landing, "accounts/accounts_20250101.csv", ACCOUNTS_DAY1)
    reordered = ["Branch ", *reversed(ACCOUNTS.column_names)]
    write(
        landing,
        "accounts/accounts_20250102.csv",
        csv_text(
            [c.upper() if i % 2 else c for i, c in enumerate(reordered)],
            [["B7", TS, "9.99", "", "", "2024-08-01", "dormant", "EUR", "savings", "C8", "A8"]],
        ),
    )
    no_balance = [c for c in ACCOUNTS.column_names if c != "current_balance"]
    write(landing, "accounts/accounts_20250103.csv", csv_text(no_balance, [["x"] * 9]))
    write(landing, "accounts/accounts_20250104.csv", HEADER + "\n")
    write(landing, "accounts/accounts_20250105.csv", b"")
    loans = csv_text(load_contract().entity("loans").column_names, LOANS_ROWS)
    write(landing, "loans/loans_20250101.csv", loans)
    write(landing, "loans/loans_20250102.csv", loans)  # the same bytes, delivered again
    write(landing, "loans/loans-final.csv", loans)
    write(landing, "loans/loans_20250231.csv", loans)
    write(landing, "loans/accounts_20250106.csv", HEADER + "\n")
    write(landing, "loans/.loans_20250103.csv.part", "half a file")
    write(landing, "cards/cards_20250101.csv", "card_id\nK1\n")
    write(landing, "readme.txt", "not an extract")
    report = run(spark, str(landing), str(bronze))
    return root, report


def ledger_by_file(bronze: Path) -> dict[str, dict]:
    return {row["source_file"]: row for row in read_ledger(bronze)}


def test_each_file_gets_one_ledger_row_with_the_right_status(lake):
    root, _ = lake
    ledger = ledger_by_file(root / "bronze")
    statuses = {name: row["status"] for name, row in ledger.items()}
    assert statuses == {
        "accounts_20250101.csv": "loaded",
        "accounts_20250102.csv": "loaded",
        "accounts_20250103.csv": "rejected",
        "accounts_20250104.csv": "loaded",
        "accounts_20250105.csv": "empty",
        "loans_20250101.csv": "loaded",
        "loans_20250102.csv": "skipped_duplicate",
        "loans-final.csv": "rejected",
        "loans_20250231.csv": "rejected",
        "accounts_20250106.csv": "rejected",
        "cards_20250101.csv": "rejected",
        "readme.txt": "rejected",
    }
    assert len(read_ledger(root / "bronze")) == len(statuses)
    assert all(row["attempt"] == 1 for row in ledger.values())


def test_ledger_counts_reconcile_for_every_file(lake):
    root, _ = lake
    for row in read_ledger(root / "bronze"):
        if row["status"] == "loaded":
            assert row["lines_read"] == row["rows_written"] + row["malformed_count"], row
        else:  # rejected and duplicate files count their records but load none
            assert row["rows_written"] == row["malformed_count"] == 0, row
    day1 = ledger_by_file(root / "bronze")["accounts_20250101.csv"]
    assert (day1["lines_read"], day1["rows_written"], day1["malformed_count"]) == (7, 4, 3)
    assert day1["file_checksum"] == sha(ACCOUNTS_DAY1)
    assert day1["batch_id"] == f"accounts_20250101-{sha(ACCOUNTS_DAY1)[:12]}"
    assert day1["extract_date"] == dt.date(2025, 1, 1)


def test_rejections_name_the_file_and_the_reason(lake):
    root, report = lake
    ledger = ledger_by_file(root / "bronze")
    reasons = {name: row["reject_reason"] for name, row in ledger.items() if row["reject_reason"]}
    assert reasons["accounts_20250103.csv"] == (
        "accounts/accounts_20250103.csv is missing required column 'current_balance'; "
        "nothing from it was loaded."
    )
    assert "not an entity of the landing contract" in reasons["cards_20250101.csv"]
    assert "file name pattern <entity>_<YYYYMMDD>[_<seq>].csv" in reasons["loans-final.csv"]
    assert "not a calendar date" in reasons["loans_20250231.csv"]
    assert (
        "names entity 'accounts' but is in the 'loans' folder" in reasons["accounts_20250106.csv"]
    )
    assert "not inside an entity folder" in reasons["readme.txt"]
    assert reasons["loans_20250102.csv"] == (
        "loans/loans_20250102.csv has the same bytes as loans/loans_20250101.csv, already loaded."
    )
    assert {a.source_file for a in report.problems} == {
        name for name, row in ledger.items() if row["status"] == "rejected"
    }
    assert any(".loans_20250103.csv.part" in w for w in report.warnings)


def test_nothing_from_a_rejected_file_is_loaded(lake):
    root, _ = lake
    sources = set(read_bronze(root / "bronze", "accounts").column("_source_file").to_pylist())
    assert sources == {"accounts_20250101.csv", "accounts_20250102.csv"}
    assert not (root / "bronze" / "cards").exists()


def test_bronze_keeps_values_exactly_as_delivered(lake, spark):
    root, _ = lake
    bronze = root / "bronze"
    actual = spark.read.schema(bronze_schema(ACCOUNTS)).parquet(
        str(bronze / "accounts" / "extract_date=2025-01-01")
    )
    checksum = sha(ACCOUNTS_DAY1)
    batch = f"accounts_20250101-{checksum[:12]}"

    def row(line, values):
        return Row(
            **dict(zip(ACCOUNTS.column_names, values)),
            _extra_columns=None,
            _source_file="accounts_20250101.csv",
            _file_checksum=checksum,
            _line_number=line,
            _batch_id=batch,
        )

    n = None
    expected = [
        row(2, ["A1", "C1", "checking", "USD", "active", "2024-01-01", n, n, "1,234.50", TS]),
        row(3, ["A2", "C2", " Savings ", "usd", "active", "2024-02-01", n, n, 'say "hi"', TS]),
        row(4, ["A3", "C3", "checking", "USD", "active", "2024-03-01", n, n, "10.00\r\nextra", TS]),
        row(9, ["A7", "C7", "checking", "USD", "active", "2024-07-01", n, "500", "1.00", TS]),
    ]
    schema = bronze_schema(ACCOUNTS)
    schema.fields.pop()  # _loaded_at: checked below
    schema.names.pop()
    assertDataFrameEqual(actual.drop("_loaded_at"), spark.createDataFrame(expected, schema))
    loaded_at = read_bronze(bronze, "accounts").column("_loaded_at").unique().to_pylist()
    assert len(loaded_at) == 1 and loaded_at[0].tzinfo is not None


def test_malformed_lines_keep_raw_text_line_and_reason(lake):
    root, _ = lake
    bad = read_malformed(root / "bronze", "accounts").sort_by("_line_number").to_pylist()
    assert [(b["_line_number"], b["_reason"]) for b in bad] == [
        (6, "wrong field count: 5 fields, expected 10"),
        (7, "text after a closing quote"),
        (8, "not UTF-8 (byte 0xE9)"),
    ]
    assert bad[0]["_raw_line"] == "A4,C4,checking,USD,active"
    assert bad[2]["_raw_line"] == f"A6,C6,checking,USD,act\ufffdve,2024-06-01,,,1.00,{TS}"
    assert {b["_source_file"] for b in bad} == {"accounts_20250101.csv"}
    assert {b["extract_date"] for b in bad} == {"2025-01-01"}  # from the folder name


def test_extra_columns_are_kept_as_json_and_reported_as_drift(lake):
    root, report = lake
    accounts = read_bronze(root / "bronze", "accounts")
    day2 = accounts.filter(pc.equal(accounts.column("_source_file"), "accounts_20250102.csv"))
    row = day2.to_pylist()[0]
    assert json.loads(row["_extra_columns"]) == {"Branch ": "B7"}
    assert (row["account_id"], row["status"], row["closed_date"]) == ("A8", "dormant", None)
    ledger = ledger_by_file(root / "bronze")["accounts_20250102.csv"]
    assert json.loads(ledger["schema_drift"]) == ["Branch "]
    assert any("schema drift" in w and "'Branch '" in w for w in report.warnings)


def test_empty_and_header_only_files_load_as_zero_rows(lake):
    root, _ = lake
    ledger = ledger_by_file(root / "bronze")
    for name in ("accounts_20250104.csv", "accounts_20250105.csv"):
        assert (ledger[name]["lines_read"], ledger[name]["rows_written"]) == (0, 0)
    assert not (root / "bronze" / "accounts" / "extract_date=2025-01-04").exists()


def test_running_again_adds_nothing(lake, spark):
    root, _ = lake
    before = bronze_files(root / "bronze")
    again = run(spark, str(root / "landing"), str(root / "bronze"))
    assert again.attempts == [] and again.unchanged == 12
    assert bronze_files(root / "bronze") == before


def test_a_crash_between_publish_and_ledger_is_undone_by_the_next_run(tmp_path, spark, monkeypatch):
    landing, bronze = tmp_path / "landing", tmp_path / "bronze"
    write(landing, "accounts/accounts_20250101.csv", ACCOUNTS_DAY1)
    real_write = state._write_attempt

    def crash_on_loaded(store, location, attempt):
        if attempt.status == "loaded":
            raise KeyboardInterrupt("killed after publishing, before the ledger write")
        real_write(store, location, attempt)

    monkeypatch.setattr(state, "_write_attempt", crash_on_loaded)
    with pytest.raises(KeyboardInterrupt):
        run(spark, str(landing), str(bronze))
    assert read_bronze(bronze, "accounts").num_rows == 4  # published, but not recorded
    assert read_ledger(bronze) == []

    monkeypatch.setattr(state, "_write_attempt", real_write)
    report = run(spark, str(landing), str(bronze))
    assert len(report.recovered) >= 2  # the unrecorded bronze and malformed files
    rows = read_bronze(bronze, "accounts")
    assert rows.num_rows == 4
    assert sorted(rows.column("_line_number").to_pylist()) == [2, 3, 4, 9]
    assert read_malformed(bronze, "accounts").num_rows == 3
    assert [r["status"] for r in read_ledger(bronze)] == ["loaded"]


def test_large_files_are_parsed_in_ranges_with_exact_line_numbers(tmp_path, spark):
    """A small split size makes several ranges per file and a small block size several blocks
    per range. In one file a split point falls inside a quoted field, before its line feed: the
    range check catches it and that file is parsed again as one range."""
    landing, bronze = tmp_path / "landing", tmp_path / "bronze"
    split = 1500
    expected: dict[str, list[int]] = {}
    for day, quoted in (("20250101", False), ("20250102", True)):
        lines, numbers = [HEADER], []
        for i in range(45):
            text = "\n".join(lines) + "\n"
            balance = f"{i}.00"
            if quoted and len(text) < split <= len(text) + 200:  # this record spans the split
                pad = split - len(text) + 10
                balance = '"' + "9" * pad + '\nline two"'
            lines.append(f"A{i},C{i},checking,USD,active,2024-01-01,,,{balance},{TS}")
            numbers.append(len(text.splitlines()) + 1)
            if i % 17 == 5:
                lines.append(f"A{i}x,broken")
        expected[f"accounts_{day}.csv"] = numbers
        write(landing, f"accounts/accounts_{day}.csv", "\n".join(lines) + "\n")
    run(spark, str(landing), str(bronze), split_bytes=split, block_bytes=256)
    rows = read_bronze(bronze, "accounts").to_pylist()
    for name, numbers in expected.items():
        mine = sorted(
            (r for r in rows if r["_source_file"] == name), key=lambda r: r["_line_number"]
        )
        assert [r["account_id"] for r in mine] == [f"A{i}" for i in range(45)]
        assert [r["_line_number"] for r in mine] == numbers
    assert any(r["current_balance"].endswith("9\nline two") for r in rows)
    assert read_malformed(bronze, "accounts").num_rows == 6
    for entry in read_ledger(bronze):
        assert (entry["lines_read"], entry["rows_written"], entry["malformed_count"]) == (48, 45, 3)
    parts = {
        day: len(list((bronze / "accounts" / f"extract_date=2025-01-0{day}").glob("*.parquet")))
        for day in (1, 2)
    }
    assert parts == {1: 3, 2: 1}  # split in three; parsed whole after the split check failed
