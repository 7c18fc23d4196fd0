"""Athena's SQL dialect to Trino's, for the statements dbt-athena sends.

Athena engine v3 runs queries (SELECT, INSERT, MERGE, CREATE VIEW, CTAS) as Trino does; what
differs is its DDL, inherited from Hive: CTAS properties (`table_type`, `is_external`; a Hive
CTAS, which dbt-athena's unit tests use, is built as an Iceberg table),
`create external table ... row format serde ... location ... tblproperties`, backtick-quoted
names in `alter table ... rename to` and `drop table`, `set tblproperties`, and the Iceberg
maintenance statements `optimize` and `vacuum`. Everything else goes to Trino unchanged.

The Trino server behind the facade (tools/athena_run/stack.py) names its Iceberg catalog on Glue
`awsdatacatalog`, as Athena's default catalog is named, and a Hive catalog on the same Glue
`HIVE_CATALOG`; Iceberg redirects Hive tables there, as Athena reads both from one catalog.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

ICEBERG_CATALOG = "awsdatacatalog"
HIVE_CATALOG = "awsdatacatalog_hive"

# Iceberg CTAS properties Athena accepts and Trino's Iceberg connector has a name for.
ICEBERG_PROPERTIES = {"location", "partitioning", "format", "sorted_by"}
# Athena table properties that only tune Athena (Trino has no such property): dropped.
ATHENA_ONLY_PROPERTIES = {
    "table_type",
    "is_external",
    "write_compression",
    "vacuum_max_snapshot_age_seconds",
    "vacuum_min_snapshots_to_keep",
    "vacuum_max_metadata_files_to_keep",
    "optimize_rewrite_delete_file_threshold",
    "optimize_rewrite_data_file_threshold",
    "format_version",
}


class UnsupportedStatement(ValueError):
    """An Athena statement the facade cannot translate: named, never silently changed."""


@dataclass(frozen=True)
class Translation:
    statements: tuple[str, ...]  # Trino statements, run in order
    kind: str  # Athena's StatementType: DDL, DML or UTILITY
    note: str = ""  # what was changed, for the facade's log


def _scan(text: str, start: int = 0, quotes: str = "'\"`") -> Iterator[tuple[int, str, bool]]:
    """Each character of `text` from `start`, its index, and whether it belongs to a quoted span
    (its opening and closing quote included)."""
    quote = ""
    for index in range(start, len(text)):
        char = text[index]
        if quote:
            if char == quote:
                quote = ""
            yield index, char, True
        elif char in quotes:
            quote = char
            yield index, char, True
        else:
            yield index, char, False


def split_top_level(text: str, separator: str = ",") -> list[str]:
    """Split at `separator` outside brackets and quotes."""
    parts, depth, begin = [], 0, 0
    for index, char, quoted in _scan(text):
        if quoted:
            continue
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == separator and depth == 0:
            parts.append(text[begin:index].strip())
            begin = index + 1
    if text[begin:].strip():
        parts.append(text[begin:].strip())
    return parts


def matching_paren(text: str, start: int) -> int:
    """Index of the `)` closing the `(` at `start`, skipping quoted text."""
    depth = 0
    for index, char, quoted in _scan(text, start):
        if quoted:
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index
    raise UnsupportedStatement("unbalanced parentheses")


def backticks_to_quotes(text: str) -> str:
    """Hive's `name` to SQL's "name", outside string literals."""
    return "".join(
        '"' if char == "`" and not quoted else char for _, char, quoted in _scan(text, quotes="'")
    )


def strip_comments(sql: str) -> str:
    """The statement without leading `--` and `/* */` comments (dbt adds a query comment)."""
    text = sql.strip()
    while True:
        if text.startswith("--"):
            text = text.split("\n", 1)[1].strip() if "\n" in text else ""
        elif text.startswith("/*"):
            text = text.split("*/", 1)[1].strip()
        else:
            return text.rstrip().rstrip(";").rstrip()


_CTAS = re.compile(r"^create\s+table\s+(?P<name>[^\s(]+)\s+with\s*\(", re.IGNORECASE)
_EXTERNAL = re.compile(
    r"^create\s+external\s+table\s+(if\s+not\s+exists\s+)?(?P<name>[^\s(]+)\s*\(", re.IGNORECASE
)
_ICEBERG_DDL = re.compile(
    r"^create\s+table\s+(?P<exists>if\s+not\s+exists\s+)?(?P<name>[^\s(]+)\s*\((?=.*'table_type'\s*=\s*'iceberg')",
    re.IGNORECASE | re.DOTALL,
)
_RENAME = re.compile(r"^alter\s+table\s+(?P<name>\S+)\s+rename\s+to\s+(?P<to>\S+)$", re.IGNORECASE)
_SET_TBLPROPERTIES = re.compile(r"^alter\s+table\s+\S+\s+set\s+tblproperties\b", re.IGNORECASE)
_OPTIMIZE = re.compile(
    r"^optimize\s+(?P<name>\S+)\s+rewrite\s+data\s+using\s+bin_pack(\s+where\s+(?P<where>.+))?$",
    re.IGNORECASE | re.DOTALL,
)
_VACUUM = re.compile(r"^vacuum\s+(?P<name>\S+)$", re.IGNORECASE)
_DML = re.compile(
    r"^(\(?\s*select|with|insert|merge|update|delete|values|show|describe|explain)\b", re.IGNORECASE
)


# Athena's default for an Iceberg table's vacuum_max_snapshot_age_seconds (5 days).
ATHENA_VACUUM_AGE_SECONDS = 432000
_VACUUM_AGE = re.compile(
    r"'vacuum_max_snapshot_age_seconds'\s*=\s*'(?P<seconds>\d+)'", re.IGNORECASE
)


def table_key(name: str) -> str:
    """A table name as written in a statement, for comparing: unquoted, lower case, without
    the catalog."""
    parts = [part.strip('"`').lower() for part in name.split(".")]
    return ".".join(parts[-2:])


def vacuum_age_setting(sql: str) -> tuple[str, int] | None:
    """(table, seconds) when `sql` sets a table's vacuum_max_snapshot_age_seconds, which
    Athena's VACUUM of that table then honours (the facade remembers it)."""
    text = strip_comments(sql)
    if not _SET_TBLPROPERTIES.match(text):
        return None
    age = _VACUUM_AGE.search(text)
    if age is None:
        return None
    return table_key(text.split()[2]), int(age["seconds"])


