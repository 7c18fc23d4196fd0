"""What a daily run costs: a full build, then one and then seven more days of deliveries, each
built incrementally and compared with a full rebuild of the same data (dev target, DuckDB, or
the trino target on a local Trino server).

    python bench/incremental_bench.py [--preset medium] [--lake DIR] [--target dev|trino]
                                      [--more-days N]

Steps: generate the preset into the lake (replacing what is there), ingest, full build; then
`finlake generate --continue --days 1`, ingest, incremental build; then `--continue --days 7`,
ingest, incremental build. After each incremental build the
warehouse is put aside, the same bronze is built again with `--full-refresh`, and every silver
and gold table's checksum (row count and an order-free hash of its rows) is compared; the
incremental warehouse is then put back for the next step.

`--more-days N` (dev target) continues the lake an earlier run left by N more days: one
incremental build and its full rebuild, compared, without generating or building the lake
first (figures in incremental_bench-more.json): a day's cost measured again in minutes.

Per build it reports wall time, peak memory of the process tree, and the bytes each model read
from bronze and silver (bench/build_reads.py: DuckDB's own profile of every statement), and the
projected Athena cost of that run at $5 per TB scanned. Figures go to <lake>/../
incremental_bench.json (incremental_bench-trino.json with --target trino). Never fails on a
timing; it fails only when a step itself fails.

--target trino (make bench-incremental BENCH_INCREMENTAL_TARGET=trino) runs the same steps on a
Trino server started for the run (tools/trino/server.py, state in <lake>/../trino-state-<preset>,
stopped at the end) and counts the bytes from Trino's own query statistics
(bench/trino_reads.py: physical input bytes, what Athena bills, split into the bronze Hive
catalog and the Iceberg catalog of silver and gold) instead of DuckDB's estimate; the peak
memory is then dbt's alone (the server is not a child of the build). The models are built in
place (FINLAKE_WRITE_AUDIT_PUBLISH=0): with write-audit-publish each build goes into the slot
two builds behind, which would turn the first incremental build into a full one. Each full
rebuild goes into schemas of its own (`<schema>_rebuild`), so the incremental tables are left
as they are, and the two are compared by Trino's `checksum` of every silver and gold table.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from procmem import run_measured

from finlake.lake import Lake

USD_PER_TB = 5.0
SCHEMAS = ("silver", "gold")
TARGETS = ("dev", "trino")
LAYERS = ("bronze", "silver", "gold", "reference")
REBUILD_SUFFIX = "_rebuild"  # trino: the full rebuilds' schemas
TRINO_ICEBERG = "iceberg"  # tools/trino/server.py ICEBERG_CATALOG
RUN_COLUMNS = ("_loaded_at", "loaded_at", "dbt_updated_at", "built_at", "_built_at", "run_at")


def finlake(*args: str) -> list[str]:
    return [sys.executable, "-m", "finlake", "--quiet", *args]


def step(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    result, seconds, peak = run_measured(cmd, env=env)
    if result.returncode != 0:
        print(result.stdout[-3000:], result.stderr[-3000:], file=sys.stderr)
        raise SystemExit(
            f"incremental_bench: {' '.join(cmd[2:])} failed (exit {result.returncode})."
        )
    return seconds, peak


def measured_build(
    lake: Lake, label: str, full_refresh: bool, target: str = "dev", env: dict | None = None
) -> dict:
    """One `finlake build` in a child process that counts its reads; wall time and peak memory."""
    out = lake.root.parent / f"reads-{label}.json"
    cmd = [sys.executable, __file__, "_build", "--lake", str(lake.root), "--out", str(out)]
    cmd += ["--target", target]
    seconds, peak = step([*cmd, "--full-refresh"] if full_refresh else cmd, env)
    reads = json.loads(out.read_text())
    out.unlink()
    bronze = sum(m["bronze_bytes"] for m in reads.values())
    silver = sum(m["silver_bytes"] for m in reads.values())
    return {
        "build": label,
        "target": target,
        "full_refresh": full_refresh,
        "wall_s": round(seconds, 1),
        "peak_rss_mb": round(peak / 1e6),
        "bronze_bytes": bronze,
        "silver_bytes": silver,
        "athena_usd": round((bronze + silver) / 1e12 * USD_PER_TB, 6),
        "per_model": {
            node.split(".")[-1]: {k: v for k, v in m.items() if k != "statements"}
            for node, m in reads.items()
            if m["bronze_bytes"] or m["silver_bytes"]
        },
    }


def child_build(lake: str, out: str, full_refresh: bool, target: str = "dev") -> int:
    """The build itself, in this (child) process, inside the target's read counter."""
    if target == "trino":  # bench/ is on the path (above)
        from trino_reads import counting_reads
    else:
        from build_reads import counting_reads

    from finlake import pipeline

    with counting_reads() as reads:
        pipeline.build(
            Lake.resolve(lake),
            pipeline.BuildOptions(target=target, full_refresh=full_refresh, quiet=True, show=False),
        )
    Path(out).write_text(json.dumps(reads.per_model()))
    return 0


