"""Column-level lineage, end to end: landing contract -> bronze -> silver -> gold -> the model.

Input: a dbt manifest (target/manifest.json) of one target, with every model's compiled SQL and
its parents. Each model's SQL is resolved column by column with sqlglot (`sqlglot.lineage`, which
qualifies the query against the parents' columns, so `select *` is expanded); bronze's columns come
from the landing contract and the ingestion job's layout (finlake/contract/bronze.py); the
default model's scores (the `ml` source) read the feature columns ml/features.py names. The hops
are then joined into one graph whose origins are landing columns, the ingestion job's load
metadata, seed columns and constants written in SQL.

Lineage here is DIRECT lineage (OpenLineage's term): the columns whose values flow into a
column's value. Columns that only filter or join rows (INDIRECT) are not followed.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from finlake.contract import Contract, load_contract
from finlake.contract.bronze import LOAD_COLUMNS, PARTITION_COLUMN, TOKEN_SUFFIX, entity_columns
from finlake.errors import ConfigError

# Target -> sqlglot dialect of its compiled SQL.
DIALECTS = {"dev": "duckdb", "trino": "trino", "prod": "athena"}

# Kinds of origin: where a traced column may end.
# A row count (count(*)) reads no column: its value is the number of input rows.
LANDING, INGESTION, SEED, CONSTANT, ROWS = "landing", "ingestion", "seed", "constant", "row count"

# Transformations, as OpenLineage names them (DIRECT subtypes).
IDENTITY, TRANSFORMATION, AGGREGATION = "IDENTITY", "TRANSFORMATION", "AGGREGATION"
_RANK = {IDENTITY: 0, TRANSFORMATION: 1, AGGREGATION: 2}

# The dbt source the default model writes back, and the model table it reads.
SCORES_SOURCE = ("ml", "customer_default_scores")
FEATURES_MODEL = "loan_default_features"


@dataclass(frozen=True)
class Dataset:
    name: str  # landing.<entity>, bronze.<entity>, <model>, seed.<seed>, source.<src>.<table>
    layer: str  # landing, bronze, silver, gold, seed, source, ml
    columns: tuple[str, ...]
    contracted: bool = False  # a gold model whose contract dbt enforces
    pii: frozenset[str] = frozenset()  # landing columns the contract marks pii


@dataclass(frozen=True)
class Edge:
    """One hop: `column` of a dataset reads `input_column` of `input_dataset`."""

    input_dataset: str
    input_column: str
    subtype: str = TRANSFORMATION
    masking: bool = False
    description: str = ""


@dataclass
class Lineage:
    datasets: dict[str, Dataset] = field(default_factory=dict)
    # (dataset, column) -> the hops it reads; empty for origins
    edges: dict[tuple[str, str], list[Edge]] = field(default_factory=dict)
    # the critical data elements (governance.cde_register of the manifest), for the page
    cdes: list[dict] = field(default_factory=list)
    # (dataset, column) -> origin kind, for the columns where lineage ends
    origins: dict[tuple[str, str], str] = field(default_factory=dict)
    # (dataset, column) -> the SQL of a constant, or why a column could not be traced
    notes: dict[tuple[str, str], str] = field(default_factory=dict)
    # (dataset, column) -> why it cannot be traced (an unknown relation, a failed parse)
    untraceable: dict[tuple[str, str], str] = field(default_factory=dict)
    seconds: float = 0.0
    _upstream: dict[tuple[str, str], frozenset[tuple[str, str]]] = field(
        default_factory=dict, repr=False
    )

    def sources_of(self, dataset: str, column: str) -> frozenset[tuple[str, str]]:
        """Every origin (dataset, column) the column's value comes from, through every hop."""
        key = (dataset, column)
        if key in self._upstream:
            return self._upstream[key]
        self._upstream[key] = frozenset()  # a cycle ends here rather than recursing forever
        if key in self.origins:
            found = frozenset({key})
        else:
            found = frozenset().union(
                *(self.sources_of(e.input_dataset, e.input_column) for e in self.edges.get(key, ()))
            )
        self._upstream[key] = found
        return found

    def unresolved_of(self, dataset: str, column: str) -> list[str]:
        """Why a column cannot be traced: each untraceable hop on its way up, or empty."""
        seen: set[tuple[str, str]] = set()
        out: list[str] = []
        stack = [(dataset, column)]
        while stack:
            key = stack.pop()
            if key in seen:
                continue
            seen.add(key)
            if key in self.untraceable:
                out.append(f"{key[0]}.{key[1]}: {self.untraceable[key]}")
            if key not in self.origins and not self.edges.get(key) and key not in self.untraceable:
                out.append(f"{key[0]}.{key[1]}: no input and no origin")
            stack.extend((e.input_dataset, e.input_column) for e in self.edges.get(key, ()))
        return sorted(out)

    def pii_landing_columns(self) -> set[tuple[str, str]]:
        return {(d.name, c) for d in self.datasets.values() if d.layer == "landing" for c in d.pii}

    def classification(self, dataset: str, column: str) -> dict:
        """The contract's pii flag carried along the lineage: `pii` when the column holds a pii
        landing column's value as delivered (identity hops only), `pii_derived` when its value
        is computed from one (a token, a mask, a generalisation, an aggregate), with the pii
        landing columns it comes from."""
        pii = self.pii_landing_columns()
        key = (dataset, column)
        found = sorted(self.sources_of(*key) & pii)
        copied = self._copied_from(key) & pii
        return {
            "pii": bool(copied),
            "pii_derived": bool(found) and not copied,
            "pii_sources": [f"{d}.{c}" for d, c in found],
        }

    def _copied_from(self, key: tuple[str, str]) -> set[tuple[str, str]]:
        """Origins reached through IDENTITY hops only."""
        found: set[tuple[str, str]] = set()
        seen: set[tuple[str, str]] = set()
        stack = [key]
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            if current in self.origins:
                found.add(current)
            for e in self.edges.get(current, ()):
                if e.subtype == IDENTITY and not e.masking:
                    stack.append((e.input_dataset, e.input_column))
        return found

    def gold_contract_columns(self) -> list[tuple[str, str]]:
        return [(d.name, c) for d in self.datasets.values() if d.contracted for c in d.columns]

    def untraced_gold(self) -> dict[tuple[str, str], list[str]]:
        """Gold contract columns with an untraceable hop or no origin at all, with the reasons."""
        out = {}
        for key in self.gold_contract_columns():
            reasons = self.unresolved_of(*key)
            if not reasons and not self.sources_of(*key):
                reasons = [f"{key[0]}.{key[1]}: reaches no landing column, seed or constant"]
            if reasons:
                out[key] = reasons
        return out

    def downstream_of(self, dataset: str, column: str) -> set[tuple[str, str]]:
        """Every column whose value reads this one, through every hop."""
        readers: dict[tuple[str, str], set[tuple[str, str]]] = {}
        for key, edges in self.edges.items():
            for e in edges:
                readers.setdefault((e.input_dataset, e.input_column), set()).add(key)
        found: set[tuple[str, str]] = set()
        stack = [(dataset, column)]
        while stack:
            for reader in readers.get(stack.pop(), ()):
                if reader not in found:
                    found.add(reader)
                    stack.append(reader)
        return found


