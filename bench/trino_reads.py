"""What a dbt build on the trino target read, per dbt node, from Trino's own query statistics.

    from bench.trino_reads import counting_reads
    with counting_reads() as reads:
        pipeline.build(lake, BuildOptions(target="trino", ...))   # dbt runs in this process
    reads.per_model()["model.finlake.stg_transactions"]["bronze_bytes"]

The same shape as bench/build_reads.py (the dev target's counter), so that
bench/incremental_bench.py can use either. While the context is open, every statement dbt-trino
sends is followed, once it has finished, by its statistics: the client's final stats say how
many bytes the query read (`physicalInputBytes`); when that is not 0 the server's query info
(`GET /v1/query/{queryId}`) says from which tables: its `inputs` name each scanned table's
catalog, schema and plan node, its `queryStats.operatorSummaries` the physical input bytes of
every operator, by stage and plan node. The bytes go to the model named by the statement's dbt
query comment (`"node_id": ...`; dbt-trino splits a model's SQL at its semicolons and only the
first statement carries the comment, so a statement without one, such as the `insert ... select`
of a model with an enforced contract, every gold mart's, goes to the node of the statement
before it on the same connection), split by catalog:

- bronze_bytes: reads of the Hive catalog over the bronze Parquet (tools/trino/server.py's
  BRONZE_CATALOG);
- silver_bytes: reads of the Iceberg catalog's tables (silver and gold, ICEBERG_CATALOG);
- other_bytes: reads of anything else (information_schema, system tables), and bytes that
  could not be told apart (a plan fragment scanning tables of both catalogs);
- statements: the node's statements; pruned: those whose statistics had no per-operator
  figures any more (the whole query's bytes then go to its one catalog, else to other_bytes).

Physical input bytes are the compressed bytes read from files after partition and row-group
pruning: what Athena bills as bytes scanned (Trino is the engine inside Athena). The info is
fetched as soon as the statement ends because Trino keeps full statistics for its last
`query.max-history` queries only (older ones are pruned of their operator figures).
`reads.bytes_by_table(node)` splits a node's bytes by table (`{"bronze.bronze.transactions": n}`).
Statements outside a model (hooks, dbt's own catalogue queries) count under "(none)".
"""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.request
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

NODE = re.compile(r'"node_id"\s*:\s*"([^"]+)"')
NO_MODEL = "(none)"
FIELDS = ("bronze_bytes", "silver_bytes", "other_bytes", "statements", "pruned")
BRONZE_CATALOG = "bronze"  # tools/trino/server.py
ICEBERG_CATALOG = "iceberg"
METADATA_SCHEMAS = {"information_schema"}
UNITS = {"B": 1, "kB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30, "TB": 1 << 40, "PB": 1 << 50}
DATA_SIZE = re.compile(r"^\s*([0-9.]+)\s*([A-Za-z]+)\s*$")
FINAL_INFO_SECONDS = 10.0


class TrinoReadError(Exception):
    """Trino's statistics of a query could not be read."""


def data_size(text: str | int | None) -> int:
    """Bytes of a Trino DataSize as its JSON writes it ("37861B", "1.50kB")."""
    if text is None:
        return 0
    if isinstance(text, int):
        return text
    match = DATA_SIZE.match(text)
    if not match or match.group(2) not in UNITS:
        raise TrinoReadError(f"Trino wrote a data size this counter cannot read: {text!r}.")
    return round(float(match.group(1)) * UNITS[match.group(2)])


class TrinoReadCounter:
    """Bytes read per dbt node, summed over its statements, split by catalog."""

    def __init__(self, bronze: str = BRONZE_CATALOG, iceberg: str = ICEBERG_CATALOG) -> None:
        self.catalogs = {bronze: "bronze_bytes", iceberg: "silver_bytes"}
        self.lock = threading.Lock()
        self.counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIELDS, 0))
        self.tables: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def per_model(self) -> dict[str, dict[str, int]]:
        return {node: dict(values) for node, values in sorted(self.counts.items())}

    def bytes_by_table(self, node: str) -> dict[str, int]:
        """The bytes each table read by `node` gave, by `catalog.schema.table`."""
        return dict(self.tables.get(node, {}))

    def total(self, field: str) -> int:
        return sum(values[field] for values in self.counts.values())

    def add(
        self, sql: str, info: dict | None, stats: dict | None = None, node: str | None = None
    ) -> None:
        """Count one finished statement: its SQL, its query info (None when it read nothing),
        the client's final stats (for the stage figures of a pruned info) and its node (else
        the one its SQL's query comment names)."""
        node = node or node_of(sql)
        found = dict.fromkeys(FIELDS, 0)
        found["statements"] = 1
        tables: dict[str, int] = defaultdict(int)
        if info is not None:
            reads, pruned = scans(info, stats)
            found["pruned"] = int(pruned)
            for (catalog, schema, table), size in reads:
                field = self.catalogs.get(catalog, "other_bytes")
                found[field if schema not in METADATA_SCHEMAS else "other_bytes"] += size
                tables[".".join(filter(None, (catalog, schema, table))) or "(unknown)"] += size
        with self.lock:
            for field, value in found.items():
                self.counts[node][field] += value
            for table, size in tables.items():
                self.tables[node][table] += size


