"""The command line: help everywhere, one plain sentence and a non-zero exit on errors."""

from __future__ import annotations

import subprocess
import sys

import pytest

from finlake.cli import build_parser


def run(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "finlake", *args], capture_output=True, text=True, cwd=cwd
    )


def subcommands() -> list[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return list(action.choices)


@pytest.mark.parametrize("command", subcommands())
def test_every_subcommand_has_help(command):
    result = run(command, "--help")
    assert result.returncode == 0
    # `contract` works on the project's files, not on a lake.
    assert ("--project" if command == "contract" else "--lake") in result.stdout


def test_a_bad_date_is_one_sentence_and_exit_2(tmp_path):
    result = run("generate", "--as-of", "2025-02-30", "--lake", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.strip() == "finlake: --as-of '2025-02-30' is not a date; use YYYY-MM-DD."
    assert "Traceback" not in result.stderr


def test_out_of_range_settings_name_the_flag(tmp_path):
    result = run("generate", "--days", "-1", "--lake", str(tmp_path))
    assert (
        result.returncode == 2
        and "--days" in result.stderr
        and len(result.stderr.strip().splitlines()) == 1
    )


def test_a_lake_holding_another_dataset_is_not_overwritten(tmp_path):
    assert run("generate", "--customers", "30", "--lake", str(tmp_path)).returncode == 0
    before = sorted(p.name for p in (tmp_path / "landing" / "customers").iterdir())
    result = run("generate", "--customers", "30", "--seed", "9", "--lake", str(tmp_path))
    assert result.returncode == 1
    assert "--force" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in (tmp_path / "landing" / "customers").iterdir()) == before
    assert (
        run(
            "generate", "--customers", "30", "--seed", "9", "--force", "--lake", str(tmp_path)
        ).returncode
        == 0
    )


def test_generate_prints_a_summary(tmp_path):
    result = run("generate", "--customers", "40", "--lake", str(tmp_path / "lake"))
    assert result.returncode == 0, result.stderr
    assert "transactions" in result.stdout and "injected defects" in result.stdout
