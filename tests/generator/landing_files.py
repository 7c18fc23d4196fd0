"""Reading landing files back exactly as delivered, for the generator's tests."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from finlake.contract import Entity


@dataclass
class Record:
    line: int  # physical line the record starts on (header is line 1)
    fields: list[str] | None  # None when the line is not valid CSV or not UTF-8
    raw: bytes
    error: str | None


def read_records(path: Path) -> tuple[list[str], list[Record]]:
    """Header names as written, and every record with its starting line number.

    Records are split the way a strict RFC 4180 reader would: a quoted field may span lines.
    """
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    records: list[Record] = []
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    header = lines[0].rstrip(b"\r").decode("utf-8").split(",")
    i, line_no = 1, 2
    while i < len(lines):
        start, chunk = line_no, [lines[i]]
        # keep joining while quotes are unbalanced (a quoted newline)
        while chunk_open(b"\n".join(chunk)) and i + 1 < len(lines):
            i += 1
            line_no += 1
            chunk.append(lines[i])
        raw = b"\n".join(chunk).rstrip(b"\r")
        records.append(parse(start, raw))
        i += 1
        line_no += 1
    return header, records


def chunk_open(raw: bytes) -> bool:
    return raw.count(b'"') % 2 == 1


def parse(line: int, raw: bytes) -> Record:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Record(line, None, raw, f"not UTF-8: {exc.reason}")
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        return Record(line, None, raw, f"bad quoting: {exc}")
    if len(rows) != 1:
        return Record(line, None, raw, "not one record")
    return Record(line, rows[0], raw, None)


def column_order(header: list[str], entity: Entity) -> list[str]:
    """Contract names in file order; matching is case-insensitive after trimming."""
    known = {c.lower(): c for c in entity.column_names}
    return [known[h.strip().lower()] for h in header]


def load_entity(lake, entity: Entity) -> list[dict[str, str]]:
    """Every record with the right field count, as {contract column: text}, in delivery order."""
    out = []
    for path in sorted((lake.landing / entity.name).glob("*.csv")):
        header, records = read_records(path)
        order = column_order(header, entity)
        for rec in records:
            if rec.fields is not None and len(rec.fields) == len(order):
                row = dict(zip(order, rec.fields))
                row["_file"], row["_line"] = path.name, rec.line
                out.append(row)
    return out
