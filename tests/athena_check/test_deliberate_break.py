"""End to end: a copy of the project, broken on purpose, fails the Athena check with one line
per problem naming the model, the line and the construct -- and nothing else fails."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tools.sql_lint.project import REPO, copy_project


def _replace(path: Path, old: str, new: str) -> int:
    """Replace `old` (exactly once) in `path`; return the 1-based line it is on."""
    text = path.read_text()
    assert text.count(old) == 1, f"{path.name} no longer holds {old!r}; update this test"
    path.write_text(text.replace(old, new))
    return text[: text.index(old)].count("\n") + 1


@pytest.mark.slow
def test_duckdb_constructs_and_a_hive_table_fail_the_athena_check(tmp_path):
    project = copy_project(tmp_path / "project")
    accounts = project / "models/silver/accounts/stg_accounts.sql"
    function_line = _replace(
        accounts,
        "upper(currency) as currency,",
        "regexp_matches(currency, '^[A-Z]{3}$') as currency,",
    )
    dim = project / "models/gold/core/dim_customers.sql"
    cast_line = _replace(
        dim,
        "cast(extract(year from calendar.reporting_date) as integer)",
        "extract(year from calendar.reporting_date)::integer",
    )
    loans = project / "models/silver/loans/stg_loans.sql"
    loans.write_text("{{ config(table_type='hive') }}\n" + loans.read_text())

    result = subprocess.run(
        [sys.executable, "-m", "tools.athena_check", "--project-dir", str(project)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )

    assert result.returncode == 1, result.stdout + result.stderr
    findings = [line for line in result.stdout.splitlines() if not line.startswith("athena-check:")]
    assert findings == [
        f"models/gold/core/dim_customers.sql:{cast_line} [dim_customers] "
        "`::` cast is DuckDB/PostgreSQL syntax; write cast(x as type)",
        f"models/silver/accounts/stg_accounts.sql:{function_line} [stg_accounts] "
        "regexp_matches() is not an Athena engine v3 function (DuckDB only; use finlake.regex_matches())",
        "models/silver/loans/stg_loans.sql [stg_loans] "
        "table_type='hive'; Athena tables here must be table_type='iceberg'",
    ]
    assert "athena-check: 3 problem(s)" in result.stdout
