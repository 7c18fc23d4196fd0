"""The landing contract as ingestion sees it, and the fixed layouts of bronze.

The layouts of the load metadata, the malformed files and the ledger are finlake/contract/bronze.py's
(which also renders Terraform's Glue tables and the dbt sources of bronze from them); this module
gives them Arrow and Spark types.

    <bronze>/<entity>/extract_date=YYYY-MM-DD/<batch_id>.<part>.parquet
        contract columns (string, contract order), <pii column>_token (string, one per
        contract column marked pii, contract order; ingestion/pii.py), _extra_columns, _source_file,
        _file_checksum, _line_number, _batch_id, _loaded_at
    <bronze>/_malformed/<entity>/extract_date=YYYY-MM-DD/<batch_id>.parquet
        _source_file, _file_checksum, _line_number, _raw_line, _reason, _batch_id, _loaded_at
    <bronze>/_load_log/attempt-<n>-<key>.parquet
        one row per file and attempt (LEDGER_SCHEMA)
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pyarrow as pa
from pyspark.sql import types as T

from finlake.contract import FILE_NAME_PATTERN, Contract, Entity, load_contract
from finlake.contract import bronze as bronze_layout

PARTITION_COLUMN = "extract_date"
NAME_PATTERN_TEXT = "<entity>_<YYYYMMDD>[_<seq>].csv"

UTC_MICROS = pa.timestamp("us", tz="UTC")  # what Spark reads back as TimestampType
# The Glue types of finlake/contract/bronze.py's layouts, as Arrow and Spark write them.
ARROW_TYPE = {
    "string": pa.string(),
    "bigint": pa.int64(),
    "int": pa.int32(),
    "date": pa.date32(),
    "timestamp": UTC_MICROS,
}
SPARK_TYPE = {"string": T.StringType(), "bigint": T.LongType(), "timestamp": T.TimestampType()}

# Load metadata after the contract columns, in this order.
METADATA_COLUMNS = tuple(c.name for c in bronze_layout.LOAD_COLUMNS)
MALFORMED_COLUMNS = tuple(c.name for c in bronze_layout.MALFORMED_COLUMNS)
MALFORMED_ARROW = pa.schema([(c.name, ARROW_TYPE[c.type]) for c in bronze_layout.MALFORMED_COLUMNS])
LEDGER_ARROW = pa.schema([(c.name, ARROW_TYPE[c.type]) for c in bronze_layout.LOAD_LOG_COLUMNS])

# What the Python workers emit (one schema per entity): the well-formed rows, with the contract
# columns, unexpected columns as a map, the line number and the file's number in the run.
# Per-file constants (file name, checksum, batch id, extract date) are joined on `_file` in the
# JVM instead of crossing the Python/JVM boundary on every row. Malformed records and per-range
# counts travel separately, through an accumulator (worker.SideChannel).
PARSED_EXTRA_ARROW = [
    ("_extras", pa.map_(pa.string(), pa.string())),
    ("_line_number", pa.int64()),
    ("_file", pa.int32()),
]


def spark_schema_of(schema: pa.Schema) -> T.StructType:
    """The Spark schema of an Arrow schema (ledger and malformed files)."""
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(schema)


def contract() -> Contract:
    return load_contract()


def token_columns(entity: Entity) -> list[str]:
    """`<column>_token` of every pii column, in contract order (see ingestion/pii.py)."""
    return [name + "_token" for name in entity.pii_columns]


def bronze_columns(entity: Entity) -> list[str]:
    """Contract columns, their tokens, then the load metadata: the order of every bronze file."""
    return [*entity.column_names, *token_columns(entity), *METADATA_COLUMNS]


def bronze_schema(entity: Entity) -> T.StructType:
    """Columns of <bronze>/<entity>/ files (the partition column extract_date is not in them)."""
    fields = [T.StructField(name, T.StringType()) for name in entity.column_names]
    fields += [T.StructField(name, T.StringType()) for name in token_columns(entity)]
    fields += [T.StructField(c.name, SPARK_TYPE[c.type]) for c in bronze_layout.LOAD_COLUMNS]
    return T.StructType(fields)


def parsed_arrow_schema(entity: Entity) -> pa.Schema:
    return pa.schema([(name, pa.string()) for name in entity.column_names] + PARSED_EXTRA_ARROW)


def parsed_spark_schema(entity: Entity) -> T.StructType:
    """What parse_partition emits: parsed_arrow_schema with the pii tokens after the contract
    columns (ingestion/pii.py adds them in the workers)."""
    fields = [T.StructField(name, T.StringType()) for name in entity.column_names]
    fields += [T.StructField(name, T.StringType()) for name in token_columns(entity)]
    fields += [
        T.StructField("_extras", T.MapType(T.StringType(), T.StringType())),
        T.StructField("_line_number", T.LongType()),
        T.StructField("_file", T.IntegerType()),
    ]
    return T.StructType(fields)


FILES_SPARK_SCHEMA = T.StructType(
    [
        T.StructField("_file", T.IntegerType()),
        T.StructField("_source_file", T.StringType()),
        T.StructField("_file_checksum", T.StringType()),
        T.StructField("_batch_id", T.StringType()),
        T.StructField(PARTITION_COLUMN, T.DateType()),
    ]
)


@dataclass(frozen=True)
class LandingName:
    """What a landing file's name says: `transactions_20250630_2.csv`."""

    entity: str
    extract_date: dt.date
    seq: int | None

    @property
    def compact_date(self) -> str:
        return self.extract_date.strftime("%Y%m%d")


def parse_landing_name(name: str) -> LandingName | str:
    """The parsed name, or a sentence saying why the name breaks the contract's pattern."""
    match = FILE_NAME_PATTERN.match(name)
    if match is None:
        return f"does not match the contract's file name pattern {NAME_PATTERN_TEXT}"
    try:
        date = dt.datetime.strptime(match.group("date"), "%Y%m%d").date()
    except ValueError:
        return f"has extract date {match.group('date')} in its name, which is not a calendar date"
    seq = match.group("seq")
    return LandingName(match.group("entity"), date, int(seq) if seq else None)


def file_stem(name: str) -> str:
    return name[:-4] if name.lower().endswith(".csv") else name


def batch_id(source_file: str, checksum: str) -> str:
    """`<file stem>-<first 12 hex of the sha256>`: the same bytes under the same name, the same id."""
    return f"{file_stem(source_file)}-{checksum[:12]}"


BRONZE_FILE = re.compile(r"^(?P<batch>.+-[0-9a-f]{12})(?:\.\d+)?\.parquet$")


def batch_of_file(name: str) -> str | None:
    """The batch id a published bronze or malformed file belongs to (None: not ours)."""
    match = BRONZE_FILE.match(name)
    return match.group("batch") if match else None
