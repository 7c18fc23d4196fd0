"""Run the dbt project offline: a throwaway profile and lake, dbt as a subprocess.

Both the SQL linter (sqlfluff's dbt templater) and the compile checks need the project's
profile under the file name dbt looks for (profiles.yml) and, for the `dev` target, a lake
folder for the DuckDB file. Neither may touch the developer's own lake or `target/`, so
everything goes to a temporary work folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PROFILE_TEMPLATE = "profiles.yml.example"

# What a copy of the dbt project needs (tests/dbt holds the singular tests).
PROJECT_FILES = ("dbt_project.yml", PROFILE_TEMPLATE, ".sqlfluff", ".sqlfluffignore")
PROJECT_DIRS = ("models", "macros", "seeds", "tests/dbt", "analyses", "snapshots")

# No usage statistics and no version check: these commands run where there is no network.
QUIET_DBT_ENV = {
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "DBT_VERSION_CHECK": "false",
    "DO_NOT_TRACK": "1",
}


def venv_tool(name: str) -> str:
    """A console script installed next to the running interpreter (the project's .venv)."""
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else name


def write_profiles_dir(folder: Path, project_dir: Path = REPO) -> Path:
    """`folder` holding the project's profile as profiles.yml (the name dbt requires)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(project_dir / PROFILE_TEMPLATE, folder / "profiles.yml")
    return folder


def dev_environment(workdir: Path, project_dir: Path = REPO) -> dict[str, str]:
    """Environment for the `dev` target with an empty lake under `workdir`.

    Compiling needs no bronze data: the on-run-start hook that registers the bronze views
    only runs with `dbt run`/`build`, and with no tables `is_incremental()` is false.
    """
    lake = workdir / "lake"
    lake.mkdir(parents=True, exist_ok=True)
    profiles = write_profiles_dir(workdir / "profiles", project_dir)
    return {
        **QUIET_DBT_ENV,
        "FINLAKE_LAKE": str(lake),
        "FINLAKE_TARGET": "dev",
        "DBT_PROFILES_DIR": str(profiles),
        "DBT_TARGET_PATH": str(workdir / "target"),
        "DBT_LOG_PATH": str(workdir / "logs"),
    }


def child_environment(extra: Mapping[str, str]) -> dict[str, str]:
    """The current environment without any FINLAKE_* or AWS_* value, plus `extra`.

    A developer's shell may hold real AWS credentials or a production FINLAKE_* setting;
    the offline checks must neither use nor depend on them.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FINLAKE_", "AWS_", "DBT_"))}
    env.update(extra)
    return env


def run_dbt(
    command: str,
    project_dir: Path,
    env: Mapping[str, str],
    target: str,
    target_path: Path,
    select: Iterable[str] = (),
) -> subprocess.CompletedProcess[str]:
    """`dbt <command>` (parse, compile) for `target`, artifacts under `target_path`.

    A subprocess, so that the environment it needs (credentials of an emulator, a PII key)
    exists only there; stdout and stderr are captured for the caller to report.
    """
    args = [
        venv_tool("dbt"),
        command,
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        env["DBT_PROFILES_DIR"],
        "--target",
        target,
        "--target-path",
        str(target_path),
        "--log-path",
        str(target_path.parent / "logs"),
        "--no-version-check",
        "--quiet",
    ]
    selected = list(select)
    if selected:
        args += ["--select", *selected]
    return subprocess.run(
        args,
        cwd=project_dir,
        env=child_environment(env),
        capture_output=True,
        text=True,
        check=False,
    )


def copy_project(destination: Path, source: Path = REPO) -> Path:
    """A copy of the dbt project (SQL, macros, seeds, configuration) at `destination`."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        if (source / name).exists():
            shutil.copyfile(source / name, destination / name)
    for name in PROJECT_DIRS:
        if (source / name).is_dir():
            shutil.copytree(source / name, destination / name, dirs_exist_ok=True)
    return destination
