"""A training run: load gold, split out of time, fit, evaluate, explain, score, write.

`TrainingRun` has one method per step of the notebook (ml/default_model.py calls them one cell
at a time); `train_and_score(lake)` calls them in order for `finlake train`; `main(argv)` is the script.

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
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from pyspark.ml import PipelineModel
from pyspark.ml.functions import vector_to_array
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from finlake.errors import ConfigError, FinlakeError
from finlake.lake import Lake
from ml import (
    data,
    evaluation,
    explain,
    model_card,
    monitoring,
    plots,
    scoring,
    stability,
    store,
)
from ml.config import MODEL_CODE_VERSION, TrainConfig
from ml.features import KEYS, LABEL, feature_spec, input_column
from ml.pipeline import FEATURES, WEIGHT, FittedModel, with_class_weight
from ml.pipeline import fit as fit_pipeline
from ml.result import (
    CALIBRATION_FILE,
    CARD_FILE,
    METRICS_FILE,
    MODEL_DIR,
    ROC_FILE,
    TrainResult,
    flat_metrics,
)
from ml.runtime import Outputs, RunParams, Source
from ml.scorecard import ScorecardSettings
from ml.split import (
    FOLD,
    HOLDOUT,
    ROLE,
    SplitPlan,
    assert_out_of_borrower,
    assert_out_of_time,
    fold_column,
    holdout_customers,
    plan_out_of_time,
    role_column,
)
from ml.tracking import log_run
from ml.validation import (
    CHALLENGER,
    CHAMPION,
    ORACLE,
    backtest,
    fair_lending,
    fit_champion,
    segments,
)

SCORECARD_FILE = "scorecard.json"
# Gold columns the test segments are cut by, read even when they are not model inputs.
SEGMENT_COLUMNS = ("credit_score", "primary_loan_type", "months_since_last_origination")


def _one_sentence(exc: BaseException, step: str, source: str) -> FinlakeError:
    """An unexpected failure of a step as one sentence (a Spark error's first line, never the
    Java stack trace)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    java = getattr(exc, "java_exception", None)
    if java is not None:
        text = str(java.getMessage()).strip().splitlines()[0]
    text = text.rstrip(".")
    return FinlakeError(
        f"Training stopped in its {step} step on {source}: {text[:300]}. "
        "Check that table's columns and the training settings."
    )


def _rows_to_pandas(frame: DataFrame) -> pd.DataFrame:
    # Built from rows rather than toPandas(): no Arrow or pandas-version coupling on a cluster.
    rows = frame.collect()
    return pd.DataFrame([r.asDict() for r in rows], columns=frame.columns)


