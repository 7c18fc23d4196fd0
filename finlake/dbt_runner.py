"""`finlake build`: run dbt for a target with the project's profile and the lake's paths.

The profile is profiles.yml.example, used as it is: every value in it comes from the
environment, which this module fills from the lake folder for dev. dbt runs in-process, so a
failure can be summarised in one sentence while dbt's own log keeps the detail.
"""

from __future__ import annotations

import os
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from finlake.contract import load_contract
from finlake.errors import ConfigError, FinlakeError
from finlake.lake import Lake

TARGETS = ("dev", "prod", "trino")
PROFILE_TEMPLATE = "profiles.yml.example"
# The Hive catalog holding bronze on the trino target (tools/trino/ configures the server).
TRINO_BRONZE_CATALOG = "bronze"


class DbtFailed(FinlakeError):
    """dbt ran but some models or tests failed."""


def project_root() -> Path:
    """The folder holding dbt_project.yml (the repository this package is installed from)."""
    here = Path(__file__).resolve()
    for folder in here.parents:
        if (folder / "dbt_project.yml").is_file():
            return folder
    raise ConfigError(
        "dbt_project.yml not found above the finlake package; run finlake from a clone of the repository (pip install -e .)."
    )


@dataclass
class BuildResult:
    target: str
    statuses: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def describe(self) -> str:
        parts = ", ".join(f"{n} {s}" for s, n in sorted(self.statuses.items())) or "done"
        return f"dbt on target {self.target}: {parts} in {self.seconds:.0f}s"


def prepare_environment(lake: Lake, target: str) -> dict[str, str]:
    """Environment variables the profile and the project read, for this lake and target."""
    if target not in TARGETS:
        raise ConfigError(f"--target {target} is not one of {', '.join(TARGETS)}.")
    env = {"FINLAKE_LAKE": str(lake.root), "FINLAKE_TARGET": target}
    if target in ("dev", "trino"):
        missing = [
            e
            for e in [*load_contract().entities, "_load_log"]
            if not any((lake.bronze / e).rglob("*.parquet"))
        ]
        if missing:
            raise ConfigError(
                f"No bronze data for {', '.join(missing)} under {lake.bronze}; run `finlake ingest --lake {lake.root}` first."
            )
    if target == "dev":
        lake.gold.mkdir(parents=True, exist_ok=True)  # gold exports for the notebook go here
    if target == "trino":
        env.update(trino_environment(lake))
    return env


def trino_environment(lake: Lake) -> dict[str, str]:
    """The trino target: bronze is the server's Hive catalog, and the lake's empty sources.

    The server (tools/trino/) reads the lake folder itself, so it must be local to it. Trino
    cannot create a table over a folder that does not exist: optional sources without files
    (the model's scores before the first `finlake train`) are listed so that the on-run-start
    hook makes them empty views, as on dev.
    """
    host = os.environ.get("FINLAKE_TRINO_HOST", "127.0.0.1")
    port = os.environ.get("FINLAKE_TRINO_PORT", "8080")
    if not trino_answers(host, port):
        raise ConfigError(
            f"No Trino server answers at {host}:{port}; start one with "
            "`python tools/trino/server.py start` (it prints FINLAKE_TRINO_PORT to export) "
            "or run the build through `make trino-build`."
        )
    empty = [name for name, pattern in lake_sources().items() if not any(lake.root.glob(pattern))]
    return {
        "FINLAKE_BRONZE_DATABASE": os.environ.get("FINLAKE_BRONZE_DATABASE", TRINO_BRONZE_CATALOG),
        "FINLAKE_TRINO_EMPTY_SOURCES": ",".join(sorted(empty)),
    }


def trino_answers(host: str, port: str, timeout: float = 5.0) -> bool:
    """True when a Trino server at host:port has finished starting."""
    import json
    import urllib.request

    try:
        with urllib.request.urlopen(f"http://{host}:{port}/v1/info", timeout=timeout) as reply:
            return json.load(reply).get("starting") is False
    except (OSError, ValueError):
        return False


def lake_sources() -> dict[str, str]:
    """Each dbt source stored in the lake folder: identifier -> its `meta.lake_path` glob."""
    import yaml

    found: dict[str, str] = {}
    for path in sorted((project_root() / "models").rglob("*.yml")):
        document = yaml.safe_load(path.read_text()) or {}
        for source in document.get("sources") or []:
            for table in source.get("tables") or []:
                pattern = (table.get("meta") or {}).get("lake_path")
                if pattern:
                    found[table.get("identifier") or table["name"]] = pattern
    return found


def profiles_dir(lake: Lake) -> Path:
    """A folder holding the project's profile as profiles.yml (dbt needs that file name)."""
    folder = lake.root / ".dbt"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(project_root() / PROFILE_TEMPLATE, folder / "profiles.yml")
    return folder


def release_duckdb() -> None:
    """Close the DuckDB database dbt-duckdb keeps open in this process after a run.

    dbt-duckdb holds one database instance per process between invocations; while it is open,
    any other connection to warehouse.duckdb with other settings (read-only, as the summary and
    the tests use) is refused. Closing it costs nothing: the next run opens it again.
    """
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:  # dbt-duckdb not installed: nothing held
        return
    environment = DuckDBConnectionManager._ENV
    if environment is not None:
        environment.close()
    DuckDBConnectionManager.close_all_connections()


def run_dbt(
    lake: Lake,
    target: str = "dev",
    command: str = "build",
    extra_args: list[str] | None = None,
    quiet: bool = False,
) -> BuildResult:
    """Run `dbt <command>` for `target`; raise DbtFailed naming what failed."""
    import time

    from dbt.cli.main import dbtRunner

    env = prepare_environment(lake, target)
    root = project_root()
    args = [
        *command.split(),  # "build", or a group and its command: "docs generate"
        "--project-dir",
        str(root),
        "--profiles-dir",
        str(profiles_dir(lake)),
        "--target",
        target,
    ]
    if quiet:
        args += ["--quiet"]
    args += list(extra_args or [])
    previous = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    started = time.perf_counter()
    cwd = os.getcwd()
    try:
        os.chdir(root)  # dbt writes target/ and logs/ relative to the working folder
        outcome = dbtRunner().invoke(args)
    finally:
        os.chdir(cwd)
        release_duckdb()
        for k, v in previous.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    result = BuildResult(target=target, seconds=time.perf_counter() - started)
    if outcome.exception is not None:
        raise DbtFailed(f"dbt {command} could not run on target {target}: {outcome.exception}")
    for r in getattr(outcome.result, "results", None) or []:
        status = str(getattr(r.status, "value", r.status))
        result.statuses[status] += 1
        if status in ("error", "fail", "runtime error"):
            result.failures.append(r.node.name)
    if not outcome.success:
        named = ", ".join(result.failures[:5]) + (" ..." if len(result.failures) > 5 else "")
        raise DbtFailed(
            f"dbt {command} failed on target {target}: {named or 'see the log above'}; "
            f"details in {root / 'target' / 'run_results.json'}."
        )
    return result