def read_manifest(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise ConfigError(
            f"{path} does not exist; compile the project first (finlake lineage does when "
            "--manifest is not given)."
        ) from None
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"{path} is not a readable dbt manifest ({exc}); compile again."
        ) from None


def _layer(node: dict) -> str:
    parts = Path(node.get("original_file_path", "")).parts
    return parts[1] if len(parts) > 2 and parts[0] == "models" else "models"


def _relation_key(relation_name: str | None, dialect: str) -> tuple[str, ...] | None:
    from sqlglot import exp

    if not relation_name:
        return None
    table = exp.to_table(relation_name, dialect=dialect)
    return tuple(p.lower() for p in (table.catalog, table.db, table.name))


def _lookup(index: dict[tuple[str, ...], str], table) -> str | None:
    """The dataset a sqlglot Table leaf names: by catalog.db.name, else db.name, else name."""
    full = (table.catalog.lower(), table.db.lower(), table.name.lower())
    if full in index:
        return index[full]
    for size in (2, 1):
        matches = {v for k, v in index.items() if k[-size:] == full[-size:] and all(full[-size:])}
        if len(matches) == 1:
            return matches.pop()
    return None


def _subtype(expressions: Iterable) -> str:
    from sqlglot import exp

    subtype = IDENTITY
    for e in expressions:
        inner = e.this if isinstance(e, exp.Alias) else e
        if isinstance(inner, exp.Column):
            continue
        if isinstance(inner, exp.Table):
            continue
        found = AGGREGATION if inner.find(exp.AggFunc) else TRANSFORMATION
        if _RANK[found] > _RANK[subtype]:
            subtype = found
    return subtype


