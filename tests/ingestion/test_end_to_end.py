"""The tiny preset end to end: every landed line ends up in bronze or in _malformed, exactly the
generator's malformed lines are malformed, re-runs add nothing, a resent copy is skipped and a
run killed after publishing is completed by the next one without duplicates."""

from __future__ import annotations

import csv
import shutil
from collections import Counter

import pytest

from finlake.contract import load_contract
from ingestion import state
from ingestion.load import load_landing as run
from tests.ingestion.lakes import (
    bronze_files,
    csv_records,
    read_bronze,
    read_ledger,
    read_malformed,
)

CONTRACT = load_contract()


class Killed(Exception):
    """Stands in for the process being killed."""


@pytest.fixture(scope="module")
def lake(tiny_lake, tmp_path_factory, spark):
    """A copy of the tiny landing zone, loaded by a run killed after its third published batch
    (before recording it) and then by a clean run: what a restart after a crash leaves."""
    root = tmp_path_factory.mktemp("e2e")
    shutil.copytree(tiny_lake.landing, root / "landing")
    landing, bronze = str(root / "landing"), str(root / "bronze")
    real_write = state._write_attempt
    published = []

    def killed_on_third_load(store, location, attempt):
        if attempt.status == "loaded" and attempt.rows_written:
            published.append(attempt.batch_id)
            if len(published) == 3:
                raise Killed
        real_write(store, location, attempt)

    state._write_attempt = killed_on_third_load
    try:
        with pytest.raises(Killed):
            run(spark, landing, bronze)
    finally:
        state._write_attempt = real_write
    interrupted = {
        "ledger": len(read_ledger(root / "bronze")),
        "unrecorded_batch": published[-1],
    }
    report = run(spark, landing, bronze)
    return root, report, interrupted


def test_the_restart_removed_the_unrecorded_batch_and_loaded_everything(lake):
    root, report, interrupted = lake
    assert interrupted["ledger"] >= 2
    assert any(interrupted["unrecorded_batch"] in path for path in report.recovered)
    ledger = read_ledger(root / "bronze")
    landed = sorted((root / "landing").rglob("*.csv"))
    assert Counter(r["status"] for r in ledger) == {"loaded": len(landed)}
    assert len({(r["entity"], r["source_file"]) for r in ledger}) == len(landed)


def test_every_landed_record_is_in_bronze_or_malformed_exactly_once(lake):
    root, _, _ = lake
    bronze = root / "bronze"
    ledger = {(r["entity"], r["source_file"]): r for r in read_ledger(bronze)}
    for entity in CONTRACT.entities:
        rows = read_bronze(bronze, entity)
        bad = read_malformed(bronze, entity)
        seen = Counter(
            zip(rows.column("_source_file").to_pylist(), rows.column("_line_number").to_pylist())
        )
        seen.update(
            zip(bad.column("_source_file").to_pylist(), bad.column("_line_number").to_pylist())
        )
        assert max(seen.values()) == 1, f"{entity}: a line was loaded twice"
        for path in sorted((root / "landing" / entity).glob("*.csv")):
            _, records = csv_records(path)
            entry = ledger[(entity, path.name)]
            assert entry["lines_read"] == len(records), path.name
            assert entry["lines_read"] == entry["rows_written"] + entry["malformed_count"]
            assert {line for line, _ in records} == {
                line for (name, line) in seen if name == path.name
            }, path.name


def test_bronze_values_are_the_delivered_fields(lake):
    """Every bronze row equals what Python's csv module reads on its line (empty -> null)."""
    root, _, _ = lake
    bronze = root / "bronze"
    for entity_name, entity in CONTRACT.entities.items():
        rows = {
            (r["_source_file"], r["_line_number"]): r
            for r in read_bronze(bronze, entity_name).to_pylist()
        }
        for path in sorted((root / "landing" / entity_name).glob("*.csv")):
            header, records = csv_records(path)
            columns = {h.strip().lower(): i for i, h in enumerate(header)}
            for line, fields in records:
                row = rows.get((path.name, line))
                if row is None:
                    continue  # malformed: checked against the defect log
                expected = {c: fields[columns[c]] or None for c in entity.column_names}
                assert {c: row[c] for c in entity.column_names} == expected, (path.name, line)


def test_malformed_lines_are_exactly_the_injected_ones(lake, tiny_lake):
    root, _, _ = lake
    with (tiny_lake.truth / "defects.csv").open(newline="", encoding="utf-8") as fh:
        injected = {
            (d["file"], int(d["line"]))
            for d in csv.DictReader(fh)
            if d["kind"].startswith("malformed_") or d["kind"] == "bad_encoding"
        }
    captured = set()
    for entity in CONTRACT.entities:
        bad = read_malformed(root / "bronze", entity)
        captured |= set(
            zip(bad.column("_source_file").to_pylist(), bad.column("_line_number").to_pylist())
        )
    assert injected and captured == injected


def test_running_again_adds_nothing(lake, spark):
    root, _, _ = lake
    before = bronze_files(root / "bronze")
    again = run(spark, str(root / "landing"), str(root / "bronze"))
    assert again.attempts == [] and again.recovered == []
    assert bronze_files(root / "bronze") == before


def test_a_copy_under_another_name_is_skipped(lake, spark):
    root, _, _ = lake
    landing = root / "landing" / "loans"
    shutil.copy(landing / "loans_20250623.csv", landing / "loans_20250701.csv")
    before = read_bronze(root / "bronze", "loans").num_rows
    report = run(spark, str(root / "landing"), str(root / "bronze"))
    (attempt,) = report.attempts
    assert (attempt.source_file, attempt.status) == ("loans_20250701.csv", "skipped_duplicate")
    assert "loans/loans_20250623.csv" in attempt.reject_reason
    assert read_bronze(root / "bronze", "loans").num_rows == before
