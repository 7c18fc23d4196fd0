"""`finlake lineage` and `finlake trace`: column-level lineage of the whole pipeline, and the
landing records behind one gold row.

graph.py    the lineage graph: sqlglot over each model's compiled SQL, joined end to end
outputs.py  lineage.json (OpenLineage column-lineage facets) and lineage.html (searchable page)
trace.py    the landing files and lines of every record behind one key
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from finlake.errors import FinlakeError
from finlake.lake import Lake
from finlake.lineage.graph import DIALECTS, Lineage, build_lineage, read_manifest
from finlake.lineage.outputs import summary, write_outputs

LINEAGE_DIR = "lineage"


class UntracedColumns(FinlakeError):
    """Gold contract columns whose lineage ends nowhere known."""

    exit_code = 1


@dataclass
class LineageResult:
    lineage: Lineage
    json_path: Path
    html_path: Path
    manifest: Path


def compile_manifest(lake: Lake, target: str, quiet: bool = True) -> Path:
    """`dbt compile` for `target` into <lake>/lineage/<target>/target; its manifest.json.

    On dev, dbt works on a scratch database, not the lake's warehouse: compiling must not touch
    what consumers read (an empty database compiles each incremental model's full-refresh
    form, whose columns are the same)."""
    import os

    from finlake.build import run_dbt

    work = lake.root / LINEAGE_DIR / target
    if target == "prod":
        return compile_prod_offline(work)
    target_path = work / "target"
    scratch = work / "compile.duckdb"
    previous = os.environ.get("FINLAKE_WAREHOUSE")
    if target == "dev":
        work.mkdir(parents=True, exist_ok=True)
        scratch.unlink(missing_ok=True)
        os.environ["FINLAKE_WAREHOUSE"] = str(scratch)
    try:
        run_dbt(
            lake,
            target,
            "compile",
            ["--target-path", str(target_path), "--log-path", str(work / "logs")],
            quiet=quiet,
        )
    finally:
        if target == "dev":
            if previous is None:
                os.environ.pop("FINLAKE_WAREHOUSE", None)
            else:
                os.environ["FINLAKE_WAREHOUSE"] = previous
            for leftover in (scratch, scratch.with_name(scratch.name + ".wal")):
                leftover.unlink(missing_ok=True)
    return target_path / "manifest.json"


def compile_prod_offline(work: Path) -> Path:
    """`dbt compile --target prod` with dbt-athena and no AWS account, into <work>/target; its
    manifest.json.

    tools/athena_check compiles the project against a local AWS emulator (moto's server: Glue,
    S3, the Athena workgroup), with an empty Iceberg table registered for each incremental model
    so their incremental branch is what prod runs; `make athena-check` checks the same
    compilation. tools/ sits beside the dbt project in the clone finlake runs from."""
    from finlake.build import project_root

    root = project_root()
    if str(root) not in sys.path:
        sys.path.append(str(root))
    from tools.athena_check.compile import CompileError, compile_for_athena
    from tools.athena_check.moto_server import EmulatorError

    work.mkdir(parents=True, exist_ok=True)
    try:
        compiled = compile_for_athena(root, work)
    except (CompileError, EmulatorError) as exc:
        lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
        reason = next((line for line in lines[1:] if "Error" in line), None)
        reason = reason or (lines[0].rstrip(":") if lines else type(exc).__name__)
        raise FinlakeError(
            f"the prod target could not be compiled offline ({reason}); run `make athena-check` "
            "to see the whole dbt output."
        ) from None
    return compiled.target_path / "manifest.json"


def run_lineage(
    lake: Lake,
    target: str = "dev",
    manifest: Path | None = None,
    out_dir: Path | None = None,
    project: Path | None = None,
    show_progress: bool = True,
    only: tuple[str, ...] = (),
) -> LineageResult:
    """Compute the lineage of `target`, write lineage.json and lineage.html, and raise
    UntracedColumns naming every gold contract column that reaches no known origin."""
    from finlake.progress import progress

    if target not in DIALECTS:
        raise FinlakeError(f"--target {target} is not one of {', '.join(DIALECTS)}.")
    if manifest is None:
        if show_progress:
            print(f"lineage: compiling the project for target {target}", file=sys.stderr)
        manifest = compile_manifest(lake, target)
    document = read_manifest(manifest)
    if project is None:
        from finlake.build import project_root

        project = project_root()

    def steps(items, total):
        return progress(items, total, "lineage", unit="models", enabled=show_progress)

    lineage = build_lineage(document, target, project=project, progress=steps, only=only)
    from finlake.lineage.governance import cde_register

    lineage.cdes = cde_register(document)
    out = out_dir or lake.root / LINEAGE_DIR
    json_path, html_path = write_outputs(lineage, target, out)
    result = LineageResult(lineage, json_path, html_path, manifest)
    untraced = lineage.untraced_gold()
    if untraced:
        names = ", ".join(f"{d}.{c}" for d, c in sorted(untraced))
        first = next(iter(sorted(untraced.items())))[1][0]
        raise UntracedColumns(
            f"{len(untraced)} gold contract column(s) cannot be traced to a landing column, a seed "
            f"or a constant: {names} (first reason: {first}); see {json_path} under summary.untraced."
        )
    return result


__all__ = ["LineageResult", "UntracedColumns", "run_lineage", "summary"]
