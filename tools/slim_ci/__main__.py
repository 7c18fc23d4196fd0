"""Slim CI for pull requests: build only the models a change touches, and their children.

    python -m tools.slim_ci state --project-dir MAIN_CHECKOUT --state DIR [--lake DIR]
    python -m tools.slim_ci plan  --state DIR [--lake DIR]
    python -m tools.slim_ci build --state DIR [--lake DIR] [--preset tiny]

`state` parses the main branch's project (a second checkout) into DIR: its manifest is what
`state:modified` compares with. `plan` lists what `--select state:modified+` picks. `build`
generates the preset, lands it as bronze (`finlake generate`, `finlake ingest`), builds the
unmodified ancestors of the change without their tests (they passed on main), then runs
`dbt build --select state:modified+` -- models, seeds and every test of the change and of
everything downstream -- on the `dev` target. All dbt calls use the same offline profile,
so the two manifests differ only where the code does.

Fresher sources: `state --lake DIR` also measures main's source freshness over that lake
(`dbt source freshness`, on the business date as finlake/freshness.py sets it) into
DIR/sources.json, landing the preset there first with main's own code when the lake has no
bronze. A state holding sources.json makes `plan` and `build` measure the freshness of the
pull request's lake too and select `state:modified+ source_status:fresher+`: the models
downstream of a source whose newest extract is later than on main are built and tested even
when no model changed -- a change to what lands (the generator's calendar, the ingestion job,
the landing contract) reaches them through the data, not the SQL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from finlake.freshness import WINDOW_DAYS, business_date
from finlake.lake import Lake
from tools.sql_lint.project import (
    QUIET_DBT_ENV,
    REPO,
    child_environment,
    venv_tool,
    write_profiles_dir,
)

MODIFIED = "state:modified+"
FRESHER = "source_status:fresher+"
SOURCES = "sources.json"  # dbt's source freshness results, in a state folder or a target


def _environment(work: Path, lake: Path) -> dict[str, str]:
    """The dev target over `lake`, with the business date of its freshness (finlake/freshness.py:
    the ledger's latest loaded extract, or FINLAKE_BUSINESS_DATE) when it has one."""
    extra = {
        **QUIET_DBT_ENV,
        "FINLAKE_LAKE": str(lake),
        "FINLAKE_TARGET": "dev",
        "DBT_PROFILES_DIR": str(write_profiles_dir(work / "profiles")),
    }
    if Path(Lake(lake).load_log).is_dir():
        day = business_date(Lake(lake))
        extra["FINLAKE_BUSINESS_DATE"] = day.isoformat()
        extra["FINLAKE_FRESHNESS_SINCE"] = (day - dt.timedelta(days=WINDOW_DAYS)).isoformat()
    return child_environment(extra)


def selection(fresher: bool) -> tuple[list[str], list[str]]:
    """dbt arguments for (the change and its children, their ancestors outside it): the
    ancestors are built without their tests so the change can run."""
    chosen = [MODIFIED, FRESHER] if fresher else [MODIFIED]
    parents = [f"+{c.rstrip('+')}" for c in chosen]
    return ["--select", *chosen], ["--select", *parents, "--exclude", *chosen]


def measure_freshness(project_dir: Path, env: dict[str, str], work: Path) -> Path:
    """`dbt source freshness` of the bronze sources over the lake of `env`, into
    work/target/sources.json (a stale source fails the command; the file still says which)."""
    sources = work / "target" / SOURCES
    sources.unlink(missing_ok=True)
    result = _dbt(
        ["source", "freshness", "--select", "source:bronze"], project_dir, env, work, capture=True
    )
    if not sources.is_file():
        detail = (result.stdout + result.stderr).strip()[-2000:]
        raise SlimCiError(f"dbt source freshness wrote no {sources}: {detail}")
    return sources


class SlimCiError(RuntimeError):
    """A step of slim CI could not run; the message says which and why."""


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


def write_state(project_dir: Path, state: Path, lake: Path | None = None) -> int:
    """`dbt parse` of `project_dir` (the main branch) into `state` (its manifest.json), and with
    `lake` main's source freshness over it (sources.json), the preset landed there first by
    main's own code when the lake has no bronze."""
    if lake is not None and not Path(Lake(lake).load_log).is_dir():
        prepare_lake(lake, "tiny", code_dir=project_dir)
    with tempfile.TemporaryDirectory(prefix="finlake-state-") as tmp:
        work = Path(tmp)
        env = _environment(work, lake or work / "lake")
        result = _dbt(["parse", "--quiet"], project_dir, env, work)
        if result.returncode != 0:
            return result.returncode
        state.mkdir(parents=True, exist_ok=True)
        (state / "manifest.json").write_bytes((work / "target" / "manifest.json").read_bytes())
        if lake is not None:
            shutil.copyfile(measure_freshness(project_dir, env, work), state / SOURCES)
    print(f"slim-ci: main's manifest written to {state / 'manifest.json'}")
    if lake is not None:
        print(f"slim-ci: main's source freshness over {lake} written to {state / SOURCES}")
    return 0


def _list(state: Path, env: dict[str, str], work: Path, select: list[str]) -> list[str]:
    args = ["ls", "--quiet", "--state", str(state), "--output", "json"]
    args += ["--output-keys", "unique_id", *select]
    result = _dbt(args, REPO, env, work, capture=True)
    if result.returncode != 0:
        raise SlimCiError(f"dbt ls failed: {(result.stdout + result.stderr).strip()[-2000:]}")
    import json

    ids = []
    for line in result.stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            ids.append(json.loads(line)["unique_id"])
    return sorted(ids)


def _fresher(state: Path, lake: Path | None) -> bool:
    """Whether to select fresher sources: the state holds main's source freshness."""
    if not (state / SOURCES).is_file():
        return False
    if lake is None:
        raise SlimCiError(
            f"{state / SOURCES} holds main's source freshness; give --lake, the lake to compare "
            "it with."
        )
    return True


def selected(state: Path, extra: list[str] | None = None, lake: Path | None = None) -> list[str]:
    """Unique ids that `--select state:modified+` (or `extra`) picks against `state`, and
    `source_status:fresher+` when the state holds sources.json (measured over `lake`)."""
    fresher = _fresher(state, lake)
    with tempfile.TemporaryDirectory(prefix="finlake-plan-") as tmp:
        work = Path(tmp)
        env = _environment(work, lake or work / "lake")
        if fresher:
            measure_freshness(REPO, env, work)
        return _list(state, env, work, extra if extra is not None else selection(fresher)[0])


def prepare_lake(lake: Path, preset: str, code_dir: Path = REPO) -> None:
    """Generate `preset` into `lake` and land it as bronze with the code in `code_dir` (this
    checkout, or main's for the state's lake: its packages come first on PYTHONPATH)."""
    env = dict(os.environ)
    if code_dir != REPO:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(code_dir), env.get("PYTHONPATH")]))
    for step in (
        ["generate", "--preset", preset, "--lake", str(lake), "--force"],
        ["ingest", "--lake", str(lake), "--dev-pii-key"],
    ):
        command = [sys.executable, "-m", "finlake", *step]
        if subprocess.run(command, cwd=code_dir, env=env, check=False).returncode != 0:
            raise SlimCiError(
                f"slim CI could not prepare the lake {lake}: finlake {step[0]} failed."
            )
    Lake(lake).gold.mkdir(parents=True, exist_ok=True)  # gold exports of the dev target


