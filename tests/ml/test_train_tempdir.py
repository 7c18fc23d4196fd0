"""`finlake train` leaves no scratch folder behind (issue 20, item 5): the plots are drawn in a
temporary folder, copied into <lake>/ml, and the folder is removed, also when a step fails. (The
run that succeeds is test_train.py's: one training run serves both files' checks.)"""

from __future__ import annotations

import tempfile

import pytest

from finlake.errors import FinlakeError
from finlake.lake import Lake
from ml.config import TrainConfig
from ml.train import train_and_score


def test_a_failed_training_run_removes_it_too(spark, tmp_path, monkeypatch):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    with pytest.raises(FinlakeError):  # no gold features: the run stops at load
        train_and_score(Lake.resolve(tmp_path / "lake"), TrainConfig(), spark=spark)
    assert list(scratch.glob("finlake-ml-*")) == []
