"""The pull request's summary: a table of checks, then the log of each check that failed."""

from __future__ import annotations

import importlib.util

from tools.sql_lint.project import REPO

spec = importlib.util.spec_from_file_location(
    "step_summary", REPO / ".github/scripts/step_summary.py"
)
step_summary = importlib.util.module_from_spec(spec)
spec.loader.exec_module(step_summary)


def test_table_of_outcomes_and_tail_of_failed_logs(tmp_path, monkeypatch):
    (tmp_path / "athena-check.log").write_text("compiling\nmodels/x.sql:3 [x] epoch() is not ...\n")
    (tmp_path / "lint-sql-changed.log").write_text("all good\n")
    monkeypatch.setenv(
        "CI_OUTCOMES", "lint-sql-changed=success,\n athena-check=failure, dbt-slim-ci=skipped"
    )
    summary_file = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary_file))

    assert step_summary.main(["--log-dir", str(tmp_path)]) == 0

    text = summary_file.read_text()
    assert "| `make lint-sql-changed` | ✅ success |" in text
    assert "| `make athena-check` | ❌ failure |" in text
    assert "| `make dbt-slim-ci` | ⏭ skipped |" in text
    assert "models/x.sql:3 [x] epoch() is not ..." in text
    assert "all good" not in text
