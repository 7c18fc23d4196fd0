"""Parity of two builds of the dbt project: the same silver and gold rows on two engines.

The local default builds with DuckDB (target dev); CI also builds with Trino and Iceberg
(target trino), the engine inside Athena. Both must hold the same rows in every table, and
every dbt test must end the same way on both. This module compares what two builds left
behind; tests/trino/ runs the builds (tools/trino/ starts the server).

How two tables are compared, and the tolerance:
  * columns by name (case-insensitive); a column on one side only is a difference;
  * the row count, and an order-independent checksum: the sum, modulo 2**128, of a hash of
    each row's canonical text (a sum rather than an XOR, so that duplicate rows count);
  * canonical text of a value: null; booleans `true`/`false`; integers and decimals exactly
    (1.50 equals 1.5, and 3 equals 3.00); timestamps to the microsecond, converted to UTC when
    they carry a zone; dates ISO; text as it is; bytes as hex; arrays and maps as JSON;
  * doubles: a column holding a double on either engine is compared as doubles, rounded to
    DOUBLE_DIGITS (9) significant digits, which absorbs summation-order noise. Rows left over
    after the exact comparison are paired on their other columns and accepted when every double
    agrees within a relative DOUBLE_TOLERANCE (1e-8): two values either side of a rounding
    boundary. A difference beyond that is a real one (e.g. integer against decimal division).
A difference names the table and shows a few rows from each side, with the columns that differ.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from finlake.lake import Lake

DOUBLE_DIGITS = 9
DOUBLE_TOLERANCE = 1e-8
NULL = "\u2400"  # the canonical text of a null (a symbol no engine returns for a real value)
SAMPLE_ROWS = 5
LAYERS = ("silver", "gold", "reference")


@dataclass
class Table:
    """A relation read from one engine: its column names and all its rows."""

    name: str
    columns: list[str]
    rows: list[tuple]


# --------------------------------------------------------------------------------------------
# Canonical values


def is_double(value: Any) -> bool:
    return isinstance(value, float)


def canonical_double(value: float | int | Decimal) -> str:
    number = float(value)
    if math.isnan(number):
        return "nan"
    if math.isinf(number):
        return "inf" if number > 0 else "-inf"
    if number == 0:
        return "0"  # also -0.0
    text = f"{number:.{DOUBLE_DIGITS}g}"
    if "e" not in text and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def canonical_decimal(value: Decimal) -> str:
    if not value.is_finite():
        return str(value).lower()
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def canonical(value: Any, as_double: bool = False) -> str:
    """The text two engines must agree on for one value (see the module docstring)."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "true" if value else "false"
    if as_double and isinstance(value, (int, float, Decimal)):
        return canonical_double(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return canonical_decimal(value)
    if isinstance(value, float):
        return canonical_double(value)
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat(sep=" ", timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.replace(tzinfo=None).isoformat(timespec="microseconds")
    if isinstance(value, timedelta):
        return f"{value // timedelta(microseconds=1)}us"
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "0x" + bytes(value).hex()
    if isinstance(value, dict):
        return json.dumps({canonical(k): canonical(v) for k, v in value.items()}, sort_keys=True)
    if isinstance(value, (list, tuple)):
        return json.dumps([canonical(v) for v in value])
    return str(value)


def double_columns(*tables: Table) -> set[str]:
    """Columns (lower-case) holding a double on any side: compared as doubles everywhere."""
    found: set[str] = set()
    for table in tables:
        for position, name in enumerate(table.columns):
            if name.lower() not in found and any(is_double(row[position]) for row in table.rows):
                found.add(name.lower())
    return found


def canonical_rows(table: Table, columns: Sequence[str], doubles: set[str]) -> Counter:
    """The table's rows as canonical tuples over `columns` (lower-case names), with counts."""
    position = {name.lower(): i for i, name in enumerate(table.columns)}
    picks = [(position[c], c in doubles) for c in columns]
    return Counter(
        tuple(canonical(row[i], as_double) for i, as_double in picks) for row in table.rows
    )


def row_hash(row: tuple[str, ...]) -> int:
    return int.from_bytes(hashlib.sha256(json.dumps(row).encode()).digest()[:16], "big")


def checksum(rows: Counter) -> str:
    """Order-independent: the sum of row hashes modulo 2**128, as 32 hex digits."""
    total = sum(row_hash(row) * count for row, count in rows.items()) % (1 << 128)
    return f"{total:032x}"


# --------------------------------------------------------------------------------------------
# Comparing tables


@dataclass
class TableParity:
    """How one table compares between the two engines."""

    name: str
    left: str
    right: str
    left_rows: int | None = None  # None: the table is missing on that side
    right_rows: int | None = None
    left_checksum: str = ""
    right_checksum: str = ""
    columns_only_left: list[str] = field(default_factory=list)
    columns_only_right: list[str] = field(default_factory=list)
    differing_left: int = 0  # rows on the left with no equal row on the right
    differing_right: int = 0
    within_tolerance: int = 0  # row pairs equal once doubles are compared with the tolerance
    samples: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            self.left_rows is not None
            and self.right_rows is not None
            and not self.columns_only_left
            and not self.columns_only_right
            and self.differing_left == 0
            and self.differing_right == 0
        )

    def describe(self) -> str:
        if self.left_rows is None or self.right_rows is None:
            missing = self.left if self.left_rows is None else self.right
            return f"{self.name}: missing on {missing}"
        if self.ok:
            note = (
                f" ({self.within_tolerance} within the double tolerance)"
                if self.within_tolerance
                else ""
            )
            return f"{self.name}: {self.left_rows} rows, equal{note}"
        parts = [
            f"{self.name}: {self.left_rows} rows on {self.left}, {self.right_rows} on {self.right}"
        ]
        if self.columns_only_left:
            parts.append(f"columns only on {self.left}: {', '.join(self.columns_only_left)}")
        if self.columns_only_right:
            parts.append(f"columns only on {self.right}: {', '.join(self.columns_only_right)}")
        if self.differing_left or self.differing_right:
            parts.append(
                f"{self.differing_left} rows only on {self.left}, {self.differing_right} only on "
                f"{self.right} (checksums {self.left_checksum[:12]} vs {self.right_checksum[:12]})"
            )
        return "; ".join(parts) + "".join(f"\n    {line}" for line in self.samples)


def compare_tables(
    name: str,
    left: Table | None,
    right: Table | None,
    left_name: str = "dev",
    right_name: str = "trino",
    sample_rows: int = SAMPLE_ROWS,
) -> TableParity:
    """Compare one table read from two engines (either may be None: missing there)."""
    result = TableParity(name=name, left=left_name, right=right_name)
    if left is not None:
        result.left_rows = len(left.rows)
    if right is not None:
        result.right_rows = len(right.rows)
    if left is None or right is None:
        return result
    left_columns = [c.lower() for c in left.columns]
    right_columns = [c.lower() for c in right.columns]
    result.columns_only_left = [c for c in left_columns if c not in right_columns]
    result.columns_only_right = [c for c in right_columns if c not in left_columns]
    common = [c for c in left_columns if c in right_columns]
    doubles = double_columns(left, right)
    left_rows = canonical_rows(left, common, doubles)
    right_rows = canonical_rows(right, common, doubles)
    result.left_checksum = checksum(left_rows)
    result.right_checksum = checksum(right_rows)
    if result.left_checksum == result.right_checksum and left_rows == right_rows:
        return result
    only_left = left_rows - right_rows
    only_right = right_rows - left_rows
    paired = pair_within_tolerance(only_left, only_right, common, doubles)
    result.within_tolerance = paired
    result.differing_left = sum(only_left.values())
    result.differing_right = sum(only_right.values())
    result.samples = describe_samples(
        only_left, only_right, common, left_name, right_name, sample_rows
    )
    return result


def pair_within_tolerance(
    only_left: Counter, only_right: Counter, columns: Sequence[str], doubles: set[str]
) -> int:
    """Remove from both sides the rows equal up to DOUBLE_TOLERANCE on their double columns;
    return how many pairs were removed."""
    double_at = [i for i, c in enumerate(columns) if c in doubles]
    if not double_at:
        return 0
    exact_at = [i for i in range(len(columns)) if i not in double_at]

    def key(row: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(row[i] for i in exact_at)

    candidates: dict[tuple[str, ...], list[tuple[str, ...]]] = defaultdict(list)
    for row, count in only_right.items():
        candidates[key(row)].extend([row] * count)
    pairs = 0
    for row in list(only_left.elements()):
        for other in candidates.get(key(row), []):
            if all(doubles_close(row[i], other[i]) for i in double_at):
                candidates[key(row)].remove(other)
                only_left[row] -= 1
                only_right[other] -= 1
                pairs += 1
                break
    only_left += Counter()  # drop zero counts
    only_right += Counter()
    return pairs


def doubles_close(a: str, b: str) -> bool:
    if a == b:
        return True
    if NULL in (a, b):
        return False
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    return math.isclose(x, y, rel_tol=DOUBLE_TOLERANCE, abs_tol=1e-12)


def describe_samples(
    only_left: Counter,
    only_right: Counter,
    columns: Sequence[str],
    left_name: str,
    right_name: str,
    limit: int,
) -> list[str]:
    """A few differing rows: each beside the closest row of the other engine (the one sharing
    most values), showing the first column (usually the key) and the columns that differ. Rows
    with no counterpart are shown whole, when one engine has more differing rows."""
    lefts = list(only_left.elements())
    rights = list(only_right.elements())
    lines: list[str] = []
    used: set[int] = set()
    for row in lefts[:limit]:
        best, best_equal = None, 0
        for index, other in enumerate(rights[:20000]):
            if index not in used:
                equal = sum(1 for a, b in zip(row, other) if a == b)
                if equal > best_equal:
                    best, best_equal = index, equal
        if best is None:
            lines.append(f"only on {left_name}: {render(columns, row)}")
            continue
        used.add(best)
        other = rights[best]
        differing = [i for i in range(len(columns)) if row[i] != other[i]]
        shown = ", ".join(
            f"{columns[i]}: {left_name} {show(row[i])} / {right_name} {show(other[i])}"
            for i in differing
        )
        lines.append(f"{columns[0]}={show(row[0])}: {shown}")
    if len(rights) > len(lefts):
        # Rows whose first column (usually the key) no left row has are the likelier extras.
        left_keys = {row[0] for row in lefts}
        unused = [other for index, other in enumerate(rights) if index not in used]
        unused.sort(key=lambda other: other[0] in left_keys)
        extra = unused[: len(rights) - len(lefts)]
        lines += [f"only on {right_name}: {render(columns, other)}" for other in extra[:limit]]
    hidden = (
        max(len(lefts), len(rights))
        - min(limit, len(lefts))
        - (min(limit, len(rights) - len(lefts)) if len(rights) > len(lefts) else 0)
    )
    if hidden > 0:
        lines.append(f"... and {hidden} more differing rows")
    return lines


def show(text: str, width: int = 60) -> str:
    if text == NULL:
        return "null"
    return text if len(text) <= width else text[: width - 3] + "..."


def render(columns: Sequence[str], row: tuple[str, ...]) -> str:
    return "{" + ", ".join(f"{c}: {show(v, 40)}" for c, v in zip(columns, row)) + "}"


# --------------------------------------------------------------------------------------------
# dbt test outcomes


def test_outcomes(run_results: dict) -> dict[str, tuple[str, int | None]]:
    """Data and unit test results of a dbt run_results.json: unique_id -> (status, failures)."""
    outcomes = {}
    for result in run_results.get("results", []):
        unique_id = result["unique_id"]
        if unique_id.startswith(("test.", "unit_test.")):
            outcomes[unique_id] = (result["status"], result.get("failures"))
    return outcomes


@dataclass
class TestParity:
    """Whether every dbt test ended the same way on both engines."""

    left: str
    right: str
    total: int = 0
    differences: list[str] = field(default_factory=list)
    failing_on_both: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences

    def describe(self) -> str:
        text = f"dbt tests: {self.total} on each engine, {len(self.differences)} ended differently"
        text += "".join(f"\n    {line}" for line in self.differences)
        if self.failing_on_both:
            text += (
                f"\n  {len(self.failing_on_both)} fail on both engines alike (a data or model "
                "problem, not an engine difference): " + ", ".join(self.failing_on_both)
            )
        return text


def compare_tests(
    left: dict, right: dict, left_name: str = "dev", right_name: str = "trino"
) -> TestParity:
    """Compare two run_results.json documents test by test (status and failing-row count)."""
    a, b = test_outcomes(left), test_outcomes(right)
    result = TestParity(left=left_name, right=right_name, total=len(a | b))
    for unique_id in sorted(a | b):
        short = unique_id.split(".")[2] if unique_id.count(".") >= 2 else unique_id
        if unique_id not in a or unique_id not in b:
            side = left_name if unique_id not in a else right_name
            result.differences.append(f"{short}: not run on {side}")
        elif a[unique_id] != b[unique_id]:
            result.differences.append(
                f"{short}: {left_name} {format_outcome(a[unique_id])}, {right_name} {format_outcome(b[unique_id])}"
            )
        elif a[unique_id][0] in ("fail", "error"):
            result.failing_on_both.append(short)
    return result


def format_outcome(outcome: tuple[str, int | None]) -> str:
    status, failures = outcome
    return status if not failures else f"{status} ({failures} rows)"


# --------------------------------------------------------------------------------------------
# The whole comparison


@dataclass
class ParityReport:
    left: str
    right: str
    tables: list[TableParity] = field(default_factory=list)
    tests: TestParity | None = None

    @property
    def ok(self) -> bool:
        return all(t.ok for t in self.tables) and (self.tests is None or self.tests.ok)

    @property
    def differing_tables(self) -> list[str]:
        return [t.name for t in self.tables if not t.ok]

    def describe(self, verbose: bool = False) -> str:
        equal = sum(1 for t in self.tables if t.ok)
        head = (
            f"Parity {self.left} vs {self.right}: {len(self.tables)} tables, {equal} equal, "
            f"{len(self.tables) - equal} differ"
        )
        body = [f"  {t.describe()}" for t in self.tables if verbose or not t.ok]
        if self.tests is not None:
            body.append(f"  {self.tests.describe()}")
        return "\n".join([head, *body])


def compare(
    left: dict[str, Table],
    right: dict[str, Table],
    left_name: str = "dev",
    right_name: str = "trino",
    left_results: dict | None = None,
    right_results: dict | None = None,
) -> ParityReport:
    """Compare every table either side has (and the dbt tests, given both run results)."""
    report = ParityReport(left=left_name, right=right_name)
    for name in sorted(set(left) | set(right)):
        report.tables.append(
            compare_tables(name, left.get(name), right.get(name), left_name, right_name)
        )
    if left_results is not None and right_results is not None:
        report.tests = compare_tests(left_results, right_results, left_name, right_name)
    return report


# --------------------------------------------------------------------------------------------
# Reading the two engines


def layer_schemas(layers: Iterable[str] = LAYERS) -> list[str]:
    """The schemas of the layers, as the project names them (FINLAKE_<LAYER>_SCHEMA)."""
    return [os.environ.get(f"FINLAKE_{layer.upper()}_SCHEMA", layer) for layer in layers]


def read_duckdb(path: Path, schemas: Sequence[str]) -> dict[str, Table]:
    """Every base table (not view) of the given schemas of a DuckDB file."""
    import duckdb

    tables = {}
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.ConnectionException:
        # dbt-duckdb, having run in this process, still holds the file open read-write; a
        # connection with the same configuration shares that database instance.
        con = duckdb.connect(str(path))
    with con:
        names = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_type = 'BASE TABLE' and table_schema in (select unnest(?)) "
            "order by 1, 2",
            [list(schemas)],
        ).fetchall()
        for schema, table in names:
            cursor = con.execute(f'select * from "{schema}"."{table}"')
            columns = [d[0] for d in cursor.description]
            tables[f"{schema}.{table}"] = Table(f"{schema}.{table}", columns, cursor.fetchall())
    return tables


def read_trino(
    host: str,
    port: int,
    catalog: str,
    schemas: Sequence[str],
    user: str = "finlake",
    workers: int = 3,
) -> dict[str, Table]:
    """Every table of the given schemas of a Trino catalog, as consumers read it. Tables are read a
    few at a time: the server works on one while the client decodes another.

    After a write-audit-publish build (macros/publish/) a schema holds views over the tables of
    its published slot (`<schema>__<slot>`, named in the gold schema's `finlake_publication`):
    the tables are those of the slot that have a published view, read through the views (a
    slot can also hold what an engine left behind, e.g. dbt-athena's `<table>__bkp` after a
    build killed between its two renames, which nothing publishes). Otherwise its base tables."""
    from concurrent.futures import ThreadPoolExecutor

    import trino

    def connect():
        return trino.dbapi.connect(host=host, port=port, user=user, catalog=catalog)

    with connect() as con:
        cursor = con.cursor()
        slot = published_slot(cursor, catalog, schemas)
        physical = {f"{s}__{slot}" if slot else s: s for s in schemas}
        listed = ", ".join(f"'{s}'" for s in physical)
        cursor.execute(
            f"select table_schema, table_name from {catalog}.information_schema.tables "
            f"where table_type = 'BASE TABLE' and table_schema in ({listed}) order by 1, 2"
        )
        names = [(physical[schema], table) for schema, table in cursor.fetchall()]
        if slot:  # read what the publication exposes: a slot may also hold an engine's leftovers
            cursor.execute(
                f"select table_schema, table_name from {catalog}.information_schema.tables "
                f"where table_type = 'VIEW' and table_schema in "
                f"({', '.join(repr(s) for s in schemas)})"
            )
            published = {tuple(row) for row in cursor.fetchall()}  # rows come as lists
            names = [name for name in names if name in published]

    def read(name: tuple[str, str]) -> Table:
        schema, table = name
        with connect() as con:
            cursor = con.cursor()
            cursor.execute(f'select * from {catalog}."{schema}"."{table}"')
            rows = [tuple(row) for row in cursor.fetchall()]
            columns = [d[0] for d in cursor.description]
        return Table(f"{schema}.{table}", columns, rows)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return {t.name: t for t in pool.map(read, names)}


def published_slot(cursor, catalog: str, schemas: Sequence[str]) -> str | None:
    """The slot the views of a write-audit-publish build point at, or None (no publication)."""
    gold = os.environ.get("FINLAKE_GOLD_SCHEMA", "gold")
    if gold not in schemas:  # not asked for: no catalog call about a schema nobody reads
        return None
    cursor.execute(
        f"select count(*) from {catalog}.information_schema.tables "
        f"where table_schema = '{gold}' and table_name = 'finlake_publication'"
    )
    if cursor.fetchall()[0][0] == 0:
        return None
    cursor.execute(f'select slot from {catalog}."{gold}".finlake_publication')
    return cursor.fetchall()[0][0]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m finlake.parity",
        description="Compare the silver, gold and reference tables of a dev build (DuckDB) with a trino build.",
    )
    parser.add_argument("--lake", required=True, type=Path, help="lake folder of the dev build")
    parser.add_argument("--trino-host", default=os.environ.get("FINLAKE_TRINO_HOST", "127.0.0.1"))
    parser.add_argument(
        "--trino-port", type=int, default=int(os.environ.get("FINLAKE_TRINO_PORT", "8080"))
    )
    parser.add_argument("--catalog", default="iceberg", help="Trino catalog of the trino build")
    parser.add_argument("--dev-results", type=Path, help="run_results.json of the dev build")
    parser.add_argument("--trino-results", type=Path, help="run_results.json of the trino build")
    parser.add_argument("--verbose", action="store_true", help="list equal tables too")
    args = parser.parse_args(argv)
    schemas = layer_schemas()
    report = compare(
        read_duckdb(Lake(args.lake).warehouse, schemas),
        read_trino(args.trino_host, args.trino_port, args.catalog, schemas),
        left_results=json.loads(args.dev_results.read_text()) if args.dev_results else None,
        right_results=json.loads(args.trino_results.read_text()) if args.trino_results else None,
    )
    print(report.describe(verbose=args.verbose))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
