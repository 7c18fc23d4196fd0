"""Pure transforms: header matching, shaping parsed records into Arrow batches, and the
DataFrame steps that turn the parser's output into the bronze layout.

Nothing here touches storage. Record splitting itself lives in `rfc4180` (bytes -> record and
field bounds); this module decides what the records mean for one entity.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from finlake.contract import Entity
from ingestion import rfc4180
from ingestion.schemas import PARTITION_COLUMN, bronze_columns, parsed_arrow_schema

HEAD_BYTES = 64 * 1024  # a header longer than this is not a header


# ---------------------------------------------------------------------------------------------
# Headers


@dataclass(frozen=True)
class Header:
    """The first record of a landing file.

    names: the header fields as written (None when the file is empty); end: byte offset just
    past the header's line ending, counted from the start of the file (BOM included);
    bom: whether the file starts with a UTF-8 byte order mark; problem: why the header cannot
    be read, as a sentence fragment (None when it can).
    """

    names: list[str] | None
    end: int
    bom: bool
    problem: str | None = None


def read_header(head: bytes, complete: bool) -> Header:
    """The header from the first bytes of a file (`complete`: `head` is the whole file)."""
    bom = head.startswith(rfc4180.BOM)
    skip = len(rfc4180.BOM) if bom else 0
    data = head[skip:]
    records = rfc4180.split_records(data, final=complete)
    if len(records) == 0:
        if complete:
            return Header(None, skip, bom)
        return Header(None, skip, bom, f"has no line ending in its first {HEAD_BYTES:,} bytes")
    end = skip + (int(records.starts[1]) if len(records) > 1 else records.consumed)
    if records.problem[0] != rfc4180.OK:
        return Header(None, end, bom, f"has a header that cannot be read ({records.reason(0, 0)})")
    return Header(records.texts(0), end, bom)


@dataclass(frozen=True)
class HeaderMatch:
    """A file's header against the entity's contract columns.

    positions: contract column -> its position in the file; extras: (position, header as
    written) of columns the contract does not know; missing_*: contract columns absent from the
    file; duplicates: names (trimmed, lower case) that appear more than once.
    """

    names: list[str]
    positions: dict[str, int]
    extras: list[tuple[int, str]]
    missing_required: list[str] = field(default_factory=list)
    missing_optional: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)

    @property
    def problem(self) -> str | None:
        """Why the file must be rejected, as a sentence fragment, or None."""
        if self.missing_required:
            cols = ", ".join(f"'{c}'" for c in self.missing_required)
            noun = "column" if len(self.missing_required) == 1 else "columns"
            return f"is missing required {noun} {cols}"
        if self.duplicates:
            cols = ", ".join(f"'{c}'" for c in self.duplicates)
            return f"has column {cols} more than once in its header"
        return None

    @property
    def drift(self) -> list[str]:
        """Unexpected columns, as written in the header."""
        return [name for _, name in self.extras]


def match_header(names: list[str], entity: Entity) -> HeaderMatch:
    """Match header names to contract columns: case-insensitive after trimming, any order."""
    known = {c.lower(): c for c in entity.column_names}
    seen: dict[str, int] = {}
    duplicates: list[str] = []
    positions: dict[str, int] = {}
    extras: list[tuple[int, str]] = []
    for pos, name in enumerate(names):
        key = name.strip().lower()
        if key in seen:
            if key not in duplicates:
                duplicates.append(key)
            continue
        seen[key] = pos
        if key in known:
            positions[known[key]] = pos
        else:
            extras.append((pos, name))
    missing = [c for c in entity.column_names if c not in positions]
    required = set(entity.required_columns)
    return HeaderMatch(
        names=list(names),
        positions=positions,
        extras=extras,
        missing_required=[c for c in missing if c in required],
        missing_optional=[c for c in missing if c not in required],
        duplicates=duplicates,
    )


# ---------------------------------------------------------------------------------------------
# Row shaping (runs in the Python workers)


def shape_rows(
    records: rfc4180.Records,
    rows: np.ndarray,
    lines: np.ndarray,
    file_index: int,
    match: HeaderMatch,
    entity: Entity,
) -> pa.RecordBatch:
    """Well-formed records -> one parser-output batch.

    Input: record indices `rows` into `records` and their physical line numbers `lines`.
    Output columns: the entity's contract columns (string; absent optional ones null), `_extras`
    (map of unexpected header -> value, null when the file has none), `_line_number`, `_file`.
    """
    n = len(rows)
    ncols = len(match.names)
    wanted = [match.positions[c] for c in entity.column_names if c in match.positions]
    wanted += [pos for pos, _ in match.extras]
    values = iter(records.columns(rows, ncols, wanted))
    schema = parsed_arrow_schema(entity)
    columns: list[pa.Array] = [
        next(values) if c in match.positions else pa.nulls(n, pa.string())
        for c in entity.column_names
    ]
    if match.extras:
        k = len(match.extras)
        items = [next(values) for _ in match.extras]
        interleaved = pa.concat_arrays(items).take(
            pa.array((np.arange(k)[None, :] * n + np.arange(n)[:, None]).ravel())
        )
        keys = pa.array([name for _, name in match.extras] * n, pa.string())
        offsets = pa.array(np.arange(0, n * k + 1, k, dtype=np.int32))
        columns.append(pa.MapArray.from_arrays(offsets, keys, interleaved))
    else:
        columns.append(pa.nulls(n, schema.field("_extras").type))
    columns.append(pa.array(lines, pa.int64()))
    columns.append(pa.array(np.full(n, file_index, dtype=np.int32)))
    return pa.RecordBatch.from_arrays(columns, schema=schema)


def shape_malformed(
    records: rfc4180.Records,
    bad: np.ndarray,
    lines: np.ndarray,
    file_index: int,
    ncols: int,
) -> list[dict]:
    """Malformed records -> dicts with `_file`, `_line_number`, `_raw_line` (the record as
    delivered without its line ending, decoded as UTF-8 with replacement characters) and
    `_reason`. Malformed records are rare, so this loops over them in Python."""
    return [
        {
            "_file": file_index,
            "_line_number": int(line),
            "_raw_line": records.raw(r).decode("utf-8", "replace"),
            "_reason": records.reason(r, ncols),
        }
        for r, line in zip(bad.tolist(), lines.tolist())
    ]


# ---------------------------------------------------------------------------------------------
# DataFrame steps (run in the JVM)


def with_file_metadata(rows: DataFrame, files: DataFrame) -> DataFrame:
    """Add `_source_file`, `_file_checksum`, `_batch_id` and `extract_date` by file number.

    Input: rows with `_file`; `files`: one row per file (FILES_SPARK_SCHEMA), small enough to
    broadcast. A left join, so a row can never disappear here.
    """
    return rows.join(F.broadcast(files), on="_file", how="left")


def with_load_metadata(rows: DataFrame, loaded_at: dt.datetime) -> DataFrame:
    """Add `_extra_columns` (JSON of `_extras`, null when none) and `_loaded_at` (UTC)."""
    extra = F.when(F.col("_extras").isNotNull(), F.to_json(F.col("_extras")))
    return rows.withColumn("_extra_columns", extra).withColumn(
        "_loaded_at", F.lit(loaded_at).cast("timestamp")
    )


def bronze_layout(rows: DataFrame, entity: Entity) -> DataFrame:
    """Select the bronze columns in their fixed order, plus the partition columns.

    Output: contract columns, pii tokens, METADATA_COLUMNS, `extract_date`, and `_batch_key` (a copy of
    `_batch_id` that partitions the staging area so each batch's files can be published alone).
    """
    columns: list[str | Column] = [*bronze_columns(entity), PARTITION_COLUMN]
    return rows.select(*columns, F.col("_batch_id").alias("_batch_key"))
