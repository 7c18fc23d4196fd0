"""The code that runs in Spark's Python workers, called directly: survey and range parsing."""

from __future__ import annotations

import hashlib

from ingestion.transforms import match_header, read_header
from ingestion.worker import FilePlan, Range, parse_range, survey
from tests.ingestion.lakes import ACCOUNTS, ACCOUNTS_DAY1, HEADER, TS, write


def plan_for(path) -> tuple[FilePlan, object]:
    sv = survey(str(path), split_bytes=200)
    header = read_header(sv.head, complete=sv.size <= len(sv.head))
    return FilePlan(0, str(path), sv.size, header.bom, match_header(header.names, ACCOUNTS)), sv


def test_survey_hashes_the_file_and_counts_lines_before_each_split(tmp_path):
    lines = [HEADER] + [f"A{i},C{i},checking,USD,active,2024-01-01,,,1.00,{TS}" for i in range(20)]
    data = ("\n".join(lines) + "\n").encode()
    path = write(tmp_path, "accounts/accounts_20250101.csv", data)
    sv = survey(str(path), split_bytes=200)
    assert (sv.size, sv.checksum) == (len(data), hashlib.sha256(data).hexdigest())
    assert sv.splits and all(data[start - 1 : start] == b"\n" for start, _ in sv.splits)
    assert all(data[:start].count(b"\n") == lines for start, lines in sv.splits)


def test_ranges_read_each_record_once_and_report_where_they_ended(tmp_path):
    path = write(tmp_path, "accounts/accounts_20250101.csv", ACCOUNTS_DAY1)
    plan, sv = plan_for(path)
    starts = [(0, 0), *sv.splits]
    side: list[dict] = []
    rows = []
    for k, (start, lines) in enumerate(starts):
        stop = starts[k + 1][0] if k + 1 < len(starts) else sv.size
        for batch in parse_range(plan, Range(0, k, start, stop, lines), ACCOUNTS, side, 64):
            rows += batch.column("_line_number").to_pylist()
    stats = [s for s in side if "_records" in s]
    malformed = [s["_line_number"] for s in side if "_raw_line" in s]
    assert sorted(rows) == [2, 3, 4, 9] and sorted(malformed) == [6, 7, 8]
    assert sum(s["_records"] for s in stats) == 7 and all(s["_error"] is None for s in stats)
    assert [s["_next_start"] for s in stats] == [r for r, _ in starts[1:]] + [sv.size]


def test_a_file_that_changed_after_hashing_is_an_error_not_a_partial_load(tmp_path):
    path = write(tmp_path, "accounts/accounts_20250101.csv", ACCOUNTS_DAY1)
    plan, sv = plan_for(path)
    with path.open("ab") as fh:
        fh.write(b"\r\nA8,C8,checking,USD,active,2024-08-01,,,1.00," + TS.encode())
    side: list[dict] = []
    batches = list(parse_range(plan, Range(0, 0, 0, sv.size, 0), ACCOUNTS, side))
    assert batches == []
    assert "changed since it was hashed" in side[-1]["_error"]