def vacuum_table(sql: str) -> str | None:
    """The table a VACUUM statement names, as table_key writes it."""
    match = _VACUUM.match(strip_comments(sql))
    return table_key(match["name"]) if match else None


def translate(sql: str, vacuum_retention: str = f"{ATHENA_VACUUM_AGE_SECONDS}s") -> Translation:
    """The Trino statements that do what Athena does for `sql`."""
    text = strip_comments(sql)
    if _DML.match(text):
        # Athena ignores a trailing semicolon (dbt-athena ends some statements with one).
        return Translation((sql.strip().rstrip(";"),), "DML")
    if match := _CTAS.match(text):
        return _ctas(text, match)
    if match := _ICEBERG_DDL.match(text):
        return _iceberg_table(text, match)
    if match := _EXTERNAL.match(text):
        return _external_table(text, match)
    if match := _RENAME.match(text):
        return Translation(
            (
                f"alter table {backticks_to_quotes(match['name'])} rename to {backticks_to_quotes(match['to'])}",
            ),
            "DDL",
            "backticks",
        )
    if _SET_TBLPROPERTIES.match(text):
        # dbt-athena sets `classification` on Hive tables (it only informs Glue crawlers), and
        # iceberg_maintenance sets vacuum_max_snapshot_age_seconds, which only Athena's VACUUM
        # reads (the facade remembers it, vacuum_age_setting). Trino has neither: nothing to do.
        return Translation((), "DDL", "set tblproperties: Athena-only property, kept by the facade")
    if match := _OPTIMIZE.match(text):
        where = f" where {match['where']}" if match["where"] else ""
        return Translation(
            (f"alter table {backticks_to_quotes(match['name'])} execute optimize{where}",),
            "DDL",
            "optimize",
        )
    if match := _VACUUM.match(text):
        name = backticks_to_quotes(match["name"])
        return Translation(
            (
                f"alter table {name} execute expire_snapshots(retention_threshold => '{vacuum_retention}')",
                f"alter table {name} execute remove_orphan_files(retention_threshold => '{vacuum_retention}')",
            ),
            "DDL",
            "vacuum",
        )
    if text.lower().startswith(
        (
            "create schema",
            "create database",
            "drop schema",
            "drop database",
            "drop table",
            "drop view",
        )
    ):
        return Translation(
            (backticks_to_quotes(text).replace(" database ", " schema "),), "DDL", "backticks"
        )
    return Translation((sql,), "DDL")


def _properties(body: str) -> dict[str, str]:
    properties = {}
    for item in split_top_level(body):
        key, _, value = item.partition("=")
        properties[key.strip().lower()] = value.strip()
    return properties


