"""A whole run on synthetic gold written as the dbt export: outputs, and the script's errors."""

from __future__ import annotations

import json
import tempfile

import pytest

from finlake.lake import Lake
from ml.config import TrainConfig
from ml.scoring import SCORES_SCHEMA
from ml.train import main, train_and_score


@pytest.fixture(scope="module")
def synthetic_lake(gold, tmp_path_factory) -> Lake:
    lake = Lake.resolve(tmp_path_factory.mktemp("synthetic") / "lake")
    gold.coalesce(1).write.parquet(str(lake.gold / "loan_default_features"))
    return lake


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    """The temporary folder the module's training run sees (test_train_tempdir.py's question)."""
    return tmp_path_factory.mktemp("scratch")


@pytest.fixture(scope="module")
def result(synthetic_lake, spark, scratch):
    config = TrainConfig(reg_params=(0.1,), elastic_net_params=(0.0,), num_folds=2)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tempfile, "tempdir", str(scratch))
        return train_and_score(synthetic_lake, config, spark=spark)


def test_a_training_run_removes_its_temporary_folder(result, scratch):
    """`finlake train` draws its plots in a temporary folder, copies them into <lake>/ml and
    removes the folder (issue 20, item 5; the failing case is in test_train_tempdir.py)."""
    assert result.roc_plot.exists()
    assert list(scratch.glob("finlake-ml-*")) == []


def test_run_writes_model_evidence_and_scores(result, synthetic_lake, spark):
    for path in (result.model_path, result.roc_plot, result.calibration_plot):
        assert path.exists()
    assert result.roc_plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    metrics = json.loads(result.metrics_path.read_text())
    for key in ("auc_roc", "pr_auc", "ks", "brier", "gini", "model_version"):
        assert key in metrics
    assert "oracle_auc" not in metrics  # this lake has no _truth/
    assert metrics["split"]["test_dates"] == ["2024-04-01", "2024-05-01"]
    assert metrics["split"]["scoring_date"] == "2024-08-01"
    assert metrics["split"]["rows"]["unlabelled"] == 160
    card = result.model_card_path.read_text()
    assert metrics["model_version"] in card and "## Limitations" in card

    scores = spark.read.parquet(str(synthetic_lake.gold / "customer_default_scores"))
    assert [(f.name, f.dataType) for f in scores.schema.fields] == [
        (f.name, f.dataType) for f in SCORES_SCHEMA.fields
    ]
    assert scores.count() == 80
    assert {r["model_version"] for r in scores.select("model_version").collect()} == {
        result.model_version
    }


def test_scoring_time_is_the_data_as_of_not_the_clock(result, synthetic_lake, spark):
    scores = spark.read.parquet(str(synthetic_lake.gold / "customer_default_scores"))
    assert {r[0].isoformat() for r in scores.select("observation_date").distinct().collect()} == {
        "2024-08-01"
    }
    assert result.metrics["scores"]["scored_at"] == "2024-08-01T00:00:00Z"
    assert scores.selectExpr("count(distinct scored_at)").first()[0] == 1


def test_script_without_gold_says_what_to_run(tmp_path, capsys):
    assert main(["--lake", str(tmp_path)]) == 1
    assert capsys.readouterr().err.strip() == (
        f"finlake: No gold features under {tmp_path.resolve()}/gold/loan_default_features; "
        "run finlake build first."
    )


def test_script_rejects_an_impossible_split(synthetic_lake, capsys):
    assert main(["--lake", str(synthetic_lake.root), "--test-months", "5"]) == 2
    assert "5 labelled observation months" in capsys.readouterr().err
