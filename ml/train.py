"""A training run: load gold, split out of time, fit, evaluate, explain, score, write.

`TrainingRun` has one method per step of the notebook (ml/default_model.py calls them one cell
at a time); `run(lake)` calls them in order for `finlake train`; `main(argv)` is the script.

Outputs (artifacts folder, <lake>/ml locally):
  model/          the fitted PipelineModel (load with pyspark.ml.PipelineModel.load)
  metrics.json    out-of-time evidence, odds ratios, split, settings, run metadata
  model_card.md   data window, features, metrics, limitations, intended use
  roc.png, calibration.png
and the scores: <lake>/gold/customer_default_scores/ (Parquet) or a catalog table.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from finlake.errors import FinlakeError
from finlake.lake import Lake
from ml import data, evaluation, explain, model_card, plots, scoring, store
from ml.config import MODEL_CODE_VERSION, TrainConfig
from ml.features import KEYS, LABEL, feature_spec, prepare_statement
from ml.pipeline import FittedModel
from ml.pipeline import fit as fit_pipeline
from ml.runtime import Outputs, RunParams, Source
from ml.split import (
    FOLD,
    ROLE,
    SplitPlan,
    assert_out_of_time,
    fold_column,
    plan_out_of_time,
    role_column,
)
from ml.tracking import log_run

METRICS_FILE = "metrics.json"
MODEL_DIR = "model"
CARD_FILE = "model_card.md"
ROC_FILE = "roc.png"
CALIBRATION_FILE = "calibration.png"


@dataclass
class TrainResult:
    model_version: str
    artifacts: Path
    scores_location: str
    metrics: dict
    seconds: dict[str, float]

    @property
    def metrics_path(self) -> Path:
        return self.artifacts / METRICS_FILE

    @property
    def model_path(self) -> Path:
        return self.artifacts / MODEL_DIR

    @property
    def model_card_path(self) -> Path:
        return self.artifacts / CARD_FILE

    @property
    def roc_plot(self) -> Path:
        return self.artifacts / ROC_FILE

    @property
    def calibration_plot(self) -> Path:
        return self.artifacts / CALIBRATION_FILE

    def describe(self) -> str:
        m = self.metrics
        oracle = (
            f" (oracle {m['oracle_auc']:.3f}, ratio {m['auc_ratio_to_oracle']:.2f})"
            if "oracle_auc" in m
            else ""
        )
        return (
            f"default model {self.model_version}: out-of-time AUC {m['auc_roc']:.3f}{oracle}, "
            f"KS {m['ks']:.3f}, Brier {m['brier']:.4f}; {m['scores']['rows']:,} customers "
            f"scored at {m['split']['scoring_date']} into {self.scores_location}; evidence in "
            f"{self.artifacts} ({sum(self.seconds.values()):.0f}s)"
        )


def _predictions(
    model, frame: DataFrame, truth: DataFrame | None = None, seen: DataFrame | None = None
) -> pd.DataFrame:
    """Label, PD and segment flags per row (and the true PD where known), ordered by key.

    Segments: whether the credit score was known at the date, and (given `seen`, the training
    customers) whether the customer appears in the training period.
    """
    predicted = scoring.predict(model, frame).select(
        *KEYS, LABEL, scoring.PD, F.col("credit_score").isNotNull().alias("profile_known")
    )
    if seen is not None:
        marker = seen.select("customer_id").distinct().withColumn("seen", F.lit(True))
        predicted = predicted.join(marker, on="customer_id", how="left").withColumn(
            "seen", F.coalesce(F.col("seen"), F.lit(False))
        )
    if truth is not None:
        predicted = predicted.join(truth, on=list(KEYS), how="left")
    rows = predicted.orderBy(*KEYS).collect()
    # Built from rows rather than toPandas(): no Arrow or pandas-version coupling on a cluster.
    return pd.DataFrame([r.asDict() for r in rows], columns=predicted.columns)


def _segments(predictions: pd.DataFrame) -> list[dict]:
    """Discrimination and calibration-in-the-large per segment of the test rows."""
    segments = []
    for name, column in (("credit score known", "profile_known"), ("seen in training", "seen")):
        for value in (True, False):
            part = predictions[predictions[column] == value]
            y, p = part[LABEL].to_numpy(), part[scoring.PD].to_numpy()
            both = 0 < y.sum() < len(y)
            segments.append(
                {
                    "segment": f"{name}: {'yes' if value else 'no'}",
                    "rows": len(part),
                    "defaults": int(y.sum()),
                    "observed_rate": float(y.mean()) if len(y) else None,
                    "mean_pd": float(p.mean()) if len(p) else None,
                    "auc_roc": evaluation.auc_roc(y, p) if both else None,
                    "oracle_auc": evaluation.auc_roc(y, part["true_pd_12m"].to_numpy())
                    if both and "true_pd_12m" in part and part["true_pd_12m"].notna().all()
                    else None,
                }
            )
    return segments


class TrainingRun:
    """One training run; each method is one step and keeps what the next steps need."""

    def __init__(self, spark: SparkSession, params: RunParams):
        self.spark = spark
        self.params = params
        self.config = params.config
        self.seconds: dict[str, float] = {}
        self.started_at = datetime.now(UTC)  # run metadata only; never written into data
        self._workdir = Path(tempfile.mkdtemp(prefix="finlake-ml-"))
        self.metrics: dict = {}

    @contextmanager
    def _timed(self, step: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.seconds[step] = round(time.perf_counter() - start, 2)

    # -- load ---------------------------------------------------------------------------------
    def load(self) -> pd.DataFrame:
        """Read and check gold features; one line per observation date."""
        with self._timed("load"):
            source = self.params.source
            if source.kind == "parquet":
                raw = data.read_features_parquet(self.spark, source.lake_root)
            else:
                raw = data.read_features_table(self.spark, source.table)
            frame = data.validate_features(raw, source.describe()).cache()
            self.dates, nulls = data.profile(frame, source.describe())
            self.features = frame
            self.metrics["data"] = {
                "source": source.describe(),
                "rows": sum(d.rows for d in self.dates),
                "null_shares": nulls,
            }
        return pd.DataFrame([vars(d) for d in self.dates])

    # -- split --------------------------------------------------------------------------------
    def split(self) -> pd.DataFrame:
        """Assign dates to training, test and scoring; check that test is later than training."""
        with self._timed("split"):
            self.plan: SplitPlan = plan_out_of_time(self.dates, self.config)
            framed = self.features.withColumn(ROLE, role_column(self.plan))
            self.train = (
                framed.filter(F.col(ROLE) == "train")
                .withColumn(FOLD, fold_column(self.config.num_folds, self.config.seed))
                .cache()
            )
            self.test = framed.filter(F.col(ROLE) == "test")
            self.scoring_rows = framed.filter(F.col(ROLE) == "scoring")
            assert_out_of_time(self.train, self.test, self.scoring_rows)
            by_role: dict[str, dict[str, int]] = {}
            for d in self.dates:
                counts = by_role.setdefault(self.plan.role_of(d.observation_date), {})
                counts["rows"] = counts.get("rows", 0) + d.rows
                counts["defaults"] = counts.get("defaults", 0) + d.defaults
            self.metrics["split"] = {
                **self.plan.as_dict(),
                "rows": {role: c["rows"] for role, c in by_role.items()},
                "defaults": {role: c["defaults"] for role, c in by_role.items()},
            }
        dates = {
            "train": self.plan.train_dates,
            "gap": self.plan.gap_dates,
            "test": self.plan.test_dates,
            "unlabelled": self.plan.unlabelled_dates,
            "scoring": (self.plan.scoring_date,),
        }
        return pd.DataFrame(
            [
                {"role": role, "dates": len(days), **by_role.get(role, {"rows": 0})}
                for role, days in dates.items()
            ]
        )

    # -- fit ----------------------------------------------------------------------------------
    def fit(self) -> pd.DataFrame:
        """Choose the penalty by cross-validation, refit, calibrate; the grid's CV losses."""
        with self._timed("fit"):
            if self.metrics["split"]["defaults"].get("train", 0) == 0:
                raise FinlakeError("The training period has no defaults; the model cannot learn.")
            self.fitted: FittedModel = fit_pipeline(self.train, self.config)
            spec = feature_spec()
            fingerprint = {
                "training_data": scoring.data_fingerprint(
                    self.train, [*KEYS, LABEL, *spec.source_columns]
                ),
                "split": self.plan.as_dict(),
                "config": self.config.as_dict(),
                "features": prepare_statement(),
                "code": MODEL_CODE_VERSION,
            }
            self.version = scoring.model_version(fingerprint)
            self.metrics["model"] = {
                "version": self.version,
                "type": "logistic regression (Spark ML), class-weighted, Platt-calibrated",
                "selected": self.fitted.best,
                "cv_grid": self.fitted.grid,
                "cv_folds": self.config.num_folds,
                "class_weights": {
                    "default": self.fitted.weights[0],
                    "non_default": self.fitted.weights[1],
                },
                "calibration": {
                    "slope": self.fitted.calibration_slope,
                    "intercept": self.fitted.calibration_intercept,
                    "prior_correction_expected": -float(
                        np.log(self.fitted.weights[0] / self.fitted.weights[1])
                    ),
                },
                "training_fingerprint": fingerprint["training_data"],
            }
        return pd.DataFrame(self.fitted.grid)

    # -- evaluate -----------------------------------------------------------------------------
    def evaluate(self) -> pd.DataFrame:
        """Out-of-time evidence on the test months; the calibration table by decile."""
        with self._timed("evaluate"):
            model = self.fitted.model
            train_pred = _predictions(model, self.train, seen=None)
            y_train, p_train = train_pred[LABEL].to_numpy(), train_pred[scoring.PD].to_numpy()
            # The cutoff is fixed on the training period, where it maximises KS, so the test
            # confusion matrix is not tuned on the data it reports on.
            _, cutoff = evaluation.ks_statistic(y_train, p_train)

            truth_path = self.params.truth_path
            truth = data.read_truth(self.spark, truth_path) if truth_path else None
            test_pred = _predictions(model, self.test, truth, seen=self.train)
            y, p = test_pred[LABEL].to_numpy(), test_pred[scoring.PD].to_numpy()
            if y.sum() == 0 or y.sum() == len(y):
                raise FinlakeError(
                    "The out-of-time test months hold only one outcome; raise test_months."
                )
            test = evaluation.evaluate(y, p, cutoff)
            test["cutoff_rule"] = "PD that maximises KS on the training period"
            test["by_date"] = [
                {
                    "observation_date": str(day),
                    "rows": len(group),
                    "default_rate": float(group[LABEL].mean()),
                    "mean_pd": float(group[scoring.PD].mean()),
                    "auc_roc": evaluation.auc_roc(group[LABEL], group[scoring.PD])
                    if 0 < group[LABEL].sum() < len(group)
                    else None,
                }
                for day, group in test_pred.groupby("observation_date")
            ]
            test["risk_bands"] = scoring.band_summary(p, y)
            test["segments"] = _segments(test_pred)
            customers = test_pred.groupby("customer_id")["seen"].first()
            self.metrics["split"]["test_customers_seen_in_training"] = round(
                float(customers.mean()), 4
            )
            train_auc = evaluation.auc_roc(y_train, p_train)
            self.metrics["train"] = {
                "rows": len(y_train),
                "observed_default_rate": float(y_train.mean()),
                "mean_predicted_pd": float(p_train.mean()),
                "auc_roc": train_auc,
                "brier": evaluation.brier(y_train, p_train),
                "ks_cutoff": cutoff,
            }
            self.metrics["test"] = test
            headline = {k: test[k] for k in ("auc_roc", "pr_auc", "ks", "gini", "brier")}
            self.metrics.update(headline)
            self.metrics["test_rows"] = test["rows"]

            oracle_pair = None
            if truth is not None:
                matched = test_pred["true_pd_12m"].notna().to_numpy()
                y_m, p_m, t_m = y[matched], p[matched], test_pred["true_pd_12m"].to_numpy()[matched]
                self.metrics["oracle_rows_matched"] = int(matched.sum())
                if matched.any() and 0 < y_m.sum() < len(y_m):
                    oracle = evaluation.auc_roc(y_m, t_m)
                    model_auc = evaluation.auc_roc(y_m, p_m)
                    self.metrics["oracle_auc"] = oracle
                    self.metrics["model_auc_on_oracle_rows"] = model_auc
                    self.metrics["auc_ratio_to_oracle"] = model_auc / oracle
                    self.metrics["oracle_brier"] = evaluation.brier(y_m, t_m)
                    oracle_pair = (y_m, t_m)
            title = (
                f"Out-of-time test {self.plan.test_dates[0]} to {self.plan.test_dates[-1]} "
                f"({len(y):,} borrower-months)"
            )
            plots.plot_roc(y, p, self._workdir / ROC_FILE, title, oracle=oracle_pair)
            plots.plot_calibration(test["calibration"], self._workdir / CALIBRATION_FILE, title)
        return pd.DataFrame(test["calibration"])

    # -- explain ------------------------------------------------------------------------------
    def explain(self) -> pd.DataFrame:
        """Coefficients as odds ratios, with the feature names and their definitions."""
        with self._timed("explain"):
            self.terms = explain.odds_ratio_table(self.fitted.model)
            self.metrics["odds_ratios"] = explain.as_records(self.terms)
        return pd.DataFrame(self.metrics["odds_ratios"])

    # -- score --------------------------------------------------------------------------------
    def score(self) -> pd.DataFrame:
        """PD and risk band per customer at the scoring date; the band distribution."""
        with self._timed("score"):
            self.scores = scoring.score_table(
                self.fitted.model, self.scoring_rows, self.version
            ).cache()
            pds = [r[scoring.PD] for r in self.scores.select(scoring.PD).collect()]
            bands = scoring.band_summary(pds)
            self.metrics["scores"] = {
                "rows": len(pds),
                "scoring_date": self.plan.scoring_date.isoformat(),
                "scored_at": f"{self.plan.scoring_date.isoformat()}T00:00:00Z",
                "mean_pd": float(np.mean(pds)) if pds else None,
                "by_band": bands,
                "location": self.params.outputs.scores_location,
            }
        return pd.DataFrame(bands)

    # -- write --------------------------------------------------------------------------------
    def write(self) -> TrainResult:
        """Model, evidence and scores, each swapped into place only when complete."""
        with self._timed("write"):
            outputs = self.params.outputs
            self.metrics["model_version"] = self.version
            self.metrics["config"] = self.config.as_dict()
            self.metrics["run"] = {
                "started_at": self.started_at.isoformat(timespec="seconds"),
                "seconds": self.seconds,
                "spark_version": self.spark.version,
                "spark_master": self.spark.conf.get("spark.master", "unknown"),
                "python": platform.python_version(),
                "mlflow_run_id": None,
            }
            with store.staged(outputs.artifacts) as staging:
                self.fitted.model.write().overwrite().save(str(staging / MODEL_DIR))
                for name in (ROC_FILE, CALIBRATION_FILE):
                    (staging / name).write_bytes((self._workdir / name).read_bytes())
                (staging / CARD_FILE).write_text(model_card.render(self.metrics))
                store.write_json(staging / METRICS_FILE, self._ordered_metrics())
            if outputs.scores_table:
                store.write_scores_table(self.scores, outputs.scores_table)
            else:
                store.write_scores_parquet(self.scores, outputs.scores_path)
        result = TrainResult(
            model_version=self.version,
            artifacts=outputs.artifacts,
            scores_location=outputs.scores_location,
            metrics=self._ordered_metrics(),
            seconds=dict(self.seconds),
        )
        run_id = log_run(
            result.metrics,
            {**self.config.as_dict(), **self.fitted.best, "model_version": self.version},
            [result.metrics_path, result.model_card_path, result.roc_plot, result.calibration_plot],
            self.fitted.model,
            run_name=self.version,
        )
        if run_id:
            result.metrics["run"]["mlflow_run_id"] = run_id
            store.write_json(result.metrics_path, result.metrics)
        return result

    def _ordered_metrics(self) -> dict:
        """Headline figures first, then the detail, so metrics.json reads top-down."""
        first = [
            "model_version",
            "auc_roc",
            "pr_auc",
            "ks",
            "gini",
            "brier",
            "oracle_auc",
            "model_auc_on_oracle_rows",
            "auc_ratio_to_oracle",
            "oracle_rows_matched",
            "oracle_brier",
            "test_rows",
        ]
        ordered = {k: self.metrics[k] for k in first if k in self.metrics}
        ordered.update({k: v for k, v in self.metrics.items() if k not in ordered})
        return ordered

    def execute(self) -> TrainResult:
        try:
            self.load()
            self.split()
            self.fit()
            self.evaluate()
            self.explain()
            self.score()
            return self.write()
        finally:  # the plots are copied into the outputs by write(); the folder is scratch
            shutil.rmtree(self._workdir, ignore_errors=True)


