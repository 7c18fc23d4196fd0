"""The notebook on the tiny preset, run as a script: evidence, scores, and the saved models.

The tiny preset has about 55 borrowers per observation date and a handful of defaulting
customers. The test set is the held-out 30% of customers at the two latest labelled months:
about 36 borrower-months with 4 defaults. That is too few to judge a model by (its AUC
interval spans 0.4 or more), so the run must say so (a warning) and must not fail; what is
checked here is that the run is honest: no customer in both training and test, no model beating
the oracle beyond its interval, intervals that hold their estimate, and the in-sample ranking of
a working pipeline (a broken one ranks training rows near chance).
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pyspark.ml import PipelineModel
from pyspark.sql import functions as F

from ml.scorecard import Scorecard
from ml.scoring import PD, SCORES_SCHEMA, risk_band

NOTEBOOK = Path(__file__).resolve().parents[2] / "ml" / "default_model.py"
MIN_AUC = 0.70

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def notebook_run(tiny_gold_lake):
    """The notebook as a plain script, in its own process, as `finlake train` would run it."""
    done = subprocess.run(
        [sys.executable, str(NOTEBOOK), "--lake", str(tiny_gold_lake.root)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done


@pytest.fixture(scope="module")
def metrics(notebook_run, tiny_gold_lake) -> dict:
    return json.loads((tiny_gold_lake.ml / "metrics.json").read_text())


def scores_of(spark, folder: Path):
    return spark.read.parquet(str(folder)).orderBy("customer_id")


def test_notebook_prints_its_story(notebook_run):
    out = notebook_run.stdout
    assert "default model pd-lr-" in out
    assert "scorecard AUC on unseen borrowers" in out and "95% CI" in out


def test_small_test_set_warns_and_does_not_fail(notebook_run, metrics):
    assert metrics["test"]["defaults"] < metrics["config"]["min_test_defaults"]
    assert any("too uncertain" in w for w in metrics["warnings"])
    assert "too uncertain" in notebook_run.stderr


def test_evidence_is_honest(metrics):
    assert metrics["test"]["defaults"] >= 1
    assert metrics["split"]["test_customers_seen_in_training"] == 0.0
    assert metrics["oracle_rows_matched"] == metrics["test_rows"]
    for name, figures in (("champion", metrics["test"]), ("challenger", metrics["challenger"])):
        low, high = figures["ci_95"]["auc_roc"]
        assert low <= figures["auc_roc"] <= high, name
        assert figures["ci_95"]["auc_gap_to_oracle"][1] >= -1e-9, name  # not beating the truth
    assert metrics["train"]["auc_roc"] >= MIN_AUC
    assert metrics["train"]["challenger_auc_roc"] >= MIN_AUC
    assert metrics["backtest"] and all(0 <= b["auc_roc"] <= 1 for b in metrics["backtest"])
    # The backtest refits the model reported: the penalty the main run chose, not a fixed one.
    assert {b["penalty"] for b in metrics["backtest"]} == {metrics["scorecard"]["penalty"]}
    for key in ("pr_auc", "ks", "brier", "gini", "auc_ratio_to_oracle"):
        assert isinstance(metrics[key], float)


def test_split_is_out_of_time(metrics):
    split = metrics["split"]
    assert max(split["train_dates"]) < min(split["test_dates"]) < split["scoring_date"]
    assert split["rows"]["train"] > 0 and split["rows"]["test"] > 0


def test_evidence_files_exist(tiny_gold_lake, metrics):
    folder = tiny_gold_lake.ml
    assert (folder / "scorecard.json").is_file()
    for name in ("roc.png", "calibration.png"):
        assert (folder / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    card = (folder / "model_card.md").read_text()
    assert metrics["model_version"] in card
    assert f"{metrics['auc_roc']:.3f}" in card
    assert len(metrics["odds_ratios"]) > 30
    assert "## Rolling-origin backtest" in card and "## Fair lending" in card
    # The challenger's coefficients carry clustered SEs and sign stability, as the champion's.
    stability = metrics["challenger_stability"]
    slots = [t for t in metrics["odds_ratios"] if t["kind"] != "intercept"]
    assert len(stability["terms"]) == len(slots) and stability["refits"] > 0
    assert any(t["standard_error_clustered"] for t in stability["terms"])
    assert "### Challenger: clustered standard errors and sign stability" in card
    # Owner and approval from settings (unset here), never a placeholder that looks filled in.
    assert "**not recorded** (set `FINLAKE_MODEL_OWNER`)" in card and "**not approved**" in card
    # Segments carry their own clustered intervals; the restricted inputs are quantified.
    segments = [s["segment"] for s in metrics["test"]["segments"]]
    assert all(
        s.split(":")[0] in ("borrower", "product", "vintage", "credit score") for s in segments
    )
    unseen = next(s for s in metrics["test"]["segments"] if s["segment"].startswith("borrower: u"))
    low, high = unseen["auc_roc_ci_95"]
    assert low <= unseen["auc_roc"] <= high
    fair = metrics["fair_lending"]
    assert fair["auc_roc_without_restricted"] is not None and len(fair["age_bands"]) == 4
    assert f"{fair['auc_roc_without_restricted']:.3f}" in card


def test_scores_have_the_contract_shape(spark, tiny_gold_lake, metrics):
    scores = scores_of(spark, tiny_gold_lake.gold / "customer_default_scores")
    assert [(f.name, f.dataType) for f in scores.schema.fields] == [
        (f.name, f.dataType) for f in SCORES_SCHEMA.fields
    ]
    rows = scores.collect()
    assert len(rows) == metrics["scores"]["rows"] > 0
    assert len({r["customer_id"] for r in rows}) == len(rows)
    assert {r["observation_date"].isoformat() for r in rows} == {metrics["split"]["scoring_date"]}
    assert {r["model_version"] for r in rows} == {metrics["model_version"]}
    for r in rows:
        assert 0.0 < r[PD] < 1.0
        assert r["risk_band"] == risk_band(r[PD])
    worst = max(rows, key=lambda r: r[PD])
    assert worst["reason_1"]  # the riskiest customer has at least one reason, in words
    assert "_" not in worst["reason_1"] or worst["reason_1"].endswith("not known")
    midnight = datetime.fromisoformat(metrics["split"]["scoring_date"]).replace(tzinfo=UTC)
    epoch = scores.select(F.unix_timestamp("scored_at")).distinct().collect()
    assert [e[0] for e in epoch] == [int(midnight.timestamp())]


def test_saved_scorecard_reproduces_the_scores(spark, tiny_gold_lake):
    """scorecard.json alone (with the challenger's prepare stage for the derived flags) gives
    the written PDs again."""
    model = PipelineModel.load(str(tiny_gold_lake.ml / "model"))
    card = Scorecard.from_dict(json.loads((tiny_gold_lake.ml / "scorecard.json").read_text()))
    gold = spark.read.parquet(str(tiny_gold_lake.gold / "loan_default_features"))
    scoring = model.stages[0].transform(gold.filter(F.col("is_scoring_date")))
    for name in ("is_in_arrears", "salary_stopped", "has_gambling_spend", "has_cash_advance"):
        if f"{name}__x" in scoring.columns:  # derived flags dropped as constant are absent
            scoring = scoring.withColumn(name, F.col(f"{name}__x"))
    scoring = scoring.withColumn("has_mortgage", F.col("has_mortgage").cast("double"))
    rows = scoring.orderBy("customer_id").collect()
    frame = pd.DataFrame([r.asDict() for r in rows])
    written = scores_of(spark, tiny_gold_lake.gold / "customer_default_scores").select(PD)
    np.testing.assert_allclose(
        card.predict(frame), np.array([r[0] for r in written.collect()]), rtol=1e-12
    )


# Same data and settings give the same model and scores: tests/ml/test_pipeline.py
# (test_same_data_gives_the_same_model_and_scores), without paying for two more runs here.