def node_of(sql: str | None) -> str:
    match = NODE.search(sql or "")
    return match.group(1) if match else NO_MODEL


def statement_node(wrapper, sql: str) -> str:
    """The node of a statement sent through dbt-trino's connection `wrapper`: the one its query
    comment names; for a statement without a comment (the second part of a split SQL text),
    the node of the statement before it on the same connection."""
    if sql.lstrip().startswith("/*"):
        wrapper.__dict__["_finlake_node"] = node_of(sql)
    return wrapper.__dict__.get("_finlake_node") or node_of(sql)


def scans(info: dict, stats: dict | None) -> tuple[list[tuple[tuple, int]], bool]:
    """(table, bytes) of every read of a query, and whether its info was pruned. A table is
    (catalog, schema, table), with None parts where a read could not be told apart."""
    inputs = info.get("inputs") or []
    figures = operator_bytes(info)
    pruned = not figures and data_size(info["queryStats"].get("physicalInputDataSize")) > 0
    if pruned:
        figures = stage_bytes((stats or {}).get("rootStage")) or [
            (None, None, data_size(info["queryStats"]["physicalInputDataSize"]))
        ]
    return [(table_of(inputs, stage, node), size) for stage, node, size in figures], pruned


def operator_bytes(info: dict) -> list[tuple[str, str, int]]:
    """(stage, plan node, physical input bytes) of every operator that read something."""
    out = []
    for op in info["queryStats"].get("operatorSummaries") or []:
        size = data_size(op.get("physicalInputDataSize"))
        if size:
            out.append((str(op["stageId"]), str(op["planNodeId"]), size))
    return out


def stage_bytes(stage: dict | None) -> list[tuple[str, None, int]]:
    """(stage, None, physical input bytes) of every stage in the client's final stats."""
    out, stack = [], [stage] if stage else []
    while stack:
        one = stack.pop()
        if one.get("physicalInputBytes"):
            out.append((str(one["stageId"]), None, int(one["physicalInputBytes"])))
        stack.extend(one.get("subStages") or [])
    return out


def table_of(inputs: list[dict], stage: str | None, node: str | None) -> tuple:
    """The table a scan in (stage, plan node) read: the input of that plan node, else the one
    table (or the one catalog) of the stage's inputs; Nones where they differ."""
    here = [i for i in inputs if stage is None or str(i.get("fragmentId")) == stage]
    exact = [i for i in here if node is not None and str(i.get("planNodeId")) == node]
    named = {(i.get("catalogName"), i.get("schema"), i.get("table")) for i in exact or here}
    if len(named) == 1:
        return named.pop()
    catalogs = {catalog for catalog, _, _ in named}
    return (catalogs.pop() if len(catalogs) == 1 else None, None, None)


def query_info(base_url: str, user: str, query_id: str) -> dict:
    """The server's final info of a finished query (GET /v1/query/{queryId})."""
    request = urllib.request.Request(
        f"{base_url}/v1/query/{query_id}", headers={"X-Trino-User": user}
    )
    deadline = time.monotonic() + FINAL_INFO_SECONDS
    while True:
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:
                info = json.load(reply)
        except (OSError, ValueError) as error:
            raise TrinoReadError(
                f"Could not read Trino's statistics of query {query_id} at {base_url}: {error}."
            ) from error
        if info.get("finalQueryInfo") or time.monotonic() > deadline:
            return info
        time.sleep(0.1)


@contextmanager
def counting_reads(
    bronze: str = BRONZE_CATALOG, iceberg: str = ICEBERG_CATALOG
) -> Iterator[TrinoReadCounter]:
    """Count the reads of every statement dbt-trino runs in this process while the block runs."""
    from dbt.adapters.trino.connections import ConnectionWrapper

    counter = TrinoReadCounter(bronze, iceberg)
    original = ConnectionWrapper.execute

    def execute(self, sql, bindings=None):
        result = original(self, sql, bindings)  # returns once every row was fetched
        cursor = self._cursor
        stats = getattr(cursor, "stats", None) or {}
        info = None
        if stats.get("physicalInputBytes") or stats.get("state") != "FINISHED":
            con = cursor.connection
            base = f"{con.http_scheme}://{con.host}:{con.port}"
            info = query_info(base, con.user, cursor.query_id)
        counter.add(sql, info, stats, statement_node(self, sql))
        return result

    ConnectionWrapper.execute = execute
    try:
        yield counter
    finally:
        ConnectionWrapper.execute = original
