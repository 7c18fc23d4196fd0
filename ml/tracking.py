"""MLflow logging where MLflow is installed (it is on Databricks); a no-op elsewhere."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

from pyspark.ml import PipelineModel


def _mlflow() -> ModuleType | None:
    try:
        return importlib.import_module("mlflow")
    except ImportError:
        return None


def scalar_metrics(metrics: dict) -> dict[str, float]:
    """The top-level numbers of metrics.json (MLflow metrics are scalars)."""
    return {
        key: float(value)
        for key, value in metrics.items()
        if isinstance(value, int | float) and not isinstance(value, bool)
    }


def log_run(
    metrics: dict, params: dict, artifacts: list[Path], model: PipelineModel, run_name: str
) -> str | None:
    """Log params, metrics, files and the model to MLflow; the run id, or None without MLflow."""
    mlflow = _mlflow()
    if mlflow is None:
        return None
    with mlflow.start_run(run_name=run_name) as run:
        mlflow.log_params({k: str(v) for k, v in params.items()})
        mlflow.log_metrics(scalar_metrics(metrics))
        for path in artifacts:
            if Path(path).is_file():  # evidence a run did not produce is not an error
                mlflow.log_artifact(str(path))
        importlib.import_module("mlflow.spark").log_model(model, artifact_path="model")
        return run.info.run_id
