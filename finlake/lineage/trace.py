"""`finlake trace ENTITY KEY`: every landing record behind one key's gold rows.

A customer's gold rows (dim_customers, customer_summary, loan_default_features, customer_risk,
...) are built from the customer's own records and from the records that reference it, as the
landing contract's `references` say (its accounts and loans, their transactions and payments).
Bronze keeps each record's landing file (`_source_file`) and line (`_line_number`), so the answer
is read from bronze: every delivered version, duplicate and re-send, each with what silver did
with it (`_disposition` of int_<entity>__checked: loaded, superseded, quarantined or
exact_duplicate) when the lake has a dev warehouse.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from finlake.contract import Contract, Entity, load_contract
from finlake.errors import ConfigError
from finlake.lake import Lake


@dataclass(frozen=True)
class Record:
    entity: str
    key: str
    landing_file: str  # path of the landing file, relative to the lake
    line: int
    disposition: str | None


@dataclass
class Trace:
    entity: str
    key: str
    records: list[Record] = field(default_factory=list)
    seconds: float = 0.0


def resolve_entity(contract: Contract, name: str) -> Entity:
    """`customer`, `customers`, `loan_payment` -> the contract entity."""
    for candidate in (name, name + "s"):
        if candidate in contract.entities:
            return contract.entities[candidate]
    known = ", ".join(e[:-1] if e.endswith("s") else e for e in contract.entities)
    raise ConfigError(f"{name} is not a landing entity of the contract; use one of: {known}.")


def _children(contract: Contract, parent: Entity) -> list[tuple[Entity, str]]:
    """(entity, column) pairs whose column references the parent's key."""
    out = []
    for entity in contract.entities.values():
        for column in entity.columns:
            if column.references == f"{parent.name}.{parent.key[0]}":
                out.append((entity, column.name))
    return out


def trace(lake: Lake, entity_name: str, key: str, contract: Contract | None = None) -> Trace:
    import duckdb

    started = time.perf_counter()
    contract = contract or load_contract()
    entity = resolve_entity(contract, entity_name)
    if len(entity.key) != 1:
        raise ConfigError(f"{entity.name} has a composite key; trace takes one-column keys.")
    result = Trace(entity.name, key)
    con = duckdb.connect()
    checked = _dispositions_available(lake)
    if checked:
        con.execute(f"attach '{lake.warehouse}' as warehouse (read_only)")

    def bronze(name: str) -> str:
        folder = lake.bronze / name
        if not any(folder.rglob("*.parquet")):
            return ""
        return f"read_parquet('{folder}/**/*.parquet', hive_partitioning = true)"

    # Breadth first down the references: (entity, column, keys) -> the records whose column
    # holds one of the keys; their own keys feed the next level.
    frontier: list[tuple[Entity, str, list[str]]] = [(entity, entity.key[0], [key])]
    seen: set[tuple[str, str]] = set()
    while frontier:
        current, column, keys = frontier.pop(0)
        relation = bronze(current.name)
        if not relation or not keys or (current.name, column) in seen:
            continue
        seen.add((current.name, column))
        own_key = current.key[0]
        rows = con.execute(
            f"select {own_key}, _source_file, _line_number from {relation} "
            f"where {column} in (select unnest(?))",
            [keys],
        ).fetchall()
        dispositions = _dispositions(con, current.name, rows) if checked else {}
        for own, source_file, line in sorted(rows, key=lambda r: (r[1], r[2])):
            landing = lake.landing_dir(current.name) / source_file
            result.records.append(
                Record(
                    current.name,
                    own,
                    str(landing.relative_to(lake.root)),
                    int(line),
                    dispositions.get((source_file, int(line))),
                )
            )
        found = sorted({r[0] for r in rows if r[0] is not None})
        for child, child_column in _children(contract, current):
            frontier.append((child, child_column, found))
    if not any(r.entity == entity.name for r in result.records):
        raise ConfigError(
            f"no {entity.name} record with {entity.key[0]} {key} in {lake.bronze / entity.name}; "
            "check the key, or run finlake ingest first."
        )
    result.seconds = time.perf_counter() - started
    return result


def _dispositions_available(lake: Lake) -> bool:
    return lake.warehouse.is_file()


def _dispositions(con, entity: str, rows) -> dict[tuple[str, int], str]:
    import duckdb

    if not rows:
        return {}
    try:
        found = con.execute(
            "select table_schema from information_schema.tables "
            "where table_catalog = 'warehouse' and table_name = ? limit 1",
            [f"int_{entity}__checked"],
        ).fetchone()
        if not found:
            return {}
        out = con.execute(
            f'select _source_file, _line_number, _disposition from warehouse."{found[0]}".'
            f'"int_{entity}__checked" where (_source_file, _line_number) in '
            "(select unnest(?), unnest(?))",
            [[r[1] for r in rows], [int(r[2]) for r in rows]],
        ).fetchall()
    except duckdb.Error:
        return {}
    return {(f, int(n)): d for f, n, d in out}


def format_trace(result: Trace) -> str:
    lines = [
        f"{result.entity} {result.key}: {len(result.records)} landing records "
        f"({result.seconds:.2f}s)"
    ]
    for r in result.records:
        disposition = f"  {r.disposition}" if r.disposition else ""
        lines.append(f"  {r.landing_file}:{r.line}  {r.entity} {r.key}{disposition}")
    return "\n".join(lines)
