"""sqlfluff over the dbt project, with the offline profile its dbt templater needs."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from tools.sql_lint.project import REPO, child_environment, dev_environment, venv_tool

# The SQL that sqlfluff lints; everything else is listed in .sqlfluffignore.
SQL_PATHS = ("models", "tests/dbt")


def run_sqlfluff(
    command: str,
    paths: Sequence[str] = SQL_PATHS,
    project_dir: Path = REPO,
    extra_args: Sequence[str] = (),
    config: Path | None = None,
    capture: bool = False,
) -> subprocess.CompletedProcess[str]:
    """`sqlfluff <command> <paths>` in `project_dir` with a throwaway dev profile and lake.

    The dbt templater compiles each file against the `dev` target (DuckDB), so the SQL it
    lints is the real compiled SQL, while nothing outside a temporary folder is written.
    One process: the dbt templater compiles the whole project per process, so parallel
    workers cost more than they save on two cores.
    """
    args = [venv_tool("sqlfluff"), command, *paths, "--processes", "1"]
    if config is not None:
        args += ["--config", str(config)]
    args += list(extra_args)
    with tempfile.TemporaryDirectory(prefix="finlake-sqlfluff-") as work:
        env = child_environment(dev_environment(Path(work), project_dir))
        return subprocess.run(
            args, cwd=project_dir, env=env, text=True, capture_output=capture, check=False
        )
