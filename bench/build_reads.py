"""What a dbt build on the dev target read, per model: bytes of bronze Parquet and of silver.

    from bench.build_reads import counting_reads
    with counting_reads() as reads:
        pipeline.build(lake, ...)          # dbt runs in this process
    reads.per_model()["model.finlake.stg_transactions"]["bronze_bytes"]

While the context is open, every statement dbt-duckdb sends is profiled by DuckDB itself
(`enable_profiling = 'json'`, one profile file per connection, read after each statement), and
the profile's scans are added to the model named by the statement's dbt query comment
(`"node_id": ...`):

- bronze_bytes: the `bytes_scanned` DuckDB reports for each Parquet scan (bronze is Parquet,
  read through views over `read_parquet`): the compressed bytes fetched, after partition and
  row-group pruning — what Athena bills as bytes scanned;
- silver_bytes: for each scan of a warehouse table, the rows scanned times the width of the
  columns it projects (uncompressed; DuckDB reports no bytes for its own tables), an estimate
  of what the same scan reads from Iceberg on Athena; silver_rows: those rows;
- row_groups: Parquet and table row groups scanned (pruned ones are not counted);
- raw_record_rows: of silver_rows, those of scans that project a raw record column
  (`_raw_record`, `raw_record`: the delivered record as JSON, by far the widest column), the
  wide reads, told apart from narrow scans of the same table (a key or a date list);
- rows_written: the rows fed to the statements' writes (deleted, inserted, updated, or
  written by a create-as-select, a merge's inserts and updates), what an incremental run
  rewrites;
- scope_rows: of silver_rows, those of the statements that find what an incremental run must
  recompute (their SQL carries the marker `finlake: scope`, macros/incremental/): narrow
  queries of a date or key list, told apart from the recomputation's own reads.

`reads.rows_by_table(node)` splits silver_rows by table (`{"silver.stg_transactions": 52}`),
`reads.rows_by_table(node, raw_record=True)` raw_record_rows.

Statements outside a model (hooks, dbt's own catalogue queries) count under "(none)".
The bytes are DuckDB's, not Athena's; on the trino target Trino's query statistics are the
closer stand-in (bench/trino_reads.py, `incremental_bench.py --target trino`).
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

NODE = re.compile(r'"node_id"\s*:\s*"([^"]+)"')
NO_MODEL = "(none)"
FIELDS = (
    "bronze_bytes",
    "silver_bytes",
    "silver_rows",
    "row_groups",
    "statements",
    "raw_record_rows",
    "scope_rows",
    "rows_written",
)
# DuckDB's operators that write a table, fed the rows they write (a merge by its INSERT and
# UPDATE children, so MERGE_INTO itself is not counted)
WRITES = {
    "DELETE",
    "DELETE_OPERATOR",
    "INSERT",
    "BATCH_INSERT",
    "UPDATE",
    "CREATE_TABLE_AS",
    "BATCH_CREATE_TABLE_AS",
}
SCOPE_MARKER = "finlake: scope"
RAW_RECORD = {"_raw_record", "raw_record"}


class ReadCounter:
    """Reads per dbt node, summed over its statements."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.lock = threading.Lock()
        self.counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIELDS, 0))
        self.tables: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.raw_tables: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.files = 0
        self.connections: list[_Profiled] = []

    def per_model(self) -> dict[str, dict[str, int]]:
        return {node: dict(values) for node, values in sorted(self.counts.items())}

    def rows_by_table(self, node: str, raw_record: bool = False) -> dict[str, int]:
        """The rows each warehouse table scan of `node` read, by table (`schema.table`); only
        the scans that project a raw record column with `raw_record`."""
        return dict((self.raw_tables if raw_record else self.tables).get(node, {}))

    def total(self, field: str) -> int:
        return sum(values[field] for values in self.counts.values())

    def add(self, sql: str, profile: dict) -> None:
        match = NODE.search(sql or "")
        node = match.group(1) if match else NO_MODEL
        found = dict.fromkeys(FIELDS, 0)
        found["statements"] = 1
        tables: dict[str, int] = defaultdict(int)
        raw_tables: dict[str, int] = defaultdict(int)
        for op in _operators(profile):
            if op.get("type") in WRITES:
                found["rows_written"] += sum(
                    int(c.get("intermediate_rows") or 0) for c in op.get("children") or ()
                )
            if op.get("type") != "TABLE_SCAN":
                continue
            info = op.get("extra_info") or {}
            found["row_groups"] += int(op.get("row_groups_scanned") or 0)
            if info.get("Function") == "READ_PARQUET" or op.get("bytes_scanned") is not None:
                found["bronze_bytes"] += int(op.get("bytes_scanned") or 0)
            elif "Table" in info:
                rows = int(op.get("rows_scanned") or 0)
                out_rows = int(op.get("intermediate_rows") or 0)
                width = (op.get("intermediate_size_bytes") or 0) / out_rows if out_rows else 0
                found["silver_rows"] += rows
                if SCOPE_MARKER in (sql or ""):
                    found["scope_rows"] += rows
                projected = info.get("Projections") or ()
                if isinstance(projected, str):  # one name a line in some DuckDB versions
                    projected = projected.split("\n")
                table = ".".join(str(info["Table"]).split(".")[-2:])
                if RAW_RECORD & {name.strip() for name in projected}:
                    found["raw_record_rows"] += rows
                    raw_tables[table] += rows
                found["silver_bytes"] += round(rows * width)
                tables[table] += rows
        with self.lock:
            totals = self.counts[node]
            for field, value in found.items():
                totals[field] += value
            for table, rows in tables.items():
                self.tables[node][table] += rows
            for table, rows in raw_tables.items():
                self.raw_tables[node][table] += rows


