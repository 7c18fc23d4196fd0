"""Honest exits and a complete ledger (issue 20, item 3).

A rejected file fails every run until it leaves landing (so a retry cannot turn a job green);
rejected and duplicate files count their records; empty files are recorded as `empty` with a
warning; records holding control characters are captured as malformed, naming the byte.
"""

from __future__ import annotations

from finlake.cli import main
from tests.ingestion.lakes import (
    ACCOUNTS_DAY1,
    HEADER,
    TS,
    read_bronze,
    read_ledger,
    read_malformed,
    write,
)

GOOD = f"{HEADER}\nB1,C1,checking,USD,active,2024-01-01,,,1.00,{TS}\nB2,C2,checking,USD,active,2024-01-01,,,2.00,{TS}\n"


def _ledger(lake, name):
    return [r for r in read_ledger(lake / "bronze") if r["source_file"] == name]


def test_a_rejected_file_fails_every_run_until_it_leaves_landing(tmp_path, spark, capsys):
    bad = write(tmp_path / "landing", "accounts/accounts_20250102.csv", "account_id\nA1\nA2\nA3\n")
    write(tmp_path / "landing", "accounts/accounts_20250101.csv", GOOD)
    assert main(["ingest", "--lake", str(tmp_path)]) == 1
    capsys.readouterr()
    # The retry (what Glue does automatically) must not pass: the file is still there.
    assert main(["ingest", "--lake", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    last = captured.err.strip().splitlines()[-1]
    assert last.startswith(
        "finlake: 1 landing file(s) were rejected or failed (accounts/accounts_20250102.csv;"
    )
    assert "still in landing" in captured.err and "0 files loaded" in captured.out
    assert len(_ledger(tmp_path, bad.name)) == 1  # nothing recorded twice
    assert _ledger(tmp_path, bad.name)[0]["lines_read"] == 3  # its records are counted
    bad.unlink()
    assert main(["ingest", "--lake", str(tmp_path)]) == 0


def test_records_of_duplicate_files_are_counted(tmp_path, spark):
    write(tmp_path / "landing", "accounts/accounts_20250101.csv", GOOD)
    write(tmp_path / "landing", "accounts/accounts_20250101_2.csv", GOOD)  # same run
    assert main(["ingest", "--lake", str(tmp_path)]) == 0
    write(tmp_path / "landing", "accounts/accounts_20250103.csv", GOOD)  # a later run
    assert main(["ingest", "--lake", str(tmp_path)]) == 0
    rows = {r["source_file"]: r for r in read_ledger(tmp_path / "bronze")}
    assert rows["accounts_20250101.csv"]["status"] == "loaded"
    for copy in ("accounts_20250101_2.csv", "accounts_20250103.csv"):
        assert rows[copy]["status"] == "skipped_duplicate"
        assert rows[copy]["lines_read"] == 2
    assert read_bronze(tmp_path / "bronze", "accounts").num_rows == 2


def test_empty_and_bom_only_files_are_recorded_empty_with_a_warning(
    tmp_path, spark, capsys, monkeypatch
):
    write(tmp_path / "landing", "accounts/accounts_20250101.csv", b"")
    write(tmp_path / "landing", "accounts/accounts_20250102.csv", b"\xef\xbb\xbf")
    write(tmp_path / "landing", "accounts/accounts_20250103.csv", HEADER + "\n")  # a quiet day
    assert main(["ingest", "--lake", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert "accounts/accounts_20250101.csv has 0 bytes (no header), recorded as empty" in err
    assert "accounts/accounts_20250102.csv holds only a byte order mark" in err
    status = {r["source_file"]: r["status"] for r in read_ledger(tmp_path / "bronze")}
    assert status == {
        "accounts_20250101.csv": "empty",
        "accounts_20250102.csv": "empty",
        "accounts_20250103.csv": "loaded",
    }
    monkeypatch.setenv("FINLAKE_REJECT_EMPTY", "1")
    write(tmp_path / "landing", "accounts/accounts_20250104.csv", b"")
    assert main(["ingest", "--lake", str(tmp_path)]) == 1
    assert "FINLAKE_REJECT_EMPTY=1 rejects empty files" in capsys.readouterr().err


def test_control_characters_are_captured_naming_the_byte(tmp_path, spark):
    text = (
        f"{HEADER}\n"
        f"B1,C1,checking,USD,active,2024-01-01,,,1.00,{TS}\n"
        f"B2,C2,check\x00ing,USD,active,2024-01-01,,,2.00,{TS}\n"
        f'B3,C3,"chec\x1bking",USD,active,2024-01-01,,,3.00,{TS}\n'
        f'B4,C4,"tab\there",USD,active,2024-01-01,,,4.00,{TS}\n'
    )
    write(tmp_path / "landing", "accounts/accounts_20250101.csv", text)
    assert main(["ingest", "--lake", str(tmp_path)]) == 0
    assert sorted(
        read_bronze(tmp_path / "bronze", "accounts").column("account_id").to_pylist()
    ) == [
        "B1",
        "B4",
    ]
    bad = {
        r["_line_number"]: r for r in read_malformed(tmp_path / "bronze", "accounts").to_pylist()
    }
    assert bad[3]["_reason"] == "control character 0x00 (NUL) at byte 12 of the record"
    assert bad[4]["_reason"].startswith("control character 0x1B (ESC)")
    assert "\x00" in bad[3]["_raw_line"]
    (row,) = _ledger(tmp_path, "accounts_20250101.csv")
    assert row["lines_read"] == 4 and row["rows_written"] == 2 and row["malformed_count"] == 2


def test_the_mixed_sample_still_loads(tmp_path, spark):
    write(tmp_path / "landing", "accounts/accounts_20250101.csv", ACCOUNTS_DAY1)
    assert main(["ingest", "--lake", str(tmp_path)]) == 0