def _ctas(text: str, match: re.Match[str]) -> Translation:
    open_at = match.end() - 1
    close_at = matching_paren(text, open_at)
    properties = _properties(text[open_at + 1 : close_at])
    rest = text[close_at + 1 :].strip()
    table_type = properties.get("table_type", "'hive'").strip("'").lower()
    if table_type == "hive":
        return _hive_ctas(match["name"], properties, rest)
    if table_type != "iceberg":
        raise UnsupportedStatement(f"CTAS with table_type={table_type}")
    kept = _trino_properties(properties, {key: key for key in ICEBERG_PROPERTIES}, "Iceberg")
    statement = f"create table {match['name']} with ({kept}) {rest}"
    return Translation((statement,), "DDL", "iceberg ctas")


def _trino_properties(properties: dict[str, str], names: dict[str, str], kind: str) -> str:
    """The `with (…)` list of Trino's Iceberg connector for an Athena CTAS's properties:
    Athena-only tuning dropped, each other property under its Trino name (`names`), the file
    format in capitals; a property with no Trino name is refused."""
    kept = []
    for key, value in properties.items():
        if key in ATHENA_ONLY_PROPERTIES:
            continue
        if key not in names:
            raise UnsupportedStatement(f"{kind} table property {key} has no Trino equivalent")
        if key == "format":
            value = value.upper()
        kept.append(f"{names[key]} = {value}")
    return ", ".join(kept)


# Hive CTAS properties Athena accepts, by their Iceberg connector names.
HIVE_CTAS_PROPERTIES = {
    "format": "format",
    "external_location": "location",
    "partitioned_by": "partitioning",
}


def _hive_ctas(name: str, properties: dict[str, str], rest: str) -> Translation:
    """Athena's default CTAS (a Hive table), which dbt-athena's unit tests use for their
    temporary table, built as an Iceberg table: Trino's Hive connector writes timestamps at the
    one precision its catalog reads bronze with (microseconds), while Athena writes a Hive
    timestamp(3) as it is. The table is read back and dropped by the same statements either way."""
    kept = _trino_properties(properties, HIVE_CTAS_PROPERTIES, "Hive")
    statement = f"create table {name} with ({kept}) {rest}"
    return Translation((statement,), "DDL", "hive ctas as iceberg")


_HIVE_TYPES = {"string": "varchar", "int": "integer", "float": "real"}


def _columns(text: str, match: re.Match[str], types: dict[str, str]) -> tuple[str, str]:
    """A `create table name (columns) rest` statement's column list in Trino's types (`types`:
    Athena's names Trino spells otherwise), and the text after it."""
    open_at = match.end() - 1
    close_at = matching_paren(text, open_at)
    columns = []
    for column in split_top_level(text[open_at + 1 : close_at]):
        name, _, column_type = column.partition(" ")
        column_type = column_type.strip()
        columns.append(f"{backticks_to_quotes(name)} {types.get(column_type.lower(), column_type)}")
    return ", ".join(columns), text[close_at + 1 :]


def _external_table(text: str, match: re.Match[str]) -> Translation:
    columns, rest = _columns(text, match, _HIVE_TYPES)
    properties = []
    if re.search(r"OpenCSVSerde", rest, re.IGNORECASE):
        properties.append("format = 'CSV'")
    elif stored := re.search(r"stored\s+as\s+(\w+)", rest, re.IGNORECASE):
        properties.append(f"format = '{stored[1].upper()}'")
    else:
        raise UnsupportedStatement(
            "external table without a serde or `stored as` this facade knows"
        )
    location = re.search(r"location\s+'([^']+)'", rest, re.IGNORECASE)
    if not location:
        raise UnsupportedStatement("external table without a location")
    properties.append(f"external_location = '{location[1]}'")
    if skip := re.search(r"'skip\.header\.line\.count'\s*=\s*'(\d+)'", rest, re.IGNORECASE):
        properties.append(f"skip_header_line_count = {skip[1]}")
    name = backticks_to_quotes(match["name"])
    if name.count(".") == 1:
        name = f"{HIVE_CATALOG}.{name}"
    statement = f"create table {name} ({columns}) with ({', '.join(properties)})"
    return Translation((statement,), "DDL", "hive external table")


_ICEBERG_TYPES = {
    "string": "varchar",
    "int": "integer",
    "float": "real",
    "timestamp": "timestamp(6)",
}


def _iceberg_table(text: str, match: re.Match[str]) -> Translation:
    """Athena's `create table t (cols) location '...' tblproperties ('table_type'='ICEBERG')`."""
    columns, rest = _columns(text, match, _ICEBERG_TYPES)
    location = re.search(r"location\s+'([^']+)'", rest, re.IGNORECASE)
    if not location:
        raise UnsupportedStatement("Iceberg table without a location")
    exists = "if not exists " if match["exists"] else ""
    statement = (
        f"create table {exists}{backticks_to_quotes(match['name'])} ({columns}) "
        f"with (location = '{location[1]}', format = 'PARQUET')"
    )
    return Translation((statement,), "DDL", "iceberg table")
