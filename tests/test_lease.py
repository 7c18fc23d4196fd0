"""The lake lease (finlake/lease.py): one ingest, build, train or demo at a time per lake.

Races real processes: two `finlake ingest` started together, and a build started while an
ingest runs. A lease left by a process killed with SIGKILL is taken over, and says whose it was.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from finlake.cli import main
from finlake.lease import LOCK_NAME, lake_lease, read_holder
from tests.ingestion.lakes import ACCOUNTS_DAY1, write
from tests.lake_copy import copy_lake

REPO = Path(__file__).resolve().parents[1]


def _finlake(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "finlake", *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "FINLAKE_DEV_PII_KEY": "1"},
    )


def _loaded_files(lake: Path) -> list[str]:
    ledger = pq.read_table(lake / "bronze" / "_load_log").to_pylist()
    return sorted(r["source_file"] for r in ledger if r["status"] == "loaded")


@pytest.mark.slow
def test_two_ingests_started_together_one_runs_the_other_refuses(tiny_lake, tmp_path):
    lake = copy_lake(tiny_lake, tmp_path / "lake").root
    runs = [_finlake("ingest", "--lake", str(lake)) for _ in range(2)]
    outcomes = [(p, *p.communicate(timeout=600)) for p in runs]
    codes = sorted(p.returncode for p, _, _ in outcomes)
    assert codes == [0, 3], [(p.returncode, err[-500:]) for p, _, err in outcomes]
    (winner,) = [p for p, _, _ in outcomes if p.returncode == 0]
    (refusal,) = [err.strip() for p, _, err in outcomes if p.returncode == 3]
    assert len(refusal.splitlines()) == 1 and "Traceback" not in refusal
    assert refusal.startswith(
        f"finlake: The lake {lake} is in use by `finlake ingest` (PID {winner.pid} on host "
    )
    files = _loaded_files(lake)
    landed = sorted(p.name for p in (lake / "landing").rglob("*.csv"))
    assert files == landed  # every file loaded exactly once, none failed
    assert read_holder(lake) == {}  # released


@pytest.mark.slow
def test_a_build_during_an_ingest_refuses_naming_the_ingest(tiny_lake, tmp_path, capsys):
    lake = copy_lake(tiny_lake, tmp_path / "lake").root
    ingest = _finlake("ingest", "--lake", str(lake))
    deadline = time.monotonic() + 60
    while read_holder(lake).get("pid") != ingest.pid:
        assert time.monotonic() < deadline and ingest.poll() is None, (
            "the ingest never took the lease"
        )
        time.sleep(0.1)
    assert main(["build", "--lake", str(lake)]) == 3
    err = capsys.readouterr().err.strip()
    assert err.startswith(
        f"finlake: The lake {lake} is in use by `finlake ingest` (PID {ingest.pid}"
    )
    assert len(err.splitlines()) == 1
    _, ingest_err = ingest.communicate(timeout=600)
    assert ingest.returncode == 0, ingest_err[-2000:]
    assert not (lake / "warehouse.duckdb").exists()  # the build published nothing


def test_a_lease_left_by_a_killed_process_is_taken_over(tmp_path, spark, capsys):
    write(tmp_path / "landing", "accounts/accounts_20250101.csv", ACCOUNTS_DAY1)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from finlake.lease import lake_lease\n"
            "with lake_lease(Path(sys.argv[1]), 'ingest'):\n"
            "    print('held', flush=True); time.sleep(600)",
            str(tmp_path),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    assert main(["ingest", "--lake", str(tmp_path)]) == 3  # alive: refused
    assert f"(PID {holder.pid} on host " in capsys.readouterr().err
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=30)
    assert json.loads((tmp_path / LOCK_NAME).read_text())["pid"] == holder.pid  # left behind
    assert main(["ingest", "--lake", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert f"took over the lake's lease left by `finlake ingest` (PID {holder.pid}" in err
    assert read_holder(tmp_path) == {}


def test_the_lease_names_a_lake_under_a_file_in_one_sentence(tmp_path, capsys):
    (tmp_path / "file").write_text("x")
    assert main(["generate", "--lake", str(tmp_path / "file" / "lake")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("finlake: The lake ") and "a parent of it is a file" in err
    assert len(err.splitlines()) == 1


def test_the_heartbeat_is_refreshed_while_held(tmp_path, monkeypatch):
    import finlake.lease as lease

    monkeypatch.setattr(lease, "HEARTBEAT_SECONDS", 0.05)
    with lake_lease(tmp_path, "build"):
        first = read_holder(tmp_path)["heartbeat_at"]
        time.sleep(1.2)
        assert read_holder(tmp_path)["heartbeat_at"] > first


@pytest.mark.parametrize("command", ["build", "run", "test", "seed", "compile", "docs generate"])
def test_every_dbt_command_of_build_waits_for_the_lease(command, tmp_path, capsys):
    """`finlake build --command X` holds the lease whatever X is (a dbt command that only reads
    still writes target/ and the dev warehouse's lock inside the lake folder)."""
    with lake_lease(tmp_path, "ingest"):
        code = main(["build", "--command", command, "--lake", str(tmp_path)])
    err = capsys.readouterr().err.strip()
    assert code == 3, err
    assert err.startswith(f"finlake: The lake {tmp_path} is in use by `finlake ingest`")
    assert len(err.splitlines()) == 1