def _model_hops(
    out_column: str,
    node,
    index: dict[tuple[str, ...], str],
    self_name: str,
) -> tuple[list[Edge], str | None, str | None]:
    """The hops of one output column from sqlglot's lineage tree: (edges, constant SQL, problem)."""
    from sqlglot import exp

    edges: dict[tuple[str, str], Edge] = {}
    problems: list[str] = []
    constants: list[str] = []
    stack = [(node, (node.expression,))]
    seen: set[int] = set()
    while stack:
        current, path = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if current.downstream:
            stack.extend((d, (*path, d.expression)) for d in current.downstream)
            continue
        if isinstance(current.expression, exp.Table):
            dataset = _lookup(index, current.expression)
            column = current.name.rsplit(".", 1)[-1].strip('"`')
            if dataset == self_name:  # an incremental model reading its own earlier rows
                continue
            if dataset is None:
                table = current.expression
                problems.insert(
                    0, f"reads {exp.table_name(table)}, which is no model, source or seed"
                )
                continue
            subtype = _subtype(path[:-1])
            previous = edges.get((dataset, column))
            if previous is None or _RANK[subtype] > _RANK[previous.subtype]:
                edges[(dataset, column)] = Edge(dataset, column, subtype)
        else:
            expression = current.expression
            inner = expression.this if isinstance(expression, exp.Alias) else expression
            if inner.find(exp.Column):
                if not problems:  # an unknown relation above already says why
                    problems.append(f"sqlglot could not resolve {current.name}")
            else:
                constants.append(inner)
    constant = None
    if constants and not edges:
        constant = "; ".join(sorted({_constant_sql(c) for c in constants}))
    return list(edges.values()), constant, problems[0] if problems else None


def _constant_sql(expression) -> str:
    """The SQL of a constant as the note shows it, the same whichever dialect it was read in:
    sqlglot reads DuckDB's `varchar` as its TEXT type (Trino's stays VARCHAR), so TEXT is
    written back as the VARCHAR the model says."""
    from sqlglot import exp

    def varchar(node):
        if isinstance(node, exp.DataType) and node.this == exp.DataType.Type.TEXT:
            return exp.DataType.build("varchar")
        return node

    return expression.transform(varchar).sql()


def _contract_datasets(lineage: Lineage, contract: Contract) -> dict[str, str]:
    """landing.<entity> and bronze.<entity>, with the hops between them; bronze source name ->
    dataset name."""
    names = {}
    for entity in contract.entities.values():
        landing = f"landing.{entity.name}"
        bronze = f"bronze.{entity.name}"
        names[entity.name] = bronze
        lineage.datasets[landing] = Dataset(
            landing, "landing", tuple(entity.column_names), pii=frozenset(entity.pii_columns)
        )
        for column in entity.column_names:
            lineage.origins[(landing, column)] = LANDING
        columns = [c.name for c in entity_columns(entity)]
        columns += [c.name for c in LOAD_COLUMNS] + [PARTITION_COLUMN]
        lineage.datasets[bronze] = Dataset(bronze, "bronze", tuple(columns))
        for column in columns:
            key = (bronze, column)
            if column in entity.column_names:
                lineage.edges[key] = [Edge(landing, column, IDENTITY, description="as delivered")]
            elif (
                column.endswith(TOKEN_SUFFIX) and column[: -len(TOKEN_SUFFIX)] in entity.pii_columns
            ):
                lineage.edges[key] = [
                    Edge(
                        landing,
                        column[: -len(TOKEN_SUFFIX)],
                        TRANSFORMATION,
                        masking=True,
                        description="HMAC-SHA256 token made by the ingestion job",
                    )
                ]
            else:
                lineage.origins[key] = INGESTION
                lineage.notes[key] = "load metadata written by the ingestion job"
    return names


def _feature_columns() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The default model's keys and the gold feature columns it reads (ml/features.py)."""
    from ml.features import KEYS, FeatureSpec

    return KEYS, FeatureSpec().source_columns


