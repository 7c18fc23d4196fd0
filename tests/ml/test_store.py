"""Outputs appear complete or not at all."""

from __future__ import annotations

import pytest

from ml.store import staged


def test_staged_folder_replaces_the_previous_one(tmp_path):
    final = tmp_path / "ml"
    final.mkdir()
    (final / "old.txt").write_text("old")
    with staged(final) as staging:
        (staging / "new.txt").write_text("new")
        assert not (final / "new.txt").exists()  # invisible until complete
    assert sorted(p.name for p in final.iterdir()) == ["new.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ml"]  # no staging left behind


def test_failed_write_leaves_the_previous_folder(tmp_path):
    final = tmp_path / "ml"
    final.mkdir()
    (final / "old.txt").write_text("old")
    with pytest.raises(RuntimeError), staged(final) as staging:
        (staging / "half.txt").write_text("half")
        raise RuntimeError("disk full")
    assert sorted(p.name for p in final.iterdir()) == ["old.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ml"]


def test_first_write_creates_the_folder(tmp_path):
    final = tmp_path / "lake" / "gold" / "scores"
    with staged(final) as staging:
        (staging / "part.parquet").write_bytes(b"x")
    assert (final / "part.parquet").read_bytes() == b"x"