class TrainingRun:
    """One training run; each method is one step and keeps what the next steps need."""

    def __init__(self, spark: SparkSession, params: RunParams):
        self.spark = spark
        self.params = params
        self.config = params.config
        self.seconds: dict[str, float] = {}
        self.started_at = datetime.now(UTC)  # run metadata only; never written into data
        self._workdir = Path(tempfile.mkdtemp(prefix="finlake-ml-"))
        self.metrics: dict = {"warnings": []}

    @contextmanager
    def _timed(self, step: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        except FinlakeError:
            raise
        except Exception as exc:  # a Spark or numpy failure: one sentence, not a stack trace
            raise _one_sentence(exc, step, self.params.source.describe()) from exc
        self.seconds[step] = round(time.perf_counter() - start, 2)

    def _warn(self, sentence: str) -> None:
        self.metrics["warnings"].append(sentence)
        print(f"finlake: warning: {sentence}.", file=sys.stderr)

    # -- load ---------------------------------------------------------------------------------
    def load(self) -> pd.DataFrame:
        """Read and check gold features; one line per observation date."""
        with self._timed("load"):
            source = self.params.source
            if source.kind == "parquet":
                raw = data.read_features_parquet(self.spark, source.lake_root)
            else:
                raw = data.read_features_table(self.spark, source.table)
            self.spec = feature_spec(data.column_kinds(raw))
            frame = data.validate_features(raw, source.describe(), self.spec).cache()
            self.dates, nulls = data.profile(frame, source.describe(), self.spec)
            self.features = frame
            self.metrics["data"] = {
                "source": source.describe(),
                "rows": sum(d.rows for d in self.dates),
                "null_shares": nulls,
            }
        return pd.DataFrame([vars(d) for d in self.dates])

    # -- split --------------------------------------------------------------------------------
    def split(self) -> pd.DataFrame:
        """Assign dates to training, test and scoring and customers to training or held out;
        check both separations on the data; drop inputs that training cannot use."""
        with self._timed("split"):
            config = self.config
            self.plan: SplitPlan = plan_out_of_time(self.dates, config)
            held = holdout_customers(
                self.features, self.plan, config.holdout_share, config.seed
            ).withColumn(HOLDOUT, F.lit(True))
            framed = (
                self.features.withColumn(ROLE, role_column(self.plan))
                .join(F.broadcast(held), on="customer_id", how="left")
                .withColumn(HOLDOUT, F.coalesce(F.col(HOLDOUT), F.lit(False)))
                .cache()
            )
            self.framed = framed
            self.train = (
                framed.filter((F.col(ROLE) == "train") & ~F.col(HOLDOUT))
                .withColumn(FOLD, fold_column(config.num_folds, config.seed))
                .cache()
            )
            self.test = framed.filter((F.col(ROLE) == "test") & F.col(HOLDOUT))
            self.scoring_rows = framed.filter(F.col(ROLE) == "scoring")
            assert_out_of_time(self.train, self.test, self.scoring_rows)
            assert_out_of_borrower(self.train, self.test)
            counts = (
                framed.groupBy(ROLE, HOLDOUT)
                .agg(F.count(F.lit(1)).alias("rows"), F.sum(LABEL).alias("defaults"))
                .collect()
            )
            rows = {(r[ROLE], r[HOLDOUT]): (r["rows"], int(r["defaults"] or 0)) for r in counts}

            def total(role: str, held: bool | None = None) -> tuple[int, int]:
                picked = [v for (ro, h), v in rows.items() if ro == role and held in (None, h)]
                return sum(v[0] for v in picked), sum(v[1] for v in picked)

            train_rows, train_defaults = total("train", False)
            if train_rows < config.min_train_rows:
                raise ConfigError(
                    f"loan_default_features holds {train_rows} training rows, fewer than "
                    f"min_train_rows={config.min_train_rows}; deliver a longer history or "
                    "lower min_train_rows."
                )
            if train_defaults < config.min_train_defaults:
                raise ConfigError(
                    f"loan_default_features holds {train_defaults} defaults in its training "
                    f"rows, fewer than min_train_defaults={config.min_train_defaults}; the "
                    "model cannot learn what a default looks like."
                )
            reach = self.scoring_rows.agg(F.max("feature_data_max_date")).first()[0]
            lag = (self.plan.scoring_date - reach).days if reach else None
            if lag is None or lag > config.max_data_lag_days:
                raise ConfigError(
                    f"The scoring date {self.plan.scoring_date} of loan_default_features lies "
                    f"{'beyond any data' if lag is None else f'{lag} days after its latest data ({reach})'}"
                    f", more than max_data_lag_days={config.max_data_lag_days}; deliver newer "
                    "extracts or raise max_data_lag_days to score stale data knowingly."
                )
            self.metrics["data"]["scoring_data_reach"] = reach.isoformat()
            self.metrics["data"]["scoring_data_lag_days"] = lag
            dropped = data.unusable_inputs(self.train, self.spec)
            self.spec = self.spec.without(dropped)
            if not (self.spec.numeric or self.spec.indicators or self.spec.categorical):
                raise FinlakeError(
                    "Every input column of loan_default_features is null or constant in the "
                    "training window; there is nothing to learn from."
                )
            self.metrics["split"] = {
                **self.plan.as_dict(),
                "design": "out of borrower and out of time (see ml/split.py)",
                "holdout_share": config.holdout_share,
                "rows": {
                    "train": train_rows,
                    "test": total("test", True)[0],
                    "test_seen_customers": total("test", False)[0],
                    "held_out_customers_at_training_dates": total("train", True)[0],
                    "gap": total("gap")[0],
                    "unlabelled": total("unlabelled")[0],
                    "scoring": total("scoring")[0],
                },
                "defaults": {
                    "train": train_defaults,
                    "test": total("test", True)[1],
                    "test_seen_customers": total("test", False)[1],
                },
            }
            self.metrics["features"] = {
                "dropped": dict(self.spec.dropped),
                "numeric": list(self.spec.numeric),
                "indicators": list(self.spec.indicators),
                "categorical": list(self.spec.categorical),
            }
            for column, reason in self.spec.dropped:
                if reason != "not in the features table":
                    self._warn(f"input {column} of loan_default_features is left out: {reason}")
        return pd.DataFrame(
            [{"role": role, "rows": n} for role, n in self.metrics["split"]["rows"].items()]
        )

    # -- fit ----------------------------------------------------------------------------------
    def fit(self) -> pd.DataFrame:
        """The challenger (Spark LR, penalty by grouped CV) and the champion (WoE scorecard),
        both on the same training rows."""
        with self._timed("fit"):
            self.fitted: FittedModel = fit_pipeline(self.train, self.config, self.spec)
            self.table = self._collect()
            train = self.table[self.table["_set"] == "train"]
            self.scorecard = fit_champion(train, self.spec, ScorecardSettings(), self.config.seed)
            self.table[CHAMPION] = self.scorecard.predict(self.table)
            fingerprint = {
                "training_data": scoring.data_fingerprint(
                    self.train, [*KEYS, LABEL, *self.spec.source_columns]
                ),
                "split": self.plan.as_dict(),
                "config": self.config.as_dict(),
                "features": self.spec.prepare_statement(),
                "code": MODEL_CODE_VERSION,
            }
            self.version = scoring.model_version(fingerprint)
            self.metrics["model"] = {
                "version": self.version,
                "champion": "WoE-binned monotonic logistic scorecard (ml/scorecard.py)",
                "challenger": "logistic regression (Spark ML), every input standardised, "
                "class-weighted, Platt-calibrated",
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
            self.metrics["scorecard"] = {
                k: v for k, v in self.scorecard.as_dict().items() if k != "bins"
            }
        return pd.DataFrame(self.scorecard.penalty_grid)

    def _collect(self) -> pd.DataFrame:
        """Every row with the challenger's PD and the scorecard's inputs, in pandas (the
        scorecard, the bootstrap, the backtests and the monitoring are numpy)."""
        derived = [F.col(input_column(d)).alias(d) for d in self.spec.derived]
        wanted = self.framed.withColumn(FOLD, fold_column(self.config.num_folds, self.config.seed))
        predicted = scoring.predict(self.fitted.model, wanted).select(
            *KEYS,
            LABEL,
            ROLE,
            HOLDOUT,
            FOLD,
            *(c for c in self.spec.source_columns if c not in KEYS + SEGMENT_COLUMNS),
            *SEGMENT_COLUMNS,
            *derived,
            F.col(scoring.PD).alias(CHALLENGER),
        )
        truth_path = self.params.truth_path
        truth = data.read_truth(self.spark, truth_path) if truth_path else None
        if truth is not None:
            predicted = predicted.join(truth, on=list(KEYS), how="left")
        table = _rows_to_pandas(predicted.orderBy(*KEYS))
        roles, held = table[ROLE], table[HOLDOUT].astype(bool)
        table["_set"] = np.select(
            [
                (roles == "train") & ~held,
                (roles == "test") & held,
                (roles == "test") & ~held,
                roles == "scoring",
            ],
            ["train", "test", "test_seen", "scoring"],
            default="other",
        )
        for column in self.spec.flags:
            table[column] = table[column].astype(float)
        return table

    # -- evaluate -----------------------------------------------------------------------------
    def evaluate(self) -> pd.DataFrame:
        """Evidence on unseen borrowers at the test months, with customer-clustered intervals,
        both models against the oracle; segments; the rolling-origin backtest."""
        with self._timed("evaluate"):
            table, config = self.table, self.config
            train = table[table["_set"] == "train"]
            y_train = train[LABEL].to_numpy(dtype=float)
            # The cutoff is fixed on the training period, where it maximises KS, so the test
            # confusion matrix is not tuned on the data it reports on.
            _, cutoff = evaluation.ks_statistic(y_train, train[CHAMPION].to_numpy())
            test = table[table["_set"] == "test"]
            y = test[LABEL].to_numpy(dtype=float)
            if y.sum() == 0 or y.sum() == len(y):
                raise FinlakeError(
                    "The out-of-borrower test set holds only one outcome; raise test_months or "
                    "holdout_share."
                )
            p = test[CHAMPION].to_numpy()
            result = evaluation.evaluate(y, p, cutoff)
            result["cutoff_rule"] = "PD that maximises KS on the training period"
            result["risk_bands"] = scoring.band_summary(p, y)
            challenger = evaluation.evaluate(y, test[CHALLENGER].to_numpy(), cutoff)
            scores = {CHAMPION: p, CHALLENGER: test[CHALLENGER].to_numpy()}
            has_oracle = ORACLE in test and test[ORACLE].notna().all()
            if has_oracle:
                scores[ORACLE] = test[ORACLE].to_numpy(dtype=float)
            ci = evaluation.clustered_bootstrap(
                y,
                scores,
                test["customer_id"].to_numpy(),
                samples=config.bootstrap_samples,
                seed=config.seed,
                oracle=ORACLE if has_oracle else None,
            )
            result["ci_95"] = ci[CHAMPION]
            challenger["ci_95"] = ci[CHALLENGER]
            result["bootstrap"] = {k: ci[k] for k in ("customers", "samples", "samples_used")}
            shared = set(test["customer_id"]) & set(train["customer_id"])
            self.metrics["split"]["test_customers_seen_in_training"] = round(
                len(shared) / max(1, test["customer_id"].nunique()), 4
            )
            seen = table[table["_set"].isin(["test", "test_seen"])].copy()
            seen["seen"] = seen["_set"] == "test_seen"
            result["segments"] = segments(seen, seed=config.seed)
            self.metrics["test"] = result
            self.metrics["challenger"] = {
                k: challenger[k]
                for k in (
                    "auc_roc",
                    "gini",
                    "pr_auc",
                    "ks",
                    "brier",
                    "ci_95",
                    "calibration_bins_within_95",
                    "mean_predicted_pd",
                )
            }
            self.metrics.update(
                {k: result[k] for k in ("auc_roc", "pr_auc", "ks", "gini", "brier")}
            )
            self.metrics["auc_roc_ci_95"] = ci[CHAMPION]["auc_roc"]
            self.metrics["test_rows"] = result["rows"]
            self.metrics["train"] = {
                "rows": len(y_train),
                "observed_default_rate": float(y_train.mean()),
                "mean_predicted_pd": float(train[CHAMPION].mean()),
                "auc_roc": evaluation.auc_roc(y_train, train[CHAMPION].to_numpy()),
                "challenger_auc_roc": evaluation.auc_roc(y_train, train[CHALLENGER].to_numpy()),
                "ks_cutoff": cutoff,
            }
            oracle_pair = None
            if has_oracle:
                t = scores[ORACLE]
                self.metrics["oracle_rows_matched"] = len(t)
                self.metrics["oracle_auc"] = evaluation.auc_roc(y, t)
                self.metrics["oracle_auc_ci_95"] = ci[ORACLE]["auc_roc"]
                self.metrics["model_auc_on_oracle_rows"] = result["auc_roc"]
                self.metrics["auc_ratio_to_oracle"] = result["auc_roc"] / self.metrics["oracle_auc"]
                self.metrics["oracle_brier"] = evaluation.brier(y, t)
                self.metrics["auc_gap_to_oracle_ci_95"] = ci[CHAMPION].get("auc_gap_to_oracle")
                self.metrics["challenger"]["auc_gap_to_oracle_ci_95"] = ci[CHALLENGER].get(
                    "auc_gap_to_oracle"
                )
                oracle_pair = (y, t)
            elif ORACLE in test:
                self.metrics["oracle_rows_matched"] = int(test[ORACLE].notna().sum())
            small = evaluation.small_test_warning(int(y.sum()), len(y), config.min_test_defaults)
            if small:
                self._warn(small)
            for name in (CHAMPION, CHALLENGER):
                verdict = evaluation.oracle_verdict(ci[name].get("auc_gap_to_oracle"))
                if verdict:
                    raise FinlakeError(
                        f"The {name} fails validation on loan_default_features: {verdict}; "
                        "look for a feature that reads the future or a test set that is not "
                        "held out."
                    )
            self.metrics["backtest"] = backtest(table, self.spec, config, self.scorecard.penalty)
            self.metrics["fair_lending"] = fair_lending(table, self.spec, config)
            title = (
                f"Unseen borrowers, {self.plan.test_dates[0]} to {self.plan.test_dates[-1]} "
                f"({len(y):,} borrower-months)"
            )
            plots.plot_roc(y, p, self._workdir / ROC_FILE, title, oracle=oracle_pair)
            plots.plot_calibration(result["calibration"], self._workdir / CALIBRATION_FILE, title)
        return pd.DataFrame(result["calibration"])

    # -- explain ------------------------------------------------------------------------------
    def explain(self) -> pd.DataFrame:
        """The champion's bins and coefficients (clustered SEs, sign stability); the
        challenger's odds ratios."""
        with self._timed("explain"):
            self.terms = explain.odds_ratio_table(self.fitted.model)
            self.metrics["odds_ratios"] = explain.as_records(self.terms)
            self.metrics["challenger_stability"] = self._challenger_stability()
            card = self.scorecard
            self.metrics["scorecard_terms"] = [
                {
                    "feature": f,
                    "coefficient": c,
                    "standard_error_clustered": se,
                    "sign_flip_share": flip,
                    "information_value": card.binning(f).iv,
                    "bins": len(card.binning(f).woe),
                    "direction": card.binning(f).direction,
                }
                for f, c, se, flip in zip(
                    card.features,
                    card.coefficients,
                    card.standard_errors,
                    card.sign_flip_share,
                    strict=True,
                )
            ]
        return pd.DataFrame(self.metrics["scorecard_terms"])

    def _challenger_stability(self) -> dict:
        """The LR's coefficients with customer-clustered SEs and sign stability on its own
        training rows and standardised design (ml/stability.py)."""
        parts = explain.model_parts(self.fitted.model)
        stages = self.fitted.model.stages
        features = PipelineModel(stages=stages[: stages.index(parts.scorecard)])
        weighted = with_class_weight(self.train, self.fitted.weights)
        rows = _rows_to_pandas(
            features.transform(weighted).select(
                vector_to_array(FEATURES).alias("x"), LABEL, WEIGHT, "customer_id"
            )
        )
        x = np.vstack(rows["x"].to_numpy()) if len(rows) else np.zeros((0, 0))
        fit = stability.PenalisedFit(
            x,
            rows[LABEL].to_numpy(dtype=float),
            rows[WEIGHT].to_numpy(dtype=float),
            rows["customer_id"].to_numpy(),
            np.r_[parts.scorecard.intercept, parts.scorecard.coefficients.toArray()],
            self.fitted.best["regParam"],
            self.fitted.best["elasticNetParam"],
        )
        return stability.challenger_terms(
            explain.feature_names(parts),
            fit,
            self.fitted.calibration_slope,
            samples=ScorecardSettings().sign_bootstrap,
            seed=self.config.seed,
        )

    # -- score --------------------------------------------------------------------------------
    def score(self) -> pd.DataFrame:
        """The champion's PD, risk band and top reasons per customer at the scoring date."""
        with self._timed("score"):
            rows = self.table[self.table["_set"] == "scoring"].reset_index(drop=True)
            self.scores = scoring.champion_scores(
                self.spark, rows, self.scorecard, self.version, rows[CHAMPION].to_numpy()
            )
            pds = rows[CHAMPION].tolist()
            bands = scoring.band_summary(pds)
            table = self.table
            later = table[table["observation_date"] > self.plan.train_dates[-1]]
            recent = self.plan.train_dates[-self.config.monitoring_reference_months :]
            reference = table[(table["_set"] == "train") & table["observation_date"].isin(recent)]
            self.metrics["monitoring_reference"] = {
                "dates": [d.isoformat() for d in recent],
                "rows": len(reference),
            }
            self.monitoring = monitoring.monitor(
                reference,
                later,
                self.scorecard,
                CHAMPION,
                LABEL,
                self.version,
            )
            self.metrics["monitoring"] = monitoring.summary(self.monitoring)
            latest = self.metrics["monitoring"]["score_psi"].get(str(self.plan.scoring_date))
            if latest is not None and latest >= monitoring.PSI_WARN:
                self._warn(
                    f"the score's population stability index at {self.plan.scoring_date} is "
                    f"{latest:.3f} against the training window "
                    f"({monitoring.status(latest)}: {monitoring.PSI_WARN} warns, "
                    f"{monitoring.PSI_ALERT} alerts); see model_monitoring"
                )
            self.metrics["scores"] = {
                "rows": len(pds),
                "scoring_date": self.plan.scoring_date.isoformat(),
                "scored_at": f"{self.plan.scoring_date.isoformat()}T00:00:00Z",
                "mean_pd": float(np.mean(pds)) if pds else None,
                "challenger_mean_pd": float(rows[CHALLENGER].mean()) if pds else None,
                "by_band": bands,
                "location": self.params.outputs.scores_location,
            }
        return pd.DataFrame(bands)

    # -- write --------------------------------------------------------------------------------
    def write(self) -> TrainResult:
        """Models, evidence and scores, each swapped into place only when complete."""
        with self._timed("write"):
            outputs = self.params.outputs
            self.metrics["model_version"] = self.version
            self.metrics["config"] = self.config.as_dict()
            self.metrics["governance"] = model_card.governance()
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
                store.write_json(staging / SCORECARD_FILE, self.scorecard.as_dict())
                for name in (ROC_FILE, CALIBRATION_FILE):
                    (staging / name).write_bytes((self._workdir / name).read_bytes())
                (staging / CARD_FILE).write_text(model_card.render(self.metrics))
                store.write_json(staging / METRICS_FILE, self._ordered_metrics())
            if outputs.scores_table:
                store.write_scores_table(self.scores, outputs.scores_table)
            else:
                store.write_scores_parquet(self.scores, outputs.scores_path)
            watched = store.monitoring_frame(self.spark, self.monitoring)
            if outputs.monitoring_table:
                store.write_scores_table(watched, outputs.monitoring_table)
            else:
                store.write_scores_parquet(watched, outputs.monitoring_path)
        result = TrainResult(
            model_version=self.version,
            artifacts=outputs.artifacts,
            scores_location=outputs.scores_location,
            metrics=self._ordered_metrics(),
            seconds=dict(self.seconds),
        )
        run_id = log_run(
            flat_metrics(result.metrics),
            {**self.config.as_dict(), **self.fitted.best, "model_version": self.version},
            [
                result.metrics_path,
                result.model_card_path,
                result.roc_plot,
                result.calibration_plot,
                result.artifacts / SCORECARD_FILE,
            ],
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
            "auc_roc_ci_95",
            "pr_auc",
            "ks",
            "gini",
            "brier",
            "oracle_auc",
            "oracle_auc_ci_95",
            "auc_gap_to_oracle_ci_95",
            "model_auc_on_oracle_rows",
            "auc_ratio_to_oracle",
            "oracle_rows_matched",
            "oracle_brier",
            "test_rows",
            "challenger",
            "warnings",
        ]
        ordered = {k: self.metrics[k] for k in first if k in self.metrics}
        ordered.update({k: v for k, v in self.metrics.items() if k not in ordered})
        return ordered

    def execute(self) -> TrainResult:
        model_card.governance()  # a malformed approval date fails now, not after the fit
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


def train_and_score(
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
        result = train_and_score(Lake.resolve(args.lake), config)
    except FinlakeError as exc:
        print(f"finlake: {exc}", file=sys.stderr)
        return exc.exit_code
    print(result.describe())
    return 0


if __name__ == "__main__":
    sys.exit(main())
