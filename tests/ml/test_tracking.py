"""MLflow logging: used where MLflow is importable, skipped quietly where it is not."""

from __future__ import annotations

import sys
import types

from ml import tracking


def test_without_mlflow_nothing_is_logged(monkeypatch):
    monkeypatch.setitem(sys.modules, "mlflow", None)  # import mlflow raises ImportError
    assert tracking.log_run({"auc_roc": 0.8}, {}, [], model=None, run_name="x") is None


def test_with_mlflow_params_metrics_files_and_model_are_logged(monkeypatch, tmp_path):
    calls: list[tuple] = []

    class Run:
        info = types.SimpleNamespace(run_id="run-1")

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    fake = types.ModuleType("mlflow")
    fake.start_run = lambda run_name: calls.append(("start", run_name)) or Run()
    fake.log_params = lambda params: calls.append(("params", params))
    fake.log_metrics = lambda metrics: calls.append(("metrics", metrics))
    fake.log_artifact = lambda path: calls.append(("artifact", path))
    fake_spark = types.ModuleType("mlflow.spark")
    fake_spark.log_model = lambda model, artifact_path: calls.append(("model", artifact_path))
    monkeypatch.setitem(sys.modules, "mlflow", fake)
    monkeypatch.setitem(sys.modules, "mlflow.spark", fake_spark)

    card = tmp_path / "model_card.md"
    card.write_text("# card")
    absent = tmp_path / "roc.png"  # evidence this run did not produce: skipped, not an error
    metrics = {"auc_roc": 0.81, "rows": 10, "calibration": [1, 2], "ok": True, "name": "x"}
    run_id = tracking.log_run(
        metrics, {"seed": 42}, [card, absent], model=object(), run_name="pd-lr-1"
    )

    assert run_id == "run-1"
    assert calls == [
        ("start", "pd-lr-1"),
        ("params", {"seed": "42"}),
        ("metrics", {"auc_roc": 0.81, "rows": 10.0}),  # scalars only
        ("artifact", str(card)),
        ("model", "model"),
    ]