def run(
    lake: Lake,
    config: TrainConfig | None = None,
    spark: SparkSession | None = None,
    outputs: Outputs | None = None,
) -> TrainResult:
    """Train on <lake>/gold/loan_default_features and write <lake>/ml and the scores."""
    if spark is None:
        from finlake.spark import local_session

        spark = local_session("finlake-train")
    params = RunParams(
        source=Source("parquet", lake_root=lake.root),
        outputs=outputs or Outputs.for_lake(lake),
        config=config or TrainConfig(),
        truth_path=lake.truth / data.TRUTH_FILE,
    )
    return TrainingRun(spark, params).execute()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ml.train",
        description="Train, validate out of time, explain and score the default model.",
    )
    parser.add_argument("--lake", metavar="DIR", default=None, help="lake folder")
    defaults = TrainConfig()
    parser.add_argument("--test-months", type=int, default=defaults.test_months)
    parser.add_argument("--gap-months", type=int, default=defaults.gap_months)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    args = parser.parse_args(argv)
    try:
        config = TrainConfig(
            test_months=args.test_months, gap_months=args.gap_months, seed=args.seed
        )
        result = run(Lake.resolve(args.lake), config)
    except FinlakeError as exc:
        print(f"finlake: {exc}", file=sys.stderr)
        return exc.exit_code
    print(result.describe())
    return 0


if __name__ == "__main__":
    sys.exit(main())
