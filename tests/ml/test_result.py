"""The line `finlake demo` ends with (pipeline.demo prints TrainResult.headline()): the
champion's figures on unseen borrowers with their 95% intervals, the challenger and the oracle."""

from __future__ import annotations

from pathlib import Path

from ml.result import TrainResult, flat_metrics


def _metrics() -> dict:
    return {
        "auc_roc": 0.7412,
        "ks": 0.368,
        "brier": 0.05604,
        "test": {"ci_95": {"auc_roc": [0.647, 0.847], "ks": [0.25, 0.47], "brier": [0.045, 0.067]}},
        "auc_roc_ci_95": [0.647, 0.847],
        "challenger": {"auc_roc": 0.761, "ci_95": {"auc_roc": [0.66, 0.854]}},
        "oracle_auc": 0.792,
        "oracle_auc_ci_95": [0.701, 0.877],
        "auc_gap_to_oracle_ci_95": [-0.12, 0.02],
        "test_rows": 774,
        "scores": {"rows": 4100},
        "split": {"scoring_date": "2025-06-01"},
    }


def test_the_demo_headline_gives_the_champions_leak_free_figures_with_intervals():
    line = TrainResult("abc123", Path("/l/ml"), "/l/gold", _metrics(), {"fit": 1.0}).headline()
    assert "default model abc123 (scorecard) on unseen borrowers, 95% CI" in line
    assert "AUC 0.741 [0.647, 0.847]" in line
    assert "KS 0.368 [0.250, 0.470]" in line and "Brier 0.0560 [0.0450, 0.0670]" in line
    assert "challenger LR AUC 0.761" in line
    assert "oracle AUC 0.792, gap [-0.120, 0.020]" in line


def test_the_mlflow_metrics_are_flat_numbers_with_interval_bounds():
    flat = flat_metrics(_metrics())
    assert flat["auc_roc_ci_95_low"] == 0.647 and flat["oracle_auc_ci_95_high"] == 0.877
    assert flat["challenger_auc_roc_ci_95_low"] == 0.66
