"""Bronze written by pyarrow in the Python workers (ingestion/arrow_writer.py, the default) is
what Spark's own Parquet writer (FINLAKE_INGEST_WRITER=spark, the way before) writes from the
same landing files: the same rows and values, the same file schema, the same ledger counts.

The landing files are the tiny preset's (BOMs, CRLF, reordered headers, quoted newlines,
malformed lines, personal data to tokenise) plus a file with columns the contract does not
know, and ranges are forced small so files are split across tasks."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from finlake.lake import Lake
from ingestion.load import load_landing
from ingestion.parse import WRITER_ENV, writer
from ingestion.pii import resolve_key
from tests.ingestion.lakes import HEADER, TS, read_bronze, read_ledger, read_malformed, write
from tests.lake_copy import copy_lake

DRIFT = f'{HEADER},Branch ,note\nA9,C9,checking,USD,active,2024-09-01,,,2.00,{TS},B7,"a,b"\n'
LOAD_TIME = {"_loaded_at"}
# Personal data to tokenise, a drifted header, files split into ranges: loans and loan payments
# add nothing these do not (and each entity costs a Spark job per writer).
ENTITIES = ["customers", "accounts", "transactions"]


@pytest.fixture(scope="module")
def bronzes(tiny_lake, spark, tmp_path_factory, request):
    out = {}
    for chosen in ("spark", "arrow"):
        lake = copy_lake(tiny_lake, tmp_path_factory.mktemp(chosen) / "lake")
        write(lake.landing, "accounts/accounts_20250701.csv", DRIFT)
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv(WRITER_ENV, chosen)
            assert writer() == chosen
            load_landing(
                spark,
                str(lake.landing),
                str(lake.bronze),
                entities=ENTITIES,
                split_bytes=256 * 1024,  # several ranges per transactions file
                pii_key=resolve_key(dev_pii_key=True),
            )
        out[chosen] = lake
    return out


def rows(lake: Lake, entity: str) -> list[tuple]:
    table = read_bronze(lake.bronze, entity)
    keep = [c for c in table.column_names if c not in LOAD_TIME]
    return sorted(tuple(str(v) for v in row.values()) for row in table.select(keep).to_pylist())


@pytest.mark.parametrize("entity", ENTITIES)
def test_the_same_rows_and_values_as_spark_wrote(bronzes, entity):
    spark_rows, arrow_rows = rows(bronzes["spark"], entity), rows(bronzes["arrow"], entity)
    assert len(arrow_rows) > 0
    assert arrow_rows == spark_rows


def test_the_same_file_schema_and_layout(bronzes):
    for entity in ("customers", "transactions"):
        schemas = {}
        for chosen, lake in bronzes.items():
            files = sorted((lake.bronze / entity).rglob("*.parquet"))
            assert files, f"{chosen} wrote no {entity} files"
            schemas[chosen] = pq.read_schema(files[0]).remove_metadata()
            names = {p.parent.name for p in files}
            assert all(n.startswith("extract_date=") for n in names)
        assert schemas["arrow"] == schemas["spark"]
    extra = [
        r["_extra_columns"]
        for r in read_bronze(bronzes["arrow"].bronze, "accounts").to_pylist()
        if r["_extra_columns"]
    ]
    assert extra == ['{"Branch ":"B7","note":"a,b"}']


def test_the_same_ledger_and_malformed_lines(bronzes):
    def ledger(lake):
        return sorted(
            (
                r["source_file"],
                r["status"],
                r["lines_read"],
                r["rows_written"],
                r["malformed_count"],
            )
            for r in read_ledger(lake.bronze)
        )

    assert ledger(bronzes["arrow"]) == ledger(bronzes["spark"])
    bad = {
        chosen: sorted(
            read_malformed(lake.bronze, "transactions").column("_line_number").to_pylist()
        )
        for chosen, lake in bronzes.items()
    }
    assert bad["arrow"] == bad["spark"] and bad["arrow"]


def test_an_unknown_writer_is_refused_in_one_sentence(monkeypatch):
    monkeypatch.setenv(WRITER_ENV, "fast")
    with pytest.raises(ValueError, match="use arrow"):
        writer()
