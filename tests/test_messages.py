"""Every failure an operator meets is one sentence naming the file or setting, with a
non-zero exit (issue 20, item 4): a warehouse that is a folder, a truncated bronze file, a
corrupt ledger file, a selection that matches nothing; and `--full-refresh` reaches dbt."""

from __future__ import annotations

import json
import shutil

import pytest

from finlake.build import project_root
from finlake.cli import main
from tests.lake_copy import copy_lake


@pytest.fixture
def built(tiny_warehouse, tmp_path):
    return copy_lake(tiny_warehouse, tmp_path / "lake")


def one_sentence(err: str) -> str:
    err = err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert err.startswith("finlake: ") and err.endswith("."), err
    return err


def test_a_warehouse_that_is_a_folder(built, capsys):
    built.warehouse.unlink()
    built.warehouse.mkdir()
    assert main(["build", "--lake", str(built.root)]) == 2
    err = one_sentence(capsys.readouterr().err)
    assert f"{built.warehouse} is a folder, not a DuckDB database file" in err


def test_a_truncated_bronze_file_is_named_before_dbt_runs(built, capsys):
    part = sorted((built.bronze / "customers").rglob("*.parquet"))[0]
    part.write_bytes(part.read_bytes()[:-100])
    assert main(["build", "--lake", str(built.root)]) == 1
    err = one_sentence(capsys.readouterr().err)
    assert f"Bronze file {part} is not readable Parquet" in err


def test_a_corrupt_ledger_file_is_named(built, spark, capsys):
    entry = sorted(built.load_log.glob("*.parquet"))[0]
    entry.write_bytes(b"not parquet at all")
    assert main(["ingest", "--lake", str(built.root)]) == 1
    err = one_sentence(capsys.readouterr().err)
    assert f"Ledger file {entry} cannot be read" in err


def test_a_selection_that_matches_nothing_is_an_error(built, capsys):
    assert main(["build", "--lake", str(built.root), "--select", "no_such_model"]) == 2
    err = one_sentence(capsys.readouterr().err)
    assert err.startswith("finlake: --select no_such_model matches no model, seed or test")


def test_full_refresh_reaches_dbt(built, capsys):
    args = ["build", "--lake", str(built.root), "--select", "stg_accounts", "--full-refresh"]
    assert main(args) == 0
    results = json.loads((project_root() / "target" / "run_results.json").read_text())
    assert results["args"]["full_refresh"] is True
    assert {r["unique_id"] for r in results["results"]} >= {"model.finlake.stg_accounts"}
    shutil.rmtree(built.root)