class _Profiled:
    """One connection's profile file and the statement whose profile it is waiting for.

    DuckDB writes a statement's profile when the statement is done: at once for a create,
    insert or merge, after its rows were fetched for a SELECT. The profile names its SQL, so a
    file is counted for the statement it belongs to, and only once. Several statements sent
    in one call are profiled by the last one only (its SQL ends the text sent), so that one is
    counted: the `insert ... select` of a model with an enforced contract, whose reads went
    uncounted before (every gold mart's)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.pending: str | None = None

    def collect(self, counter: ReadCounter) -> None:
        if self.pending is None:
            return
        try:
            profile = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return
        sql = (profile.get("query") or {}).get("sql") or ""
        # several statements sent at once (dbt-duckdb's contracted table: a `create table`
        # then its `insert ... select`) leave the profile of the last one, the part that reads
        if not sql or not (sql == self.pending or self.pending.endswith(sql)):
            return
        counter.add(self.pending, profile)
        self.pending = None


def _operators(profile: dict) -> Iterator[dict]:
    stack = list(profile.get("operator") or profile.get("children") or [])
    while stack:
        op = stack.pop()
        yield op
        stack.extend(op.get("children") or [])


@contextmanager
def counting_reads() -> Iterator[ReadCounter]:
    """Profile every statement dbt-duckdb runs in this process while the block runs."""
    from dbt.adapters.duckdb.environments import local

    folder = Path(tempfile.mkdtemp(prefix="finlake-reads-"))
    counter = ReadCounter(folder)
    wrapper = local.DuckDBCursorWrapper
    original = wrapper.execute

    def execute(self, sql, bindings=None):
        cursor = self._cursor
        state = self.__dict__.get("_profile")
        if state is None:  # this connection's first statement: profile it from now on
            with counter.lock:
                counter.files += 1
                state = _Profiled(folder / f"connection-{counter.files}.json")
                counter.connections.append(state)
            self.__dict__["_profile"] = state
            cursor.execute("set enable_profiling = 'json'")
            cursor.execute("set profiling_coverage = 'ALL'")
            cursor.execute(f"set profiling_output = '{state.path}'")
        state.collect(counter)  # a SELECT's profile is written once dbt fetched its rows
        result = original(self, sql, bindings)
        state.pending = sql
        state.collect(counter)  # a statement that ran to completion (create, insert, merge)
        return result

    wrapper.execute = execute
    try:
        yield counter
    finally:
        wrapper.execute = original
        for state in counter.connections:
            state.collect(counter)
        shutil.rmtree(folder, ignore_errors=True)
