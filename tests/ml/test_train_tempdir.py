"""`finlake train` leaves no scratch folder behind (issue 20, item 5): the plots are drawn in a
temporary folder, copied into <lake>/ml, and the folder is removed, also when a step fails."""

from __future__ import annotations

import tempfile

import pytest

from finlake.errors import FinlakeError
from finlake.lake import Lake
from ml.config import TrainConfig
from ml.train import train_and_score


def test_a_training_run_removes_its_temporary_folder(gold, spark, tmp_path, monkeypatch):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    lake = Lake.resolve(tmp_path / "lake")
    gold.coalesce(1).write.parquet(str(lake.gold / "loan_default_features"))
    config = TrainConfig(reg_params=(0.1,), elastic_net_params=(0.0,), num_folds=2)
    result = train_and_score(lake, config, spark=spark)
    assert result.roc_plot.exists()
    assert list(scratch.glob("finlake-ml-*")) == []


def test_a_failed_training_run_removes_it_too(spark, tmp_path, monkeypatch):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    with pytest.raises(FinlakeError):  # no gold features: the run stops at load
        train_and_score(Lake.resolve(tmp_path / "lake"), TrainConfig(), spark=spark)
    assert list(scratch.glob("finlake-ml-*")) == []
