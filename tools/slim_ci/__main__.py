"""Slim CI for pull requests: build only the models a change touches, and their children.

    python -m tools.slim_ci state --project-dir MAIN_CHECKOUT --state DIR
    python -m tools.slim_ci plan  --state DIR
    python -m tools.slim_ci build --state DIR [--lake DIR] [--preset tiny]

`state` parses the main branch's project (a second checkout) into DIR: its manifest is what
`state:modified` compares with. `plan` lists what `--select state:modified+` picks. `build`
generates the preset, lands it as bronze (`finlake generate`, `finlake ingest`), builds the
unmodified ancestors of the change without their tests (they passed on main), then runs
`dbt build --select state:modified+` -- models, seeds and every test of the change and of
everything downstream -- on the `dev` target. All dbt calls use the same offline profile,
so the two manifests differ only where the code does.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from finlake.lake import Lake
from tools.sql_lint.project import (
    QUIET_DBT_ENV,
    REPO,
    child_environment,
    venv_tool,
    write_profiles_dir,
)

MODIFIED = "state:modified+"
# Ancestors of the change that are not part of it: built (no tests) so the change can run.
ANCESTORS = ["--select", "+state:modified", "--exclude", "state:modified+"]


def _environment(work: Path, lake: Path) -> dict[str, str]:
    return child_environment(
        {
            **QUIET_DBT_ENV,
            "FINLAKE_LAKE": str(lake),
            "FINLAKE_TARGET": "dev",
            "DBT_PROFILES_DIR": str(write_profiles_dir(work / "profiles")),
        }
    )


def _dbt(
    args: list[str], project_dir: Path, env: dict[str, str], work: Path, capture: bool = False
):
    command = [
        venv_tool("dbt"),
        *args,
        "--project-dir",
        str(project_dir),
        "--target",
        "dev",
        "--target-path",
        str(work / "target"),
        "--log-path",
        str(work / "logs"),
        "--no-version-check",
    ]
    return subprocess.run(
        command, cwd=project_dir, env=env, text=True, capture_output=capture, check=False
    )


def write_state(project_dir: Path, state: Path) -> int:
    """`dbt parse` of `project_dir` (the main branch) into `state` (its manifest.json)."""
    with tempfile.TemporaryDirectory(prefix="finlake-state-") as tmp:
        work = Path(tmp)
        env = _environment(work, work / "lake")
        result = _dbt(["parse", "--quiet"], project_dir, env, work)
        if result.returncode != 0:
            return result.returncode
        state.mkdir(parents=True, exist_ok=True)
        (state / "manifest.json").write_bytes((work / "target" / "manifest.json").read_bytes())
    print(f"slim-ci: main's manifest written to {state / 'manifest.json'}")
    return 0


def selected(state: Path, extra: list[str] | None = None) -> list[str]:
    """Unique ids that `--select state:modified+` (or `extra`) picks against `state`."""
    with tempfile.TemporaryDirectory(prefix="finlake-plan-") as tmp:
        work = Path(tmp)
        env = _environment(work, work / "lake")
        args = [
            "ls",
            "--quiet",
            "--state",
            str(state),
            "--output",
            "json",
            "--output-keys",
            "unique_id",
        ]
        args += extra if extra is not None else ["--select", MODIFIED]
        result = _dbt(args, REPO, env, work, capture=True)
        if result.returncode != 0:
            raise RuntimeError(f"dbt ls failed: {(result.stdout + result.stderr).strip()[-2000:]}")
    import json

    ids = []
    for line in result.stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            ids.append(json.loads(line)["unique_id"])
    return sorted(ids)


def build(state: Path, lake: Path, preset: str) -> int:
    nodes = selected(state)
    if not nodes:
        print("slim-ci: no model, seed or test differs from main; nothing to build.")
        return 0
    print(f"slim-ci: {len(nodes)} node(s) changed or downstream of a change:")
    for uid in nodes:
        print(f"  {uid}")
    bin_dir = Path(sys.executable).parent
    for step in (
        [str(bin_dir / "finlake"), "generate", "--preset", preset, "--lake", str(lake), "--force"],
        [str(bin_dir / "finlake"), "ingest", "--lake", str(lake), "--dev-pii-key"],
    ):
        if subprocess.run(step, cwd=REPO, check=False).returncode != 0:
            print(
                f"finlake: slim CI could not prepare the lake: {' '.join(step[1:3])} failed.",
                file=sys.stderr,
            )
            return 1
    Lake(lake).gold.mkdir(parents=True, exist_ok=True)  # gold exports of the dev target
    with tempfile.TemporaryDirectory(prefix="finlake-slim-ci-") as tmp:
        work = Path(tmp)
        env = _environment(work, lake)
        state_args = ["--state", str(state)]
        parents = [
            "build",
            *ANCESTORS,
            *state_args,
            "--resource-type",
            "model",
            "--resource-type",
            "seed",
        ]
        if _dbt(parents, REPO, env, work).returncode != 0:
            print(
                "finlake: slim CI could not build the unmodified parents of the change.",
                file=sys.stderr,
            )
            return 1
        return _dbt(["build", "--select", MODIFIED, *state_args], REPO, env, work).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.slim_ci",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("state", help="parse the main branch's checkout into a state folder")
    p.add_argument("--project-dir", type=Path, required=True)
    p.add_argument("--state", type=Path, required=True)
    p = sub.add_parser("plan", help="list what state:modified+ selects")
    p.add_argument("--state", type=Path, required=True)
    p = sub.add_parser("build", help="dbt build of state:modified+ on dev over a generated preset")
    p.add_argument("--state", type=Path, required=True)
    p.add_argument("--lake", type=Path, default=None, help="lake folder (default: a temporary one)")
    p.add_argument("--preset", default="tiny")
    args = parser.parse_args(argv)
    if args.command == "state":
        return write_state(args.project_dir.resolve(), args.state.resolve())
    if not (args.state / "manifest.json").is_file():
        print(
            f"finlake: no manifest.json in {args.state}; run `make dbt-state` first.",
            file=sys.stderr,
        )
        return 2
    if args.command == "plan":
        for uid in selected(args.state.resolve()):
            print(uid)
        return 0
    if args.lake is not None:
        return build(args.state.resolve(), args.lake.resolve(), args.preset)
    with tempfile.TemporaryDirectory(prefix="finlake-slim-lake-") as lake:
        return build(args.state.resolve(), Path(lake), args.preset)


if __name__ == "__main__":
    sys.exit(main())
