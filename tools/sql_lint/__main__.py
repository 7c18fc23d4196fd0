"""Command line: `python -m tools.sql_lint {lint,fix,changed,same-sql} ...` (see README.md)."""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from tools.sql_lint.changed import GitError, changed_sql
from tools.sql_lint.equivalence import compare
from tools.sql_lint.lint import SQL_PATHS, run_sqlfluff
from tools.sql_lint.project import REPO, copy_project, dev_environment, run_dbt


def _lint(args: argparse.Namespace) -> int:
    return run_sqlfluff(args.command, args.paths or SQL_PATHS).returncode


def _changed(args: argparse.Namespace) -> int:
    try:
        change = changed_sql(args.base)
    except GitError as exc:
        print(f"finlake: cannot list the changes against {args.base}: {exc}", file=sys.stderr)
        return 2
    print(f"sql-lint: {change.reason} (against {args.base}).")
    if change.lint_everything:
        return run_sqlfluff("lint").returncode
    if not change.files:
        return 0
    for name in change.files:
        print(f"  {name}")
    return run_sqlfluff("lint", change.files).returncode


def _extract_sql_at(revision: str, destination: Path) -> None:
    """Replace models/ and tests/dbt/ under `destination` with their state at `revision`."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", revision, "models", "tests/dbt"],
        cwd=REPO,
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        raise GitError(archive.stderr.decode().strip())
    for name in ("models", "tests/dbt"):
        for path in sorted((destination / name).rglob("*"), reverse=True):
            if path.is_file():
                path.unlink()
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(destination, filter="data")


def _same_sql(args: argparse.Namespace) -> int:
    """Compile the SQL at `--base` and in the working tree (same macros) and compare."""
    with tempfile.TemporaryDirectory(prefix="finlake-same-sql-") as work:
        root = Path(work)
        versions = {"base": copy_project(root / "base"), "work": copy_project(root / "work")}
        try:
            _extract_sql_at(args.base, versions["base"])
        except GitError as exc:
            print(f"finlake: cannot read models at {args.base}: {exc}", file=sys.stderr)
            return 2
        # One lake and profile for both: hooks render the lake's path into their SQL.
        env = dev_environment(root / "run")
        targets = {}
        for name, project in versions.items():
            targets[name] = root / f"{name}-target"
            result = run_dbt("compile", project, env, "dev", targets[name])
            if result.returncode != 0:
                print(result.stdout[-3000:], result.stderr[-3000:], sep="\n", file=sys.stderr)
                print(f"finlake: dbt compile failed for the {name} version.", file=sys.stderr)
                return 2
        differences = compare(targets["base"], targets["work"], dialect="duckdb")
    for difference in differences:
        print(difference)
    if differences:
        print(
            f"sql-lint: {len(differences)} node(s) compile to a different query than at {args.base}."
        )
        return 1
    print(f"sql-lint: every model and test compiles to the same query as at {args.base}.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.sql_lint", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("lint", "lint SQL (default: models/ and tests/dbt/)"),
        ("fix", "fix SQL in place"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("paths", nargs="*")
        p.set_defaults(run=_lint)
    p = sub.add_parser(
        "changed", help="lint the SQL files changed since the merge base with --base"
    )
    p.add_argument("--base", default="origin/main")
    p.set_defaults(run=_changed)
    p = sub.add_parser(
        "same-sql", help="prove models/ and tests/dbt/ compile to the same queries as at --base"
    )
    p.add_argument("--base", default="HEAD")
    p.set_defaults(run=_same_sql)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