def build(state: Path, lake: Path, preset: str) -> int:
    fresher = _fresher(state, lake)
    if not fresher:
        nodes = selected(state)
        if not nodes:
            print("slim-ci: no model, seed or test differs from main; nothing to build.")
            return 0
    prepare_lake(lake, preset)
    with tempfile.TemporaryDirectory(prefix="finlake-slim-ci-") as tmp:
        work = Path(tmp)
        env = _environment(work, lake)
        if fresher:
            measure_freshness(REPO, env, work)
        chosen, parents = selection(fresher)
        state_args = ["--state", str(state)]
        nodes = _list(state, env, work, chosen)
        if not nodes:
            print(
                "slim-ci: no model, seed or test differs from main and no source is fresher; "
                "nothing to build."
            )
            return 0
        print(f"slim-ci: {len(nodes)} node(s) changed or downstream of a change:")
        for uid in nodes:
            print(f"  {uid}")
        types = ["--resource-type", "model", "--resource-type", "seed"]
        if _dbt(["build", *parents, *state_args, *types], REPO, env, work).returncode != 0:
            print(
                "finlake: slim CI could not build the unmodified parents of the change.",
                file=sys.stderr,
            )
            return 1
        return _dbt(["build", *chosen, *state_args], REPO, env, work).returncode


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
    p.add_argument(
        "--lake", type=Path, default=None, help="also record main's source freshness over it"
    )
    p = sub.add_parser("plan", help="list what state:modified+ selects")
    p.add_argument("--state", type=Path, required=True)
    p.add_argument(
        "--lake", type=Path, default=None, help="lake whose freshness to compare with the state's"
    )
    p = sub.add_parser("build", help="dbt build of state:modified+ on dev over a generated preset")
    p.add_argument("--state", type=Path, required=True)
    p.add_argument("--lake", type=Path, default=None, help="lake folder (default: a temporary one)")
    p.add_argument("--preset", default="tiny")
    args = parser.parse_args(argv)
    lake = args.lake.resolve() if args.lake is not None else None
    try:
        if args.command == "state":
            return write_state(args.project_dir.resolve(), args.state.resolve(), lake)
        if not (args.state / "manifest.json").is_file():
            print(
                f"finlake: no manifest.json in {args.state}; run `make dbt-state` first.",
                file=sys.stderr,
            )
            return 2
        if args.command == "plan":
            for uid in selected(args.state.resolve(), lake=lake):
                print(uid)
            return 0
        if lake is not None:
            return build(args.state.resolve(), lake, args.preset)
        with tempfile.TemporaryDirectory(prefix="finlake-slim-lake-") as tmp:
            return build(args.state.resolve(), Path(tmp), args.preset)
    except SlimCiError as exc:
        print(f"finlake: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