def checksums(lake: Lake) -> dict[str, tuple]:
    """Row count and an order-free hash of the rows of every silver and gold table."""
    import duckdb

    out = {}
    with duckdb.connect(str(lake.warehouse), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_type = 'BASE TABLE' and table_schema in (?, ?) order by all",
            list(SCHEMAS),
        ).fetchall()
        for schema, table in tables:
            cols = [
                c
                for (c,) in con.execute(
                    "select column_name from information_schema.columns "
                    "where table_schema = ? and table_name = ? order by ordinal_position",
                    [schema, table],
                ).fetchall()
                if c.lower() not in RUN_COLUMNS
            ]
            row = ", ".join(f'"{c}"' for c in cols)
            out[f"{schema}.{table}"] = tuple(
                con.execute(
                    f'select count(*), coalesce(sum(hash({row})), 0) from "{schema}"."{table}"'
                ).fetchone()
            )
    return out


def compared_with_full_rebuild(lake: Lake, label: str) -> tuple[dict, list[str]]:
    """Build the same bronze from scratch beside the incremental warehouse and compare."""
    incremental = checksums(lake)
    kept = lake.warehouse.with_suffix(".incremental")
    shutil.copyfile(lake.warehouse, kept)
    full = measured_build(lake, f"{label}-full-rebuild", full_refresh=True)
    rebuilt = checksums(lake)
    kept.replace(lake.warehouse)
    return full, differing(incremental, rebuilt)


def compared_with_full_rebuild_on_trino(lake: Lake, label: str) -> tuple[dict, list[str]]:
    """Build the same bronze from scratch into the `_rebuild` schemas and compare."""
    full = measured_build(
        lake, f"{label}-full-rebuild", True, "trino", {**os.environ, **rebuild_schemas()}
    )
    return full, differing(trino_checksums(""), trino_checksums(REBUILD_SUFFIX))


def differing(incremental: dict, rebuilt: dict) -> list[str]:
    return sorted(
        t for t in set(incremental) | set(rebuilt) if incremental.get(t) != rebuilt.get(t)
    )


def layer_schema(layer: str) -> str:
    return os.environ.get(f"FINLAKE_{layer.upper()}_SCHEMA", layer)


def rebuild_schemas() -> dict[str, str]:
    """The environment that builds every layer into `<schema>_rebuild` (dbt's schema names)."""
    return {f"FINLAKE_{x.upper()}_SCHEMA": layer_schema(x) + REBUILD_SUFFIX for x in LAYERS}


def trino_checksums(suffix: str) -> dict[str, tuple]:
    """Row count and Trino's order-free `checksum` of the rows of every silver and gold table
    of the schemas ending in `suffix`, keyed without it (`silver.int_transactions__checked`)."""
    import trino

    names = {layer_schema(layer) + suffix: layer_schema(layer) for layer in SCHEMAS}
    with trino.dbapi.connect(
        host=os.environ["FINLAKE_TRINO_HOST"],
        port=int(os.environ["FINLAKE_TRINO_PORT"]),
        user="finlake",
        catalog=TRINO_ICEBERG,
    ) as con:
        cursor = con.cursor()
        listed = ", ".join(f"'{name}'" for name in names)
        cursor.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            f"where table_schema in ({listed}) order by table_schema, table_name, ordinal_position"
        )
        columns: dict[tuple[str, str], list[str]] = {}
        for schema, table, column in cursor.fetchall():
            if column.lower() not in RUN_COLUMNS:
                columns.setdefault((schema, table), []).append(f'"{column}"')
        out = {}
        for (schema, table), cols in columns.items():
            cursor.execute(
                f'select count(*), checksum(row({", ".join(cols)})) from "{schema}"."{table}"'
            )
            out[f"{names[schema]}.{table}"] = tuple(cursor.fetchone())
    return out


@contextlib.contextmanager
def trino_target(lake: Lake, preset: str) -> Iterator[None]:
    """A Trino server of its own for the run (fresh state), the dbt profile pointed at it and
    write-audit-publish off; stopped at the end whatever happens (tools/trino/server.py)."""
    from finlake.environ import environment

    server = trino_server_module()
    state = lake.root.parent / f"trino-state-{preset}"
    shutil.rmtree(state, ignore_errors=True)
    state.mkdir(parents=True)
    try:
        with (
            server.running_server(state) as info,
            environment({**info.environment(), "FINLAKE_WRITE_AUDIT_PUBLISH": "0"}),
        ):
            yield
    except server.TrinoError as error:
        raise SystemExit(f"incremental_bench: {error}") from error