def build_lineage(
    manifest: dict,
    target: str = "dev",
    project: Path | None = None,
    contract: Contract | None = None,
    progress: Callable[[Iterable, int], Iterable] | None = None,
    only: Iterable[str] = (),
) -> Lineage:
    """The end-to-end column lineage of every model in `manifest` (compiled for `target`), or
    of the models named in `only` and their ancestors."""
    import csv

    from sqlglot.errors import SqlglotError
    from sqlglot.lineage import lineage as sqlglot_lineage

    started = time.perf_counter()
    dialect = DIALECTS.get(target, target)
    contract = contract or load_contract()
    result = Lineage()
    bronze_names = _contract_datasets(result, contract)
    index: dict[tuple[str, ...], str] = {}
    dataset_of: dict[str, str] = {}  # unique_id -> dataset name

    for uid, source in manifest.get("sources", {}).items():
        key = _relation_key(source.get("relation_name"), dialect)
        name = f"source.{source['source_name']}.{source['name']}"
        if source["source_name"] == "bronze" and source["name"] in bronze_names:
            name = bronze_names[source["name"]]
        elif (source["source_name"], source["name"]) == SCORES_SOURCE:
            columns = tuple(source.get("columns", {}))
            result.datasets[name] = Dataset(name, "ml", columns)
            keys, features = _feature_columns()
            for column in columns:
                if column in keys:  # copied
                    edges = [Edge(FEATURES_MODEL, column, IDENTITY, description="key")]
                else:
                    edges = [
                        Edge(FEATURES_MODEL, f, TRANSFORMATION, description="default model (ml/)")
                        for f in features
                    ]
                result.edges[(name, column)] = edges
        else:
            columns = tuple(source.get("columns", {}))
            result.datasets[name] = Dataset(name, "source", columns)
            for column in columns:  # the ingestion job's ledger and malformed lines
                result.origins[(name, column)] = INGESTION
        dataset_of[uid] = name
        if key:
            index[key] = name

    root = Path(project) if project else None
    for uid, seed in manifest.get("nodes", {}).items():
        if seed.get("resource_type") != "seed":
            continue
        name = f"seed.{seed['name']}"
        columns: tuple[str, ...] = tuple(seed.get("columns", {}))
        path = Path(seed.get("root_path") or root or ".") / seed.get("original_file_path", "")
        if path.is_file():
            with path.open(newline="", encoding="utf-8") as handle:
                columns = tuple(next(csv.reader(handle), ()))
        result.datasets[name] = Dataset(name, "seed", columns)
        for column in columns:
            result.origins[(name, column)] = SEED
        dataset_of[uid] = name
        key = _relation_key(seed.get("relation_name"), dialect)
        if key:
            index[key] = name

    models = {
        uid: node
        for uid, node in manifest.get("nodes", {}).items()
        if node.get("resource_type") == "model"
    }
    for uid, node in models.items():
        dataset_of[uid] = node["name"]
        key = _relation_key(node.get("relation_name"), dialect)
        if key:
            index[key] = node["name"]

    schema_of: dict[str, dict[str, str]] = {
        name: dict.fromkeys(d.columns, "varchar") for name, d in result.datasets.items()
    }
    ordered = _topological(models)
    wanted = set(only)
    if wanted:
        known = {node["name"] for node in models.values()}
        missing = sorted(wanted - known)
        if missing:
            raise ConfigError(f"no model named {', '.join(missing)} in the manifest.")
        keep = {uid for uid, node in models.items() if node["name"] in wanted}
        for uid in reversed(ordered):
            if uid in keep:
                keep |= set(models[uid].get("depends_on", {}).get("nodes", []))
        ordered = [uid for uid in ordered if uid in keep]
    steps = progress(ordered, len(ordered)) if progress else ordered
    for uid in steps:
        node = models[uid]
        name = node["name"]
        code = node.get("compiled_code")
        contracted = bool((node.get("contract") or {}).get("enforced"))
        if code is None:
            raise ConfigError(
                f"the manifest has no compiled SQL for model {name}; compile the project for "
                f"target {target} (dbt compile) and run finlake lineage again."
            )
        schema: dict = {}
        for parent in node.get("depends_on", {}).get("nodes", []):
            parent_name = dataset_of.get(parent)
            key = next((k for k, v in index.items() if v == parent_name), None)
            if parent_name is None or key is None or parent_name not in schema_of:
                continue
            catalog, db, table = key
            schema.setdefault(catalog, {}).setdefault(db, {})[table] = schema_of[parent_name]
        try:
            resolved = sqlglot_lineage(None, code, schema=schema, dialect=dialect)
        except SqlglotError as exc:
            columns = tuple(node.get("columns", {}))
            result.datasets[name] = Dataset(name, _layer(node), columns, contracted)
            schema_of[name] = dict.fromkeys(columns, "varchar")
            for column in columns:
                result.untraceable[(name, column)] = f"sqlglot could not resolve the SQL: {exc}"
            continue
        columns = tuple(resolved)
        result.datasets[name] = Dataset(name, _layer(node), columns, contracted)
        schema_of[name] = dict.fromkeys(columns, "varchar")
        for column, tree in resolved.items():
            edges, constant, problem = _model_hops(column, tree, index, name)
            result.edges[(name, column)] = edges
            if problem:
                result.untraceable[(name, column)] = problem
            elif constant is not None:
                counts = "COUNT(*)" in constant.upper()
                result.origins[(name, column)] = ROWS if counts else CONSTANT
                result.notes[(name, column)] = constant
    result.seconds = time.perf_counter() - started
    return result


def _topological(models: dict[str, dict]) -> list[str]:
    """Model ids, parents first (a model's own id among its parents is ignored)."""
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(uid: str) -> None:
        stack = [(uid, iter(models[uid].get("depends_on", {}).get("nodes", [])))]
        state[uid] = 1
        while stack:
            current, parents = stack[-1]
            for parent in parents:
                if parent in models and parent not in state:
                    state[parent] = 1
                    stack.append(
                        (parent, iter(models[parent].get("depends_on", {}).get("nodes", [])))
                    )
                    break
            else:
                stack.pop()
                state[current] = 2
                order.append(current)

    for uid in sorted(models):
        if uid not in state:
            visit(uid)
    return order
