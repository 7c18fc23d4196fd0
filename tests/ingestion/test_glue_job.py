"""The Glue entry point: its options with and without awsglue, and a run on URIs through
Hadoop's FileSystem API (file:// here, s3:// on Glue) with the same ingest stage as local."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from ingestion import glue_job
from tests.ingestion.lakes import ACCOUNTS_DAY1, read_bronze, read_ledger, read_malformed, write

PACKAGE = Path(__file__).resolve().parents[2] / "ingestion"


def test_without_awsglue_the_options_are_ordinary_flags():
    argv = ["glue_job.py", "--landing_uri", "s3://b/landing", "--bronze_uri", "s3://b/bronze"]
    assert glue_job.resolve_options([*argv, "--entities", "loans,accounts"]) == {
        "landing_uri": "s3://b/landing",
        "bronze_uri": "s3://b/bronze",
        "entities": "loans,accounts",
    }


def test_with_awsglue_the_options_come_from_get_resolved_options(monkeypatch):
    asked = []

    def get_resolved_options(argv, names):
        asked.append(names)
        return {n: f"value of {n}" for n in names}

    awsglue = types.ModuleType("awsglue")
    utils = types.ModuleType("awsglue.utils")
    utils.getResolvedOptions = get_resolved_options
    monkeypatch.setitem(sys.modules, "awsglue", awsglue)
    monkeypatch.setitem(sys.modules, "awsglue.utils", utils)
    argv = ["glue_job.py", "--JOB_NAME", "ingest", "--landing_uri", "x", "--bronze_uri", "y"]
    options = glue_job.resolve_options(argv)
    assert asked == [["landing_uri", "bronze_uri", "JOB_NAME"]]
    assert options["landing_uri"] == "value of landing_uri"
    glue_job.resolve_options([*argv, "--entities", "loans"])
    assert asked[-1] == ["landing_uri", "bronze_uri", "entities", "JOB_NAME"]


def test_only_the_glue_entry_point_imports_awsglue():
    importers = {p.name for p in PACKAGE.glob("*.py") if "import awsglue" in p.read_text()}
    importers |= {p.name for p in PACKAGE.glob("*.py") if "from awsglue" in p.read_text()}
    assert importers == {"glue_job.py"}


def test_the_job_runs_on_uris_through_the_hadoop_filesystem(tmp_path, spark, capsys):
    landing, bronze = tmp_path / "landing", tmp_path / "bronze"
    write(landing, "accounts/accounts_20250101.csv", ACCOUNTS_DAY1)
    argv = [
        "glue_job.py",
        "--landing_uri",
        landing.as_uri(),
        "--bronze_uri",
        bronze.as_uri(),
        "--entities",
        "accounts",
    ]
    assert glue_job.main(argv, spark=spark) == 0
    assert "1 files loaded" in capsys.readouterr().out
    assert read_bronze(bronze, "accounts").num_rows == 4
    assert read_malformed(bronze, "accounts").num_rows == 3
    assert [(r["status"], r["lines_read"]) for r in read_ledger(bronze)] == [("loaded", 7)]
    assert not (bronze / "_staging").exists()
    assert glue_job.main(argv, spark=spark) == 0  # a re-run through Hadoop reads the ledger
    assert len(read_ledger(bronze)) == 1


def test_a_rejected_file_fails_the_job_with_one_sentence(tmp_path, spark):
    landing, bronze = tmp_path / "landing", tmp_path / "bronze"
    write(landing, "accounts/accounts_20250101.csv", "account_id\nA1\n")
    argv = ["glue_job.py", "--landing_uri", str(landing), "--bronze_uri", str(bronze)]
    with pytest.raises(glue_job.FinlakeError, match=r"^1 landing file\(s\) were rejected"):
        glue_job.main(argv, spark=spark)
    assert read_ledger(bronze)[0]["status"] == "rejected"