def trino_server_module():
    """tools/trino/server.py, a script beside the package rather than part of it."""
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "tools" / "trino" / "server.py"
    spec = importlib.util.spec_from_file_location("finlake_trino_server", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command")
    child = sub.add_parser("_build")
    child.add_argument("--lake", required=True)
    child.add_argument("--out", required=True)
    child.add_argument("--full-refresh", action="store_true")
    child.add_argument("--target", choices=TARGETS, default="dev")
    parser.add_argument("--preset", default="medium")
    parser.add_argument("--lake", default=None, help="default lake-bench/incremental-<preset>")
    parser.add_argument("--target", choices=TARGETS, default="dev", help="dbt target (dev)")
    parser.add_argument(
        "--more-days",
        type=int,
        default=None,
        metavar="N",
        help="continue the lake an earlier run left by N days: one incremental build and its "
        "full rebuild, without generating the lake or building it in full first",
    )
    args = parser.parse_args(argv)
    if args.command == "_build":
        return child_build(args.lake, args.out, args.full_refresh, args.target)

    lake = Lake.resolve(args.lake or f"lake-bench/incremental-{args.preset}")
    print(f"incremental bench: {args.preset} preset in {lake.root}, {args.target} target")
    on_trino = args.target == "trino"
    if args.more_days is not None and on_trino:
        raise SystemExit(
            "incremental_bench: --more-days works on the dev target only (a trino run starts "
            "its server from a fresh state); drop --target trino."
        )
    if args.more_days is not None and not lake.warehouse.exists():
        raise SystemExit(
            f"incremental_bench: --more-days continues a built lake, and {lake.warehouse} does "
            "not exist; run the bench without --more-days first."
        )
    with trino_target(lake, args.preset) if on_trino else contextlib.nullcontext():
        if args.more_days is None:
            runs = daily_runs(lake, args.preset, args.target)
        else:
            runs = more_days(lake, args.target, args.more_days)
    name = "incremental_bench-trino" if on_trino else "incremental_bench"
    name += "-more.json" if args.more_days is not None else ".json"
    out = lake.root.parent / name
    out.write_text(
        json.dumps({"preset": args.preset, "target": args.target, "runs": runs}, indent=2) + "\n"
    )
    print(f"figures written to {out}")
    return 0


def daily_runs(lake: Lake, preset: str, target: str) -> list[dict]:
    """The full build, then +1 and +7 days each built incrementally and rebuilt in full."""
    step(finlake("generate", "--preset", preset, "--force", "--lake", str(lake.root)))
    step(finlake("ingest", "--dev-pii-key", "--lake", str(lake.root)))
    lake.warehouse.unlink(missing_ok=True)
    runs = [measured_build(lake, "full", full_refresh=True, target=target)]
    print(_line(runs[-1]))
    for days in (1, 7):
        runs += more_days(lake, target, days)
    return runs


def more_days(lake: Lake, target: str, days: int) -> list[dict]:
    """`days` more days of deliveries on a built lake: the incremental build, then a full
    rebuild of the same data compared with it."""
    rebuild = (
        compared_with_full_rebuild_on_trino if target == "trino" else compared_with_full_rebuild
    )
    step(finlake("generate", "--continue", "--days", str(days), "--lake", str(lake.root)))
    seconds, _ = step(finlake("ingest", "--dev-pii-key", "--lake", str(lake.root)))
    run = measured_build(lake, f"+{days}d", full_refresh=False, target=target)
    run["ingest_wall_s"] = round(seconds, 1)
    full, differ = rebuild(lake, f"+{days}d")
    run["equal_to_full_rebuild"] = not differ
    run["tables_differing"] = differ
    run["share_of_full_rebuild_time"] = round(run["wall_s"] / full["wall_s"], 3)
    full_bytes = full["bronze_bytes"] + full["silver_bytes"]
    run["share_of_full_rebuild_bytes"] = (
        round((run["bronze_bytes"] + run["silver_bytes"]) / full_bytes, 3) if full_bytes else None
    )
    print(_line(run))
    print(_line(full))
    return [run, full]


def _line(run: dict) -> str:
    text = (
        f"  {run['build']:<20} {run['wall_s']:>7.1f} s  peak {run['peak_rss_mb']:>6,} MB  "
        f"bronze {run['bronze_bytes'] / 1e6:>9.1f} MB  silver {run['silver_bytes'] / 1e6:>9.1f} MB  "
        f"Athena ${run['athena_usd']:.4f}"
    )
    if "equal_to_full_rebuild" in run:
        same = "equal" if run["equal_to_full_rebuild"] else f"DIFFERS in {run['tables_differing']}"
        text += (
            f"  ({run['share_of_full_rebuild_time']:.0%} of the full rebuild's time, "
            f"{run['share_of_full_rebuild_bytes']:.0%} of its bytes; results {same})"
        )
    return text


if __name__ == "__main__":
    sys.exit(main())
