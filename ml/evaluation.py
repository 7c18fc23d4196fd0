"""Discrimination and calibration metrics of a probability of default, in numpy.

Inputs everywhere: `y` the observed label (0/1) and `p` the predicted probability, one entry per
borrower-month. Ties in `p` are handled as ties (a tied pair counts half in the AUC; a cutoff
never splits equal scores), so results do not depend on row order.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np


def _check(y: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    if y.shape != p.shape or y.ndim != 1:
        raise ValueError("y and p must be one-dimensional and of the same length")
    if not np.isin(y, (0.0, 1.0)).all():
        raise ValueError("y must hold only 0 and 1")
    if np.isnan(p).any():
        raise ValueError("p must not hold NaN")
    return y, p


@dataclass(frozen=True)
class Curve:
    """Cumulative counts at each distinct score, from the highest score down.

    Point k says: predict default for every row with a score >= thresholds[k].
    The first point (threshold +inf) predicts no default at all.
    """

    thresholds: np.ndarray
    tp: np.ndarray
    fp: np.ndarray
    positives: int
    negatives: int

    @property
    def tpr(self) -> np.ndarray:
        return self.tp / self.positives

    @property
    def fpr(self) -> np.ndarray:
        return self.fp / self.negatives


def curve(y: np.ndarray, p: np.ndarray) -> Curve:
    y, p = _check(y, p)
    positives = int(y.sum())
    negatives = len(y) - positives
    if positives == 0 or negatives == 0:
        raise ValueError("y must contain both classes")
    order = np.argsort(-p, kind="stable")
    scores, labels = p[order], y[order]
    last_of_score = np.r_[np.flatnonzero(np.diff(scores)), len(scores) - 1]
    tp = np.cumsum(labels)[last_of_score]
    fp = (last_of_score + 1) - tp
    return Curve(
        thresholds=np.r_[np.inf, scores[last_of_score]],
        tp=np.r_[0.0, tp],
        fp=np.r_[0.0, fp],
        positives=positives,
        negatives=negatives,
    )


def auc_roc(y: np.ndarray, p: np.ndarray) -> float:
    """Area under the ROC curve: P(score of a default > score of a non-default), ties half."""
    c = curve(y, p)
    # Trapezoids between ROC points: a run of tied scores is a diagonal step worth half.
    return float(np.sum(np.diff(c.fpr) * (c.tpr[1:] + c.tpr[:-1]) / 2.0))


def pr_auc(y: np.ndarray, p: np.ndarray) -> float:
    """Area under the precision-recall curve as average precision: the mean, over recall gained
    at each distinct cutoff, of the precision there (no interpolation between points)."""
    c = curve(y, p)
    recall = c.tp / c.positives
    predicted = c.tp + c.fp
    precision = np.divide(c.tp, predicted, out=np.ones_like(c.tp), where=predicted > 0)
    return float(np.sum(np.diff(recall) * precision[1:]))


def ks_statistic(y: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    """Kolmogorov-Smirnov: the largest gap between the score distributions of defaults and
    non-defaults (max of TPR - FPR), and the cutoff where it is reached (default if p >= it)."""
    c = curve(y, p)
    gap = c.tpr - c.fpr
    k = int(np.argmax(gap))
    return float(gap[k]), float(c.thresholds[k])


def gini(auc: float) -> float:
    """Gini coefficient (accuracy ratio) from the AUC."""
    return 2.0 * auc - 1.0


def brier(y: np.ndarray, p: np.ndarray) -> float:
    """Mean squared difference between predicted probability and outcome."""
    y, p = _check(y, p)
    return float(np.mean((p - y) ** 2))


@dataclass(frozen=True)
class CalibrationBin:
    bin: int  # 1 = the lowest predicted PD
    rows: int
    defaults: int
    mean_predicted: float
    observed_rate: float
    lower_95: float  # where the observed rate falls 95% of the time if the PDs are right
    upper_95: float
    within_95: bool


def calibration_table(y: np.ndarray, p: np.ndarray, bins: int = 10) -> list[CalibrationBin]:
    """Rows sorted by predicted PD and cut into `bins` groups of equal size (deciles).

    If the predictions are right, the defaults in a group follow a Poisson-binomial law with
    mean sum(p) and variance sum(p(1-p)); the 95% band is mean +- 1.96 standard deviations
    (normal approximation), as a rate.
    """
    y, p = _check(y, p)
    if len(y) < bins:
        raise ValueError(f"need at least {bins} rows for {bins} bins")
    order = np.argsort(p, kind="stable")
    table = []
    for index, group in enumerate(np.array_split(order, bins), start=1):
        n = len(group)
        expected = p[group].sum()
        spread = 1.96 * math.sqrt(float(np.sum(p[group] * (1 - p[group]))))
        observed = float(y[group].sum())
        lower = max(0.0, (expected - spread) / n)
        upper = min(1.0, (expected + spread) / n)
        rate = observed / n
        table.append(
            CalibrationBin(
                bin=index,
                rows=n,
                defaults=int(observed),
                mean_predicted=float(expected / n),
                observed_rate=rate,
                lower_95=lower,
                upper_95=upper,
                within_95=lower <= rate <= upper,
            )
        )
    return table


def expected_calibration_error(table: list[CalibrationBin]) -> float:
    """Row-weighted mean of |observed rate - mean predicted PD| over the bins."""
    rows = sum(b.rows for b in table)
    return sum(b.rows * abs(b.observed_rate - b.mean_predicted) for b in table) / rows


def hosmer_lemeshow(table: list[CalibrationBin]) -> tuple[float, float]:
    """Hosmer-Lemeshow statistic over the bins and its p-value (chi-square, bins - 2 df)."""
    statistic = 0.0
    for b in table:
        expected = b.mean_predicted * b.rows
        variance = expected * (1 - b.mean_predicted)
        if variance > 0:
            statistic += (b.defaults - expected) ** 2 / variance
    return statistic, chi2_sf(statistic, len(table) - 2)


def chi2_sf(x: float, df: int) -> float:
    """P(X > x) for a chi-square variable with `df` degrees of freedom (series of the lower
    regularised incomplete gamma function; no scipy here)."""
    if x <= 0:
        return 1.0
    a, z = df / 2.0, x / 2.0
    term = total = 1.0 / a
    n = 0
    while term > total * 1e-15 and n < 10_000:
        n += 1
        term *= z / (a + n)
        total += term
    lower = math.exp(a * math.log(z) - z - math.lgamma(a)) * total
    return float(min(1.0, max(0.0, 1.0 - lower)))


@dataclass(frozen=True)
class Confusion:
    threshold: float  # predicted default when p >= threshold
    true_positives: int
    false_positives: int
    true_negatives: int
    false_negatives: int

    @property
    def recall(self) -> float:
        return self.true_positives / max(1, self.true_positives + self.false_negatives)

    @property
    def precision(self) -> float:
        return self.true_positives / max(1, self.true_positives + self.false_positives)

    @property
    def false_positive_rate(self) -> float:
        return self.false_positives / max(1, self.false_positives + self.true_negatives)

    def as_dict(self) -> dict:
        values = asdict(self)
        values.update(
            recall=self.recall,
            precision=self.precision,
            false_positive_rate=self.false_positive_rate,
        )
        return values


def confusion(y: np.ndarray, p: np.ndarray, threshold: float) -> Confusion:
    y, p = _check(y, p)
    flagged = p >= threshold
    return Confusion(
        threshold=float(threshold),
        true_positives=int(np.sum(flagged & (y == 1))),
        false_positives=int(np.sum(flagged & (y == 0))),
        true_negatives=int(np.sum(~flagged & (y == 0))),
        false_negatives=int(np.sum(~flagged & (y == 1))),
    )


def evaluate(y: np.ndarray, p: np.ndarray, threshold: float, bins: int = 10) -> dict:
    """Every metric of the evidence set, as plain JSON-ready values."""
    y, p = _check(y, p)
    auc = auc_roc(y, p)
    ks, ks_threshold = ks_statistic(y, p)
    table = calibration_table(y, p, bins)
    hl, hl_p = hosmer_lemeshow(table)
    return {
        "rows": len(y),
        "defaults": int(y.sum()),
        "observed_default_rate": float(y.mean()),
        "mean_predicted_pd": float(p.mean()),
        "auc_roc": auc,
        "gini": gini(auc),
        "pr_auc": pr_auc(y, p),
        "ks": ks,
        "ks_threshold": ks_threshold,
        "brier": brier(y, p),
        "calibration": [asdict(b) for b in table],
        "calibration_bins_within_95": sum(b.within_95 for b in table),
        "expected_calibration_error": expected_calibration_error(table),
        "hosmer_lemeshow": hl,
        "hosmer_lemeshow_p_value": hl_p,
        "confusion": confusion(y, p, threshold).as_dict(),
    }


# -- uncertainty ----------------------------------------------------------------------------------

CI_LEVEL = 0.95
TIE_TOLERANCE = 1e-9


def _cluster_index(clusters) -> tuple[int, list[np.ndarray]]:
    """Row positions grouped by cluster (customer)."""
    codes, _ = _factorise(clusters)
    order = np.argsort(codes, kind="stable")
    bounds = np.flatnonzero(np.diff(codes[order])) + 1
    groups = np.split(order, bounds)
    return len(groups), groups


def _factorise(values) -> tuple[np.ndarray, np.ndarray]:
    uniques, codes = np.unique(np.asarray(values, dtype=object).astype(str), return_inverse=True)
    return codes, uniques


def clustered_bootstrap(
    y,
    scores: dict[str, np.ndarray],
    clusters,
    samples: int = 400,
    seed: int = 0,
    oracle: str | None = None,
) -> dict:
    """Percentile 95% intervals of AUC, KS and Brier for each named score, resampling whole
    customers (clusters) with replacement: a borrower's months are correlated, so resampling
    rows would understate the spread.

    With `oracle` naming one of `scores` (the true PD), each other score also gets the interval
    of its AUC gap to the oracle (oracle AUC - model AUC) on the same resamples. Resamples
    holding one class only are skipped (counted in `samples_used`).
    """
    y = np.asarray(y, dtype=float)
    scores = {name: np.asarray(p, dtype=float) for name, p in scores.items()}
    count, groups = _cluster_index(clusters)
    rng = np.random.default_rng(seed)
    draws: dict[str, dict[str, list[float]]] = {
        name: {"auc_roc": [], "ks": [], "brier": [], "auc_gap_to_oracle": []} for name in scores
    }
    used = 0
    for _ in range(samples):
        rows = np.concatenate([groups[i] for i in rng.integers(0, count, count)])
        y_b = y[rows]
        positives = y_b.sum()
        if positives == 0 or positives == len(y_b):
            continue
        used += 1
        aucs = {}
        for name, p in scores.items():
            p_b = p[rows]
            aucs[name] = auc_roc(y_b, p_b)
            draws[name]["auc_roc"].append(aucs[name])
            draws[name]["ks"].append(ks_statistic(y_b, p_b)[0])
            draws[name]["brier"].append(brier(y_b, p_b))
        if oracle is not None:
            for name in scores:
                if name != oracle:
                    draws[name]["auc_gap_to_oracle"].append(aucs[oracle] - aucs[name])
    tail = (1 - CI_LEVEL) / 2
    result: dict = {"customers": count, "samples": samples, "samples_used": used}
    for name, metrics in draws.items():
        result[name] = {
            metric: [float(np.quantile(v, tail)), float(np.quantile(v, 1 - tail))]
            for metric, v in metrics.items()
            if v
        }
    return result


def oracle_verdict(gap_interval: list[float] | None) -> str | None:
    """A sentence when a model's AUC beats the oracle's beyond the interval, else None.

    The oracle is the generator's true PD: no model can rank better in expectation, so a gap
    (oracle - model) whose whole 95% interval lies below 0 means the model saw something it
    should not have (a leak) or the test is not what it claims to be.
    """
    # A tolerance for rounding: a model that ties the oracle on every resample (a tiny test set)
    # has a gap of 0 up to floating-point noise, which is not beating it.
    if gap_interval is None or gap_interval[1] >= -TIE_TOLERANCE:
        return None
    return (
        f"the model's AUC beats the oracle's (true PD) by {-gap_interval[1]:.3f} to "
        f"{-gap_interval[0]:.3f} (95% interval of the gap), which only leakage allows"
    )


def small_test_warning(defaults: int, rows: int, minimum: int) -> str | None:
    """A sentence when the test set holds too few defaults for its figures to mean much."""
    if defaults >= minimum:
        return None
    return (
        f"the test set holds {defaults} defaults in {rows} rows, fewer than min_test_defaults="
        f"{minimum}: its figures and intervals are too uncertain to judge the model by"
    )
