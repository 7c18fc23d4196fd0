"""The lineage of one target against another's: the same column graph whichever engine compiled
the project.

An auditor reads the lineage of prod (Athena); the tests mostly build dev (DuckDB) and trino
(Athena's engine, locally). The dispatched macros (`duckdb__`, `trino__`, `athena__`) write
different SQL for each engine, so the lineage computed from each target's compiled SQL could
differ. `differences` compares every column of every model, hop by hop:

- its direct inputs: each (dataset, column) it reads, the OpenLineage subtype (IDENTITY,
  TRANSFORMATION, AGGREGATION) and whether the hop masks the value;
- where its lineage ends when it is an origin (a constant, a row count) and the constant's SQL;
- why it cannot be traced, if it cannot;
- the pii classification carried along the lineage, and every origin it reaches.

A difference an engine's macro makes on purpose is listed in ENGINE_DIFFERENCES with why; the
comparison reports every other difference, and every listed one that no longer differs (a list
of exceptions that outlives its reason hides the next real one).
"""

from __future__ import annotations

from collections.abc import Mapping

from finlake.lineage.graph import Lineage

# Layers whose columns come from compiled SQL (landing, bronze, seeds and sources come from the
# contract and the seed files, the same for every target).
COMPILED_LAYERS = frozenset({"silver", "gold", "models"})

# (model, column) -> why its lineage differs between engines, on purpose. None today: the
# dispatched macros of the project (tokenising, regex, dates, type names) differ in the SQL they
# write, not in the columns they read or how.
ENGINE_DIFFERENCES: dict[tuple[str, str], str] = {}


def column_graph(lineage: Lineage) -> dict[tuple[str, str], dict]:
    """(model, column) -> everything the lineage says about it, for every compiled column."""
    out = {}
    for dataset in lineage.datasets.values():
        if dataset.layer not in COMPILED_LAYERS:
            continue
        for column in dataset.columns:
            key = (dataset.name, column)
            out[key] = {
                "inputs": sorted(
                    (e.input_dataset, e.input_column, e.subtype, e.masking)
                    for e in lineage.edges.get(key, ())
                ),
                "origin": lineage.origins.get(key),
                "constant": lineage.notes.get(key),
                "untraceable": lineage.untraceable.get(key),
                "classification": lineage.classification(*key),
                "sources": sorted(lineage.sources_of(*key)),
            }
    return out


def _describe(key: tuple[str, str], graphs: Mapping[str, dict], aspect: str) -> str:
    shown = "; ".join(
        f"{target} {graph.get(key, {}).get(aspect)!r}" for target, graph in graphs.items()
    )
    return f"{key[0]}.{key[1]} {aspect}: {shown}"


def differences(
    lineages: Mapping[str, Lineage],
    allowed: Mapping[tuple[str, str], str] = ENGINE_DIFFERENCES,
) -> list[str]:
    """One line per column whose graph differs between the targets (and is not in `allowed`),
    per column present on some targets only, and per `allowed` column that differs no more."""
    graphs = {target: column_graph(lineage) for target, lineage in lineages.items()}
    keys = sorted(set().union(*graphs.values()))
    problems = []
    differing = set()
    for key in keys:
        missing = [target for target, graph in graphs.items() if key not in graph]
        if missing:
            differing.add(key)
            if key not in allowed:
                problems.append(f"{key[0]}.{key[1]}: no such column on {', '.join(missing)}")
            continue
        first, *others = graphs.values()
        for aspect in first[key]:
            if any(graph[key][aspect] != first[key][aspect] for graph in others):
                differing.add(key)
                if key not in allowed:
                    problems.append(_describe(key, graphs, aspect))
    for key, reason in sorted(allowed.items()):
        if key not in differing:
            problems.append(
                f"{key[0]}.{key[1]} is listed as differing between engines ({reason}) but is the "
                "same on every target: remove it from ENGINE_DIFFERENCES"
            )
    return problems
