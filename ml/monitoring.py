"""Monitoring: is the population the model scores still the one it was trained on, and do its
PDs still match realised defaults?

Two measures, per observation date after the training window:

- Population stability index (PSI) of the score and of every scorecard input, against the
  training rows: bins are fixed on the training rows (deciles of the score; the scorecard's own
  bins for an input, missing values a bin of their own), and
  PSI = sum over bins of (actual share - expected share) * ln(actual share / expected share),
  shares floored at 0.0001 so that an empty bin does not give an infinite PSI. Thresholds: below
  0.1 stable, 0.1 to 0.25 warn (look), 0.25 or more alert (retrain or review).
- Calibration by risk band where the 12-month labels have matured (the labelled dates after
  training): rows, mean PD and observed default rate per band.

Output: one row per (observation_date, measure, subject) — MONITORING_COLUMNS — written beside
the scores as gold model_monitoring.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ml.scorecard import Scorecard
from ml.scoring import risk_band

PSI_WARN = 0.1
PSI_ALERT = 0.25
FLOOR = 1e-4
MONITORING_COLUMNS = (
    "observation_date",
    "measure",  # psi_score | psi_input | calibration
    "subject",  # 'probability_of_default', the input's name, or the risk band
    "row_count",
    "metric_value",  # PSI, or the observed default rate
    "expected_value",  # calibration: mean PD of the band; PSI: null
    "status",  # ok | warn | alert (PSI); ok | outside (calibration: rate outside its 95% band)
    "model_version",
)


def psi(expected: np.ndarray, actual: np.ndarray) -> float:
    """PSI between two vectors of bin counts (or shares) over the same bins."""
    e = np.asarray(expected, dtype=float)
    a = np.asarray(actual, dtype=float)
    e = np.maximum(e / max(e.sum(), 1e-12), FLOOR)
    a = np.maximum(a / max(a.sum(), 1e-12), FLOOR)
    return float(np.sum((a - e) * np.log(a / e)))


def status(value: float) -> str:
    return "alert" if value >= PSI_ALERT else "warn" if value >= PSI_WARN else "ok"


def score_edges(training_scores: np.ndarray, bins: int = 10) -> np.ndarray:
    """Inner decile edges of the training scores."""
    return np.unique(np.quantile(training_scores, np.linspace(0, 1, bins + 1)[1:-1]))


def score_counts(scores: np.ndarray, edges: np.ndarray) -> np.ndarray:
    index = np.searchsorted(edges, scores, side="right")
    return np.bincount(index, minlength=len(edges) + 1)


def input_counts(card: Scorecard, feature: str, values: pd.Series) -> np.ndarray:
    """Counts per bin of the scorecard's binning of `feature` (last entry: missing)."""
    binning = card.binning(feature)
    if binning.kind == "numeric":
        x = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
        known = ~np.isnan(x)
        index = np.searchsorted(np.asarray(binning.upper_edges[:-1]), x[known], side="left")
        counts = np.bincount(index, minlength=len(binning.upper_edges))
        return np.r_[counts, (~known).sum()]
    text = values.astype(object)
    levels = list(binning.levels)
    index = [levels.index(str(v)) if str(v) in levels else len(levels) for v in text.dropna()]
    counts = np.bincount(np.asarray(index, dtype=int), minlength=len(levels) + 1)
    return np.r_[counts, text.isna().sum()]


def monitor(
    train: pd.DataFrame,
    later: pd.DataFrame,
    card: Scorecard,
    score_column: str,
    label_column: str,
    version: str,
) -> pd.DataFrame:
    """MONITORING_COLUMNS rows for every observation date in `later` against `train`."""
    edges = score_edges(train[score_column].to_numpy())
    expected_score = score_counts(train[score_column].to_numpy(), edges)
    expected_inputs = {f: input_counts(card, f, train[f]) for f in card.features}
    rows = []
    for day, group in later.groupby("observation_date", sort=True):
        value = psi(expected_score, score_counts(group[score_column].to_numpy(), edges))
        rows.append(
            (day, "psi_score", "probability_of_default", len(group), value, None, status(value))
        )
        for feature, expected in expected_inputs.items():
            value = psi(expected, input_counts(card, feature, group[feature]))
            rows.append((day, "psi_input", feature, len(group), value, None, status(value)))
        labelled = group[group[label_column].notna()]
        if len(labelled):
            bands = labelled[score_column].map(risk_band)
            for band, members in labelled.groupby(bands, sort=True):
                p = members[score_column].to_numpy(dtype=float)
                observed = float(members[label_column].mean())
                spread = 1.96 * float(np.sqrt(np.sum(p * (1 - p)))) / len(p)
                inside = abs(observed - p.mean()) <= spread
                rows.append(
                    (
                        day,
                        "calibration",
                        band,
                        len(members),
                        observed,
                        float(p.mean()),
                        "ok" if inside else "outside",
                    )
                )
    frame = pd.DataFrame(rows, columns=list(MONITORING_COLUMNS[:-1]))
    frame["model_version"] = version
    return frame


def summary(frame: pd.DataFrame) -> dict:
    """The figures the card and metrics.json report: score PSI per date, the worst inputs."""
    score = frame[frame["measure"] == "psi_score"]
    inputs = frame[frame["measure"] == "psi_input"]
    last = frame["observation_date"].max() if len(frame) else None
    latest_inputs = inputs[inputs["observation_date"] == last].sort_values(
        "metric_value", ascending=False
    )
    return {
        "thresholds": {"warn": PSI_WARN, "alert": PSI_ALERT},
        "score_psi": {
            str(d): float(v) for d, v in zip(score["observation_date"], score["metric_value"])
        },
        "latest_date": str(last) if last is not None else None,
        "latest_input_psi_top": [
            {"input": s, "psi": float(v), "status": st}
            for s, v, st in zip(
                latest_inputs["subject"][:8],
                latest_inputs["metric_value"][:8],
                latest_inputs["status"][:8],
            )
        ],
        "alerts": int((frame["status"] == "alert").sum()),
        "warnings": int((frame["status"] == "warn").sum()),
        "calibration_bands_outside": int((frame["status"] == "outside").sum()),
    }
