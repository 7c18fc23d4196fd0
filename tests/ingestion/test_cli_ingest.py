"""`finlake ingest`: a short summary, one plain sentence on errors, a non-zero exit code."""

from __future__ import annotations

from finlake.cli import main
from tests.ingestion.lakes import ACCOUNTS_DAY1, write


def test_ingest_prints_a_summary_and_a_second_run_loads_nothing(tmp_path, spark, capsys):
    write(tmp_path / "landing", "accounts/accounts_20250101.csv", ACCOUNTS_DAY1)
    assert main(["ingest", "--lake", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "bronze: 1 files loaded, 0 skipped as duplicates, 0 rejected, 0 failed" in out
    assert "accounts" in out and "4 rows" in out and "3 malformed" in out
    assert main(["ingest", "--lake", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "0 files loaded" in out and "1 already loaded earlier" in out
    assert "bronze now holds" in out


def test_a_missing_landing_folder_is_one_sentence_and_exit_1(tmp_path, spark, capsys):
    assert main(["ingest", "--lake", str(tmp_path / "nowhere")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("finlake: Landing folder ") and err.endswith("or pass --lake.")
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert not (tmp_path / "nowhere").exists()


def test_an_unknown_entity_is_a_configuration_error(tmp_path, spark, capsys):
    write(tmp_path / "landing", "accounts/accounts_20250101.csv", ACCOUNTS_DAY1)
    assert main(["ingest", "--lake", str(tmp_path), "--entities", "cards"]) == 2
    assert "--entities names unknown entity 'cards'" in capsys.readouterr().err
    assert not (tmp_path / "bronze").exists()


def test_rejected_files_give_exit_1_after_the_summary(tmp_path, spark, capsys):
    write(tmp_path / "landing", "accounts/accounts_20250101.csv", "account_id\nA1\n")
    assert main(["ingest", "--lake", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert "1 rejected" in captured.out
    assert "is missing required columns 'customer_id'" in captured.err
    assert captured.err.strip().splitlines()[-1].startswith("finlake: 1 landing file(s) were")
