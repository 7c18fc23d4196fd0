"""The evidence beyond the headline test: per-segment figures with their intervals, the
rolling-origin backtest, and the fair-lending refit. Pure pandas/numpy on the table of every
row with both models' PDs that ml/train.py collects (column `_set`: train, test, test_seen,
scoring)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ml import evaluation
from ml.config import TrainConfig
from ml.features import LABEL
from ml.scorecard import Scorecard, ScorecardSettings, fit_scorecard
from ml.split import FOLD, HOLDOUT

CHAMPION = "champion"
CHALLENGER = "challenger"
ORACLE = "true_pd_12m"


def backtest_settings(penalty: float) -> ScorecardSettings:
    """The backtest refits the scorecard once per origin month with the penalty the main run's
    cross-validation chose (no search, no sign bootstrap): the model it backtests is the one
    reported, not a differently regularised one."""
    return ScorecardSettings(penalties=(penalty,), widenings=0, sign_bootstrap=0)


def _metrics_of(y: np.ndarray, p: np.ndarray) -> dict:
    both = 0 < y.sum() < len(y)
    return {
        "rows": len(y),
        "defaults": int(y.sum()),
        "observed_rate": float(y.mean()) if len(y) else None,
        "mean_pd": float(p.mean()) if len(p) else None,
        "auc_roc": evaluation.auc_roc(y, p) if both else None,
    }


SEGMENT_BOOTSTRAP_SAMPLES = 200


def segments(test: pd.DataFrame, seed: int = 0) -> list[dict]:
    """Discrimination and calibration-in-the-large per segment of the test-month rows, for
    both models and the oracle: seen/unseen borrower, product, loan vintage, profile known; each
    AUC with its customer-clustered bootstrap 95% interval (SEGMENT_BOOTSTRAP_SAMPLES resamples
    of the segment's customers)."""
    vintage = np.where(
        pd.to_numeric(test["months_since_last_origination"], errors="coerce") < 12,
        "loan originated in the last 12 months",
        "loan originated 12 months or more before",
    )
    cuts = {
        "borrower": np.where(test["seen"], "seen in training", "unseen (held out)"),
        "product": test["primary_loan_type"].fillna("unknown").astype(str).to_numpy(),
        "vintage": vintage,
        "credit score": np.where(test["credit_score"].notna(), "known", "missing"),
    }
    segments = []
    for name, values in cuts.items():
        for value in sorted(set(values)):
            part = test[values == value]
            y = part[LABEL].to_numpy(dtype=float)
            entry = {"segment": f"{name}: {value}", **_metrics_of(y, part[CHAMPION].to_numpy())}
            entry["challenger_auc_roc"] = _metrics_of(y, part[CHALLENGER].to_numpy())["auc_roc"]
            scores = {CHAMPION: part[CHAMPION].to_numpy(), CHALLENGER: part[CHALLENGER].to_numpy()}
            if ORACLE in part and part[ORACLE].notna().all() and len(part):
                entry["oracle_auc"] = _metrics_of(y, part[ORACLE].to_numpy(dtype=float))["auc_roc"]
                scores[ORACLE] = part[ORACLE].to_numpy(dtype=float)
            if entry["auc_roc"] is not None:
                ci = evaluation.clustered_bootstrap(
                    y,
                    scores,
                    part["customer_id"].to_numpy(),
                    samples=SEGMENT_BOOTSTRAP_SAMPLES,
                    seed=seed,
                )
                entry["customers"] = ci["customers"]
                for model, key in (
                    (CHAMPION, "auc_roc_ci_95"),
                    (CHALLENGER, "challenger_auc_roc_ci_95"),
                    (ORACLE, "oracle_auc_ci_95"),
                ):
                    if model in scores:
                        entry[key] = ci[model].get("auc_roc")
            segments.append(entry)
    return segments


def scorecard_inputs(spec) -> tuple[list[str], list[str]]:
    """The scorecard's inputs: gold's numeric columns as they are (binning does not care about
    logs or caps; missing values get their own bin, so no indicators), flags and derived flags
    as 0/1 numbers, and the categories."""
    numeric = [*spec.money, *spec.plain, *(c for c, _ in spec.capped), *spec.flags, *spec.derived]
    return numeric, list(spec.categorical)


# Inputs anti-discrimination law restricts in credit decisions: age is a protected ground;
# employment status (retired, student, unemployed) can proxy for age, disability or sex.
RESTRICTED_INPUTS = ("age_years", "employment_status")
AGE_BANDS = ((0, 30, "under 30"), (30, 50, "30-49"), (50, 65, "50-64"), (65, 200, "65 and over"))


def fit_champion(
    rows: pd.DataFrame,
    spec,
    settings: ScorecardSettings,
    seed: int = 0,
    leave_out: tuple[str, ...] = (),
) -> Scorecard:
    """The champion scorecard fitted on training rows of the run's table (label, grouped-CV
    folds, customers), on the spec's inputs but those in `leave_out`."""
    numeric, categorical = scorecard_inputs(spec)
    return fit_scorecard(
        rows,
        rows[LABEL].to_numpy(dtype=float),
        [c for c in numeric if c not in leave_out],
        [c for c in categorical if c not in leave_out],
        folds=rows[FOLD].to_numpy(),
        clusters=rows["customer_id"].to_numpy(),
        settings=settings,
        seed=seed,
    )


def fair_lending(table: pd.DataFrame, spec, config: TrainConfig) -> dict:
    """What the restricted inputs do: the champion refitted without them on the same training
    rows (its AUC on the same unseen borrowers, with clustered intervals), and mean PD of both
    and the observed default rate per age band, on the test rows and at the scoring date."""
    blind = fit_champion(
        table[table["_set"] == "train"],
        spec,
        ScorecardSettings(sign_bootstrap=0),
        seed=config.seed,
        leave_out=RESTRICTED_INPUTS,
    )
    without = "without_restricted"
    test = table[table["_set"] == "test"].copy()
    test[without] = blind.predict(test)
    y = test[LABEL].to_numpy(dtype=float)
    ci = evaluation.clustered_bootstrap(
        y,
        {CHAMPION: test[CHAMPION].to_numpy(), without: test[without].to_numpy()},
        test["customer_id"].to_numpy(),
        samples=SEGMENT_BOOTSTRAP_SAMPLES,
        seed=config.seed,
    )
    scoring_rows = table[table["_set"] == "scoring"].copy()
    scoring_rows[without] = blind.predict(scoring_rows)
    bands = []
    for low, high, name in AGE_BANDS:
        in_test = test[(test["age_years"] >= low) & (test["age_years"] < high)]
        scored = scoring_rows[
            (scoring_rows["age_years"] >= low) & (scoring_rows["age_years"] < high)
        ]
        bands.append(
            {
                "age_band": name,
                "test_rows": len(in_test),
                "observed_rate": float(in_test[LABEL].mean()) if len(in_test) else None,
                "mean_pd": float(in_test[CHAMPION].mean()) if len(in_test) else None,
                "mean_pd_without_restricted": float(in_test[without].mean())
                if len(in_test)
                else None,
                "scored_customers": len(scored),
                "scored_mean_pd": float(scored[CHAMPION].mean()) if len(scored) else None,
                "scored_mean_pd_without_restricted": float(scored[without].mean())
                if len(scored)
                else None,
            }
        )
    return {
        "restricted_inputs": list(RESTRICTED_INPUTS),
        "auc_roc": evaluation.auc_roc(y, test[CHAMPION].to_numpy()),
        "auc_roc_ci_95": ci[CHAMPION].get("auc_roc"),
        "auc_roc_without_restricted": evaluation.auc_roc(y, test[without].to_numpy()),
        "auc_roc_without_restricted_ci_95": ci[without].get("auc_roc"),
        "age_bands": bands,
    }


def backtest(table: pd.DataFrame, spec, config: TrainConfig, penalty: float) -> list[dict]:
    """Rolling origin: for every labelled month with at least min_train_months labelled months
    (plus the gap) before it, refit the scorecard (with `penalty`, the main run's) on the
    training customers' earlier months and test it on the held-out customers at that month,
    beside the oracle."""
    labelled = table[table[LABEL].notna()]
    months = sorted(labelled["observation_date"].unique())
    out = []
    for index, month in enumerate(months):
        earlier = months[: max(0, index - config.gap_months)]
        if len(earlier) < config.min_train_months:
            continue
        fit_rows = labelled[
            labelled["observation_date"].isin(earlier) & ~labelled[HOLDOUT].astype(bool)
        ]
        test_rows = labelled[
            (labelled["observation_date"] == month) & labelled[HOLDOUT].astype(bool)
        ]
        y_fit, y_test = fit_rows[LABEL].to_numpy(float), test_rows[LABEL].to_numpy(float)
        if y_fit.sum() < 2 or not 0 < y_test.sum() < len(y_test):
            continue
        card = fit_champion(fit_rows, spec, backtest_settings(penalty))
        entry = {
            "origin": str(month),
            "training_months": len(earlier),
            "penalty": penalty,
            "test_rows": len(y_test),
            "test_defaults": int(y_test.sum()),
            "auc_roc": evaluation.auc_roc(y_test, card.predict(test_rows)),
        }
        if ORACLE in test_rows and test_rows[ORACLE].notna().all():
            entry["oracle_auc"] = evaluation.auc_roc(y_test, test_rows[ORACLE].to_numpy(float))
        out.append(entry)
    return out
