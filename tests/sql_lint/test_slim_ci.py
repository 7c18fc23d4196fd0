"""Slim CI selection, through the make targets the pull-request workflow calls: main's
manifest from a second checkout (`make dbt-state`), then `state:modified+` picks exactly the
changed model and what is downstream of it (`make dbt-slim-ci-plan`), and an unchanged
project builds nothing (`make dbt-slim-ci`, which then needs no data)."""

from __future__ import annotations

import subprocess

import pytest

from tools.sql_lint.project import REPO, copy_project


def make(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )


def selected_ids(output: str) -> set[str]:
    return {
        line.strip()
        for line in output.splitlines()
        if line.strip().startswith(("model.", "test.", "seed.", "unit_test."))
    }


@pytest.mark.slow
def test_state_modified_selects_the_changed_model_and_its_children_only(tmp_path):
    main = copy_project(tmp_path / "main")
    loans = main / "models" / "silver" / "loans" / "stg_loans.sql"
    loans.write_text(loans.read_text().replace("loan_type,", "loan_type as loan_type,", 1))
    state = tmp_path / "state"

    written = make("dbt-state", f"MAIN_DIR={main}", f"STATE={state}")
    assert written.returncode == 0, written.stdout + written.stderr
    assert (state / "manifest.json").is_file()

    plan = make("dbt-slim-ci-plan", f"STATE={state}")
    assert plan.returncode == 0, plan.stdout + plan.stderr
    ids = selected_ids(plan.stdout)
    assert "model.finlake.stg_loans" in ids
    assert "model.finlake.customer_loan_summary" in ids  # downstream of stg_loans
    assert "model.finlake.stg_customers" not in ids  # not downstream
    assert any(uid.startswith("test.finlake.") for uid in ids)  # the tests come along


@pytest.mark.slow
def test_an_unchanged_project_builds_nothing(tmp_path):
    state = tmp_path / "state"
    assert (
        make(
            "dbt-state", f"MAIN_DIR={copy_project(tmp_path / 'main')}", f"STATE={state}"
        ).returncode
        == 0
    )
    build = make("dbt-slim-ci", f"STATE={state}")
    assert build.returncode == 0, build.stdout + build.stderr
    assert "nothing to build" in build.stdout


def test_the_targets_refuse_to_run_without_a_state():
    result = make("dbt-slim-ci", "STATE=")
    assert result.returncode != 0
    assert "set STATE=" in result.stderr
