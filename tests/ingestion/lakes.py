"""Helpers for the ingestion tests: write landing files, read bronze back, count with csv."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds

from finlake.contract import load_contract
from ingestion.schemas import LEDGER_ARROW, MALFORMED_ARROW

ACCOUNTS = load_contract().entity("accounts")
HEADER = ",".join(ACCOUNTS.column_names)
TS = "2025-01-01T00:00:00Z"

# BOM, CRLF, a quoted comma, doubled quotes, a quoted CR LF, empty fields, three malformed lines
# (too few fields, text after a closing quote, a byte that is not UTF-8), no final line ending.
ACCOUNTS_DAY1 = b"\xef\xbb\xbf" + "\r\n".join(
    [
        HEADER,
        f'A1,C1,checking,USD,active,2024-01-01,,,"1,234.50",{TS}',
        f'A2,C2, Savings ,usd,active,2024-02-01,,,"say ""hi""",{TS}',
        f'A3,C3,checking,USD,active,2024-03-01,,,"10.00\r\nextra",{TS}',
        "A4,C4,checking,USD,active",
        f'A5,C5,"checking"x,USD,active,2024-05-01,,,1.00,{TS}',
        f"A6,C6,checking,USD,act\udce9ve,2024-06-01,,,1.00,{TS}",
        f"A7,C7,checking,USD,active,2024-07-01,,500,1.00,{TS}",
    ]
).encode("utf-8", "surrogateescape")


def write(landing: Path, relative: str, content: bytes | str) -> Path:
    path = landing / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def csv_text(header: list[str], rows: list[list[str]], eol: str = "\n") -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator=eol).writerows([header, *rows])
    return out.getvalue()


def read_bronze(bronze: Path, entity: str) -> pa.Table:
    """Every bronze row of an entity, with extract_date from the folder names."""
    folder = bronze / entity
    if not folder.exists():
        return pa.table({})
    return ds.dataset(folder, format="parquet", partitioning="hive").to_table()


def read_malformed(bronze: Path, entity: str) -> pa.Table:
    folder = bronze / "_malformed" / entity
    if not folder.exists():
        return MALFORMED_ARROW.empty_table()
    return ds.dataset(folder, format="parquet", partitioning="hive").to_table()


def read_ledger(bronze: Path) -> list[dict]:
    folder = bronze / "_load_log"
    if not folder.exists():
        return []
    return ds.dataset(folder, format="parquet", schema=LEDGER_ARROW).to_table().to_pylist()


def bronze_files(bronze: Path) -> dict[str, int]:
    """Every file under bronze (path -> size): what a re-run must leave untouched."""
    return {str(p.relative_to(bronze)): p.stat().st_size for p in bronze.rglob("*") if p.is_file()}


def csv_records(path: Path) -> tuple[list[str], list[tuple[int, list[str] | None]]]:
    """Header and (start line, fields) of every record, as Python's csv module splits them.

    Independent of the ingestion parser: bytes that are not UTF-8 survive as surrogates, and a
    record whose bytes are not UTF-8 gets fields None.
    """
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    text = data.decode("utf-8", "surrogateescape")
    reader = csv.reader(io.StringIO(text, newline=""))
    out: list[tuple[int, list[str] | None]] = []
    header: list[str] = []
    line = 1
    for fields in reader:
        start = line
        line = reader.line_num + 1
        if start == 1:
            header = fields
            continue
        if any("\udc80" <= ch <= "\udcff" for f in fields for ch in f):
            out.append((start, None))
        else:
            out.append((start, fields))
    return header, out
