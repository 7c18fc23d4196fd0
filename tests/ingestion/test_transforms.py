"""Header matching, row shaping and the DataFrame steps, on small hand-written inputs."""

from __future__ import annotations

import datetime as dt

import numpy as np
from pyspark.sql import Row

from finlake.contract import load_contract
from ingestion import rfc4180
from ingestion.schemas import FILES_SPARK_SCHEMA, bronze_schema, parsed_spark_schema
from ingestion.transforms import (
    bronze_layout,
    match_header,
    read_header,
    shape_malformed,
    shape_rows,
    with_file_metadata,
    with_load_metadata,
)
from tests.spark_fixture import assertDataFrameEqual

LOANS = load_contract().entity("loans")
LOAN_COLUMNS = LOANS.column_names
LOADED_AT = dt.datetime(2025, 7, 1, 6, 0, tzinfo=dt.UTC)


def test_header_matches_case_insensitively_after_trimming_in_any_order():
    names = [" STATUS ", "Loan_Id", *reversed(LOAN_COLUMNS[1:-2]), "updated_at"]
    match = match_header(names, LOANS)
    assert match.problem is None
    assert match.positions["loan_id"] == 1 and match.positions["status"] == 0
    assert match.extras == [] and match.missing_optional == []


def test_missing_required_column_names_the_column():
    names = [c for c in LOAN_COLUMNS if c != "principal_amount"]
    assert match_header(names, LOANS).problem == "is missing required column 'principal_amount'"


def test_missing_optional_column_is_allowed():
    match = match_header([c for c in LOAN_COLUMNS if c != "maturity_date"], LOANS)
    assert match.problem is None and match.missing_optional == ["maturity_date"]


def test_unexpected_columns_are_drift_kept_as_written():
    match = match_header([*LOAN_COLUMNS, " Branch Code ", "note"], LOANS)
    assert match.problem is None
    assert match.drift == [" Branch Code ", "note"]


def test_a_column_twice_is_a_problem():
    match = match_header([*LOAN_COLUMNS, "LOAN_ID"], LOANS)
    assert match.problem == "has column 'loan_id' more than once in its header"


def test_header_reading_handles_bom_empty_files_and_junk():
    bom = read_header(b"\xef\xbb\xbfa,b\r\n1,2\r\n", complete=True)
    assert (bom.names, bom.bom, bom.end) == (["a", "b"], True, 3 + 5)
    assert read_header(b"", complete=True).names is None
    assert read_header(b"a,b", complete=True).names == ["a", "b"]
    assert "cannot be read" in read_header(b'a,"b"x\n', complete=True).problem
    assert "no line ending" in read_header(b"a" * 100, complete=False).problem


def parsed_rows(text: bytes, names: list[str]):
    match = match_header(names, LOANS)
    records = rfc4180.split_records(text, final=True)
    rows = np.arange(len(records))
    return records, rows, match


def test_shape_rows_puts_fields_under_contract_columns_and_extras_in_a_map():
    names = ["loan_id", "note", *LOAN_COLUMNS[1:]]
    line = "L1,hello,C1,,personal,100.00,7.25,12,2025-01-01,,current,2025-01-01T00:00:00Z\n"
    records, rows, match = parsed_rows(line.encode(), names)
    batch = shape_rows(records, rows, np.array([2]), 3, match, LOANS).to_pylist()
    assert batch[0]["loan_id"] == "L1" and batch[0]["account_id"] is None
    assert batch[0]["_extras"] == [("note", "hello")]
    assert (batch[0]["_line_number"], batch[0]["_file"]) == (2, 3)


def test_shape_malformed_keeps_the_raw_line_with_replacement_characters():
    records = rfc4180.split_records(b"L1,caf\xe9\n", final=True)
    (bad,) = shape_malformed(records, np.array([0]), np.array([7]), 0, 11)
    assert bad == {
        "_file": 0,
        "_line_number": 7,
        "_raw_line": "L1,caf\ufffd",
        "_reason": "not UTF-8 (byte 0xE9)",
    }


def parser_output(spark, rows: list[dict]):
    base = {f.name: None for f in parsed_spark_schema(LOANS).fields}
    return spark.createDataFrame([{**base, **r} for r in rows], parsed_spark_schema(LOANS))


def test_parser_output_becomes_the_bronze_layout(spark):
    parsed = parser_output(
        spark,
        [
            {
                "loan_id": "L1",
                "status": " Current ",
                "_extras": {"note": "x"},
                "_line_number": 2,
                "_file": 0,
            },
            {"loan_id": None, "status": "paid_off", "_extras": None, "_line_number": 4, "_file": 1},
        ],
    )
    given = [  # file number, name, checksum, batch, extract date
        (0, "loans_20250630.csv", "ab" * 32, "loans_20250630-abababababab", dt.date(2025, 6, 30)),
        (1, "loans_20250701.csv", "cd" * 32, "loans_20250701-cdcdcdcdcdcd", dt.date(2025, 7, 1)),
    ]
    files = spark.createDataFrame(given, FILES_SPARK_SCHEMA)
    bronze = (
        parsed.transform(with_file_metadata, files)
        .transform(with_load_metadata, LOADED_AT)
        .transform(bronze_layout, LOANS)
    )
    empty = dict.fromkeys(LOAN_COLUMNS)
    loaded_at = LOADED_AT.astimezone().replace(tzinfo=None)  # Spark hands back local time

    def row(file: int, line: int, extra: str | None, **values) -> Row:
        """The bronze row of a record on `line` of file number `file`."""
        _, name, checksum, batch, day = given[file]
        return Row(
            **{**empty, **values},
            _extra_columns=extra,
            _source_file=name,
            _file_checksum=checksum,
            _line_number=line,
            _batch_id=batch,
            _loaded_at=loaded_at,
            extract_date=day,
            _batch_key=batch,
        )

    expected = [
        row(0, 2, '{"note":"x"}', loan_id="L1", status=" Current "),
        row(1, 4, None, status="paid_off"),
    ]
    schema = bronze_schema(LOANS).add("extract_date", "date").add("_batch_key", "string")
    assertDataFrameEqual(bronze, spark.createDataFrame(expected, schema))
    assert bronze.columns[: len(LOAN_COLUMNS)] == LOAN_COLUMNS
