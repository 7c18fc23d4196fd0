"""Slim CI selection, through the make targets the pull-request workflow calls: main's
manifest from a second checkout (`make dbt-state`), then `state:modified+` picks exactly the
changed model and what is downstream of it (`make dbt-slim-ci-plan`), and an unchanged
project builds nothing (`make dbt-slim-ci`, which then needs no data); with main's source
freshness in the state, `source_status:fresher+` picks what a fresher source reaches."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from finlake.contract import load_contract
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


def _deliver(lake: Path, entity: str, day: dt.date, columns: list[str]) -> None:
    """One bronze file of `entity` for extract date `day`: one row, every column text."""
    folder = lake / "bronze" / entity / f"extract_date={day.isoformat()}"
    folder.mkdir(parents=True, exist_ok=True)
    table = pa.table({c: [f"{entity}-{c}"] for c in columns})
    pq.write_table(table, folder / f"{entity}_{day:%Y%m%d}.parquet")


@pytest.mark.slow
def test_a_fresher_source_selects_the_models_it_reaches_and_nothing_else(tmp_path):
    """`source_status:fresher+` in slim CI: main's source freshness recorded over a lake
    (`make dbt-state ... STATE_LAKE=`), then the pull request's over the same lake selects
    nothing; once the loans alone have a later extract, the plan is the loans source's models
    and tests and nothing the loans do not reach. The lake is written here, one row per entity
    in a year the generator never uses, not by the generator and the ingestion job."""
    contract = load_contract()
    day = dt.date(2031, 3, 1)
    lake = tmp_path / "lake"
    for entity in contract.entities.values():
        _deliver(lake, entity.name, day, list(entity.column_names))
    ledger = lake / "bronze" / "_load_log"
    ledger.mkdir(parents=True)
    pq.write_table(
        pa.table({"extract_date": [day], "status": ["loaded"]}), ledger / "attempt-1.parquet"
    )
    state = tmp_path / "state"
    main = copy_project(tmp_path / "main")

    written = make("dbt-state", f"MAIN_DIR={main}", f"STATE={state}", f"STATE_LAKE={lake}")
    assert written.returncode == 0, written.stdout + written.stderr
    assert (state / "sources.json").is_file()
    same = make("dbt-slim-ci-plan", f"STATE={state}", f"SLIM_LAKE={lake}")
    assert same.returncode == 0, same.stdout + same.stderr
    assert selected_ids(same.stdout) == set()

    loans = contract.entities["loans"]
    _deliver(lake, "loans", day + dt.timedelta(days=1), list(loans.column_names))
    plan = make("dbt-slim-ci-plan", f"STATE={state}", f"SLIM_LAKE={lake}")
    assert plan.returncode == 0, plan.stdout + plan.stderr
    ids = selected_ids(plan.stdout)
    models = {uid.split(".")[-1] for uid in ids if uid.startswith("model.")}
    assert {"stg_bronze__loans", "stg_loans", "customer_loan_summary"} <= models, models
    assert not models & {"stg_bronze__customers", "stg_customers", "stg_transactions"}, models
    assert any(uid.startswith("test.finlake.") for uid in ids)


def test_a_state_with_main_freshness_needs_a_lake_to_compare(tmp_path):
    (tmp_path / "manifest.json").write_text("{}")
    (tmp_path / "sources.json").write_text("{}")
    result = make("dbt-slim-ci-plan", f"STATE={tmp_path}")
    assert result.returncode != 0
    assert "give --lake" in result.stderr
