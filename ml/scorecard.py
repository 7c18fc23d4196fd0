"""The champion: a binned, monotonic logistic scorecard (weight of evidence), in numpy.

Why a scorecard: every input is cut into a handful of bins whose default rate rises (or falls)
steadily with the input, each bin is replaced by its weight of evidence (WoE), and a logistic
regression on the WoE values adds them up. A reviewer reads the whole model as a table of bins;
a borrower's score can only get worse when an input moves the risky way (monotonic); missing
values get their own bin rather than an imputed median; outliers fall into the end bins; and
the adverse-action reasons are the bins that cost the most points.

Steps, all fitted on the training rows only:

1. bins       numeric inputs: up to `max_bins` quantile bins, then adjacent bins pooled until
              the default rate is monotonic in the direction of the input's rank correlation with
              default (pool-adjacent-violators), then bins with fewer than `min_bin_share` of the
              rows (or `min_bin_rows`) merged into their neighbour. Missing values: a bin of their own when at least
              `min_bin_share` of rows are missing, else WoE 0 (no evidence). Categories and 0/1
              flags: one bin per value; rare ones pooled as "other"; an unseen value scores WoE 0.
2. WoE        ln(share of defaults in the bin / share of non-defaults in the bin), with 0.5 added
              to each count so that a bin without defaults has a finite WoE. Positive = riskier,
              so every coefficient of step 4 should be positive.
3. selection  inputs with information value (IV) below `min_iv` are left out.
4. logistic   L2-penalised logistic regression on the WoE values (Newton's method), unweighted,
              so the PDs are calibrated as fitted. The penalty is chosen by cross-validated log
              loss with folds grouped by customer, on a grid widened until its optimum is inside.
              An input whose coefficient comes out negative (collinear with others) is dropped
              and the rest refitted, so every input's effect keeps the sign its bins show.

Uncertainty: coefficient standard errors clustered by customer (sandwich estimator), and sign
stability: the share of customer-bootstrap refits in which a coefficient changes sign.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

MISSING = "missing"
OTHER = "other"


@dataclass
class Binning:
    """How one input is binned and what each bin is worth."""

    feature: str
    kind: str  # numeric | categorical
    upper_edges: list[float] = field(default_factory=list)  # numeric: bin i holds x <= edge i
    levels: list[str] = field(default_factory=list)  # categorical: one bin per level
    woe: list[float] = field(default_factory=list)  # per bin
    rows: list[int] = field(default_factory=list)
    defaults: list[int] = field(default_factory=list)
    missing_woe: float = 0.0
    missing_rows: int = 0
    missing_defaults: int = 0
    iv: float = 0.0
    direction: str = ""  # numeric: "rises" or "falls" (default rate as the input grows)

    def labels(self) -> list[str]:
        if self.kind == "categorical":
            return list(self.levels)
        names, lower = [], "-inf"
        for edge in self.upper_edges:
            upper = "+inf" if math.isinf(edge) else f"{edge:.4g}"
            names.append(f"({lower}, {upper}]")
            lower = upper
        return names

    def transform(self, values: pd.Series) -> np.ndarray:
        """WoE of each value."""
        out = np.full(len(values), self.missing_woe, dtype=float)
        if self.kind == "numeric":
            x = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
            known = ~np.isnan(x)
            index = np.searchsorted(np.asarray(self.upper_edges[:-1]), x[known], side="left")
            out[known] = np.asarray(self.woe)[index]
            return out
        text = values.astype(object)
        known = text.notna().to_numpy()
        lookup = dict(zip(self.levels, self.woe, strict=True))
        other = lookup.get(OTHER, 0.0)
        out[known] = [lookup.get(str(v), other) for v in text[known]]
        return out

    def worst_bin_gap(self, values: pd.Series) -> np.ndarray:
        """WoE above the input's best (least risky) bin, per value: the points a borrower
        loses on this input, before the coefficient."""
        best = min([*self.woe, self.missing_woe] if self.missing_rows else self.woe)
        return self.transform(values) - best


def _woe(bad: np.ndarray, good: np.ndarray, total_bad: float, total_good: float) -> np.ndarray:
    return np.log((bad + 0.5) / (total_bad + 0.5)) - np.log((good + 0.5) / (total_good + 0.5))


def _pool_monotonic(rows: list[int], bads: list[int], rising: bool) -> list[list[int]]:
    """Pool-adjacent-violators: groups of consecutive bins whose default rates are monotonic."""
    blocks: list[list] = []  # [first_bin, last_bin, rows, bads]
    for i, (n, b) in enumerate(zip(rows, bads, strict=True)):
        blocks.append([i, i, n, b])
        while len(blocks) > 1:
            (_, _, n1, b1), (_, _, n2, b2) = blocks[-2], blocks[-1]
            r1, r2 = b1 / n1, b2 / n2
            if (r1 > r2) if rising else (r1 < r2):
                last = blocks.pop()
                blocks[-1][1] = last[1]
                blocks[-1][2] += last[2]
                blocks[-1][3] += last[3]
            else:
                break
    return [list(range(f, l_ + 1)) for f, l_, _, _ in blocks]


def _rank_correlation(x: np.ndarray, y: np.ndarray) -> float:
    rx = pd.Series(x).rank().to_numpy()
    if np.std(rx) == 0 or np.std(y) == 0:
        return 0.0
    return float(np.corrcoef(rx, y)[0, 1])


def bin_numeric(
    feature: str,
    values: pd.Series,
    y: np.ndarray,
    max_bins: int,
    min_share: float,
    min_rows: int = 10,
) -> Binning:
    x = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    known = ~np.isnan(x)
    total_bad, total_good = float(y.sum()), float(len(y) - y.sum())
    xk, yk = x[known], y[known]
    distinct = np.unique(xk)
    if len(distinct) <= 2 * max_bins:  # counts and flags: start from every value
        edges = distinct[:-1]
    else:
        edges = np.unique(np.quantile(xk, np.linspace(0, 1, max_bins + 1)[1:-1]))
    edges = [*edges, math.inf]
    index = np.searchsorted(np.asarray(edges[:-1]), xk, side="left")
    rows = [int(np.sum(index == i)) for i in range(len(edges))]
    bads = [int(yk[index == i].sum()) for i in range(len(edges))]
    keep = [i for i, n in enumerate(rows) if n > 0]
    edges, rows, bads = [edges[i] for i in keep], [rows[i] for i in keep], [bads[i] for i in keep]
    if not rows:  # no known value in these rows (a window the data does not cover yet): one
        edges, rows, bads = [math.inf], [0], [0]  # empty bin; the missing bin holds every row
    rising = _rank_correlation(xk, yk) >= 0 if len(xk) else True
    groups = _pool_monotonic(rows, bads, rising)
    edges = [edges[g[-1]] for g in groups]
    rows = [sum(rows[i] for i in g) for g in groups]
    bads = [sum(bads[i] for i in g) for g in groups]
    # Small bins join the neighbour whose default rate is closest (keeps monotonicity).
    minimum = max(min_rows, int(min_share * len(y)))
    while len(rows) > 1 and min(rows) < minimum:
        i = int(np.argmin(rows))
        rate = bads[i] / rows[i]
        if i == 0:
            j = 1
        elif i == len(rows) - 1:
            j = i - 1
        else:
            left, right = bads[i - 1] / rows[i - 1], bads[i + 1] / rows[i + 1]
            j = i - 1 if abs(left - rate) <= abs(right - rate) else i + 1
        a, b = min(i, j), max(i, j)
        rows[a : b + 1] = [rows[a] + rows[b]]
        bads[a : b + 1] = [bads[a] + bads[b]]
        edges[a : b + 1] = [edges[b]]
    edges[-1] = math.inf
    woe = _woe(
        np.array(bads, float), np.array(rows, float) - np.array(bads, float), total_bad, total_good
    )
    woe = np.where(np.array(rows) > 0, woe, 0.0)  # an empty bin is no evidence
    missing_rows = int((~known).sum())
    missing_bad = int(y[~known].sum())
    binning = Binning(
        feature=feature,
        kind="numeric",
        upper_edges=[float(e) for e in edges],
        woe=[float(w) for w in woe],
        rows=rows,
        defaults=bads,
        missing_rows=missing_rows,
        missing_defaults=missing_bad,
        direction="rises" if rising else "falls",
    )
    if missing_rows >= minimum:
        binning.missing_woe = float(
            _woe(
                np.array([missing_bad]),
                np.array([missing_rows - missing_bad]),
                total_bad,
                total_good,
            )[0]
        )
    binning.iv = _information_value(binning, total_bad, total_good)
    return binning


def bin_categorical(
    feature: str, values: pd.Series, y: np.ndarray, min_share: float, min_rows: int = 10
) -> Binning:
    total_bad, total_good = float(y.sum()), float(len(y) - y.sum())
    text = values.astype(object).where(values.notna(), MISSING).astype(str)
    counts = text.value_counts()
    minimum = max(min_rows, int(min_share * len(y)))
    common = [v for v in counts.index if counts[v] >= minimum]
    pooled = text.where(text.isin(common), OTHER)
    levels = sorted(pooled.unique())
    rows = [int((pooled == v).sum()) for v in levels]
    bads = [int(y[(pooled == v).to_numpy()].sum()) for v in levels]
    woe = _woe(
        np.array(bads, float), np.array(rows, float) - np.array(bads, float), total_bad, total_good
    )
    lookup = dict(zip(levels, woe, strict=True))
    binning = Binning(
        feature=feature,
        kind="categorical",
        levels=levels,
        woe=[float(w) for w in woe],
        rows=rows,
        defaults=bads,
        missing_woe=float(lookup.get(MISSING, 0.0)),
    )
    binning.iv = _information_value(binning, total_bad, total_good)
    return binning


def _information_value(b: Binning, total_bad: float, total_good: float) -> float:
    rows = [*b.rows, *([b.missing_rows] if b.missing_rows and b.kind == "numeric" else [])]
    bads = [*b.defaults, *([b.missing_defaults] if b.missing_rows and b.kind == "numeric" else [])]
    woes = [*b.woe, *([b.missing_woe] if b.missing_rows and b.kind == "numeric" else [])]
    iv = 0.0
    for n, bad, w in zip(rows, bads, woes, strict=True):
        iv += ((bad / max(total_bad, 1)) - ((n - bad) / max(total_good, 1))) * w
    return float(iv)


# -- logistic regression on WoE -----------------------------------------------------------------


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -35, 35)))


def fit_logistic(
    x: np.ndarray, y: np.ndarray, penalty: float, weights: np.ndarray | None = None
) -> np.ndarray:
    """Coefficients [intercept, beta...] minimising mean log loss + penalty/2 * |beta|^2."""
    n, k = x.shape
    design = np.column_stack([np.ones(n), x])
    w = np.ones(n) if weights is None else weights
    total = w.sum()
    ridge = np.diag([0.0, *([penalty] * k)])
    beta = np.zeros(k + 1)
    prior = np.clip(np.average(y, weights=w), 1e-6, 1 - 1e-6)
    beta[0] = math.log(prior / (1 - prior))

    def objective(b: np.ndarray) -> float:
        margin = design @ b
        # log(1 + e^m) - y m, written so that a large |m| does not overflow
        loss = np.logaddexp(0.0, margin) - y * margin
        return float(np.dot(w, loss) / total + 0.5 * b @ ridge @ b)

    current = objective(beta)
    for _ in range(100):
        p = _sigmoid(design @ beta)
        gradient = design.T @ (w * (p - y)) / total + ridge @ beta
        hessian = (design * (w * p * (1 - p))[:, None]).T @ design / total + ridge
        step = np.linalg.solve(hessian + 1e-10 * np.eye(k + 1), gradient)
        # Damped Newton: halve the step until the penalised loss falls. A full step overshoots
        # on nearly separable or collinear inputs (several WoE columns binned alike) and, with
        # a small penalty, diverged to coefficients of 10 and more and PDs of 0.
        scale = 1.0
        while scale > 1e-6:
            trial = beta - scale * step
            value = objective(trial)
            if value <= current + 1e-12:
                break
            scale /= 2
        else:
            break
        beta, current = trial, value
        if np.max(np.abs(scale * step)) < 1e-9:
            break
    return beta


def log_loss(y: np.ndarray, p: np.ndarray) -> float:
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def clustered_standard_errors(
    x: np.ndarray, y: np.ndarray, beta: np.ndarray, penalty: float, clusters: np.ndarray
) -> np.ndarray:
    """Sandwich standard errors of [intercept, beta...], scores summed within each customer."""
    n, k = x.shape
    design = np.column_stack([np.ones(n), x])
    p = _sigmoid(design @ beta)
    ridge = np.diag([0.0, *([penalty * n] * k)])
    bread = np.linalg.inv((design * (p * (1 - p))[:, None]).T @ design + ridge)
    scores = design * (y - p)[:, None]
    per_cluster = pd.DataFrame(scores).groupby(clusters).sum().to_numpy()
    meat = per_cluster.T @ per_cluster
    return np.sqrt(np.diag(bread @ meat @ bread))


@dataclass
class Scorecard:
    bins: list[Binning]
    features: list[str]  # the selected inputs, in coefficient order
    intercept: float
    coefficients: list[float]
    penalty: float
    penalty_grid: list[dict]
    penalty_edge: str | None
    dropped: dict[str, str]  # input -> why it is not in the model
    standard_errors: list[float] = field(default_factory=list)
    sign_flip_share: list[float] = field(default_factory=list)

    def binning(self, feature: str) -> Binning:
        return next(b for b in self.bins if b.feature == feature)

    def woe_matrix(self, frame: pd.DataFrame) -> np.ndarray:
        if not self.features:
            return np.zeros((len(frame), 0))
        return np.column_stack([self.binning(f).transform(frame[f]) for f in self.features])

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        margin = self.intercept + self.woe_matrix(frame) @ np.asarray(self.coefficients)
        return _sigmoid(margin)

    def reasons(self, frame: pd.DataFrame, top: int = 3) -> list[list[tuple[str, float]]]:
        """Per row, up to `top` inputs that cost the most log-odds against their best bin
        (largest first), with that cost; inputs that cost nothing are not reasons."""
        if not self.features:
            return [[] for _ in range(len(frame))]
        costs = np.column_stack(
            [
                c * self.binning(f).worst_bin_gap(frame[f])
                for f, c in zip(self.features, self.coefficients, strict=True)
            ]
        )
        out = []
        for row in costs:
            order = np.argsort(-row, kind="stable")[:top]
            out.append([(self.features[i], float(row[i])) for i in order if row[i] > 1e-9])
        return out

    def as_dict(self) -> dict:
        return {
            "type": "WoE-binned monotonic logistic scorecard (numpy)",
            "intercept": self.intercept,
            "features": self.features,
            "coefficients": self.coefficients,
            "standard_errors_clustered": self.standard_errors,
            "sign_flip_share": self.sign_flip_share,
            "penalty": self.penalty,
            "penalty_grid": self.penalty_grid,
            "penalty_edge": self.penalty_edge,
            "dropped": self.dropped,
            "bins": [asdict(b) for b in self.bins],
        }

    @classmethod
    def from_dict(cls, data: dict) -> Scorecard:
        return cls(
            bins=[Binning(**b) for b in data["bins"]],
            features=list(data["features"]),
            intercept=float(data["intercept"]),
            coefficients=[float(c) for c in data["coefficients"]],
            penalty=float(data["penalty"]),
            penalty_grid=list(data["penalty_grid"]),
            penalty_edge=data["penalty_edge"],
            dropped=dict(data["dropped"]),
            standard_errors=list(data.get("standard_errors_clustered", [])),
            sign_flip_share=list(data.get("sign_flip_share", [])),
        )


@dataclass(frozen=True)
class ScorecardSettings:
    max_bins: int = 8
    min_bin_share: float = 0.01
    min_bin_rows: int = 10
    min_iv: float = 0.02
    penalties: tuple[float, ...] = (1e-4, 1e-3, 1e-2)
    widenings: int = 3
    folds: int = 3
    sign_bootstrap: int = 60


def _fit_signed(
    woe: np.ndarray, y: np.ndarray, names: list[str], penalty: float
) -> tuple[list[int], np.ndarray, dict[str, str]]:
    """Fit, dropping the most negative coefficient until none is negative."""
    keep = list(range(len(names)))
    dropped = {}
    while True:
        beta = fit_logistic(woe[:, keep], y, penalty)
        negative = [(beta[1 + j], i) for j, i in enumerate(keep) if beta[1 + j] < 0]
        if not negative:
            return keep, beta, dropped
        _, worst = min(negative)
        dropped[names[worst]] = "negative coefficient beside the other inputs (collinear)"
        keep.remove(worst)


def fit_scorecard(
    frame: pd.DataFrame,
    y: np.ndarray,
    numeric: list[str],
    categorical: list[str],
    folds: np.ndarray,
    clusters: np.ndarray,
    settings: ScorecardSettings = ScorecardSettings(),
    seed: int = 0,
) -> Scorecard:
    """Bin, select, choose the penalty by grouped CV, fit, and measure the coefficients."""
    y = np.asarray(y, dtype=float)
    bins = [
        bin_numeric(
            f, frame[f], y, settings.max_bins, settings.min_bin_share, settings.min_bin_rows
        )
        for f in numeric
    ] + [
        bin_categorical(f, frame[f], y, settings.min_bin_share, settings.min_bin_rows)
        for f in categorical
    ]
    dropped = {
        b.feature: f"information value {b.iv:.3f} below {settings.min_iv}"
        for b in bins
        if b.iv < settings.min_iv
    }
    candidates = [b.feature for b in bins if b.iv >= settings.min_iv]
    by_name = {b.feature: b for b in bins}
    woe = (
        np.column_stack([by_name[f].transform(frame[f]) for f in candidates])
        if candidates
        else np.zeros((len(frame), 0))
    )

    def cv_loss(penalty: float) -> float:
        losses = []
        for k in np.unique(folds):
            fit_rows, held = folds != k, folds == k
            if y[fit_rows].sum() == 0 or y[held].sum() == 0:
                continue
            beta = fit_logistic(woe[fit_rows], y[fit_rows], penalty)
            p = _sigmoid(beta[0] + woe[held] @ beta[1:])
            losses.append(log_loss(y[held], p))
        return float(np.mean(losses)) if losses else math.inf

    grid: dict[float, float] = {}
    penalties = sorted(settings.penalties)
    edge = None
    for _ in range(settings.widenings + 1):
        for penalty in penalties:
            if penalty not in grid:
                grid[penalty] = cv_loss(penalty)
        best = min(grid, key=lambda k: grid[k])
        tried = sorted(grid)
        edge = (
            None if tried[0] < best < tried[-1] else ("lowest" if best == tried[0] else "highest")
        )
        if edge is None:
            break
        penalties = [best / 10.0] if edge == "lowest" else [best * 10.0]
    keep, beta, negative = _fit_signed(woe, y, candidates, best)
    dropped.update(negative)
    chosen = woe[:, keep]
    errors = clustered_standard_errors(chosen, y, beta, best, clusters)

    # Sign stability: refit on customer-bootstrap resamples (same bins and penalty).
    rng = np.random.default_rng(seed)
    codes, uniques = pd.factorize(pd.Series(clusters))
    groups = [np.flatnonzero(codes == i) for i in range(len(uniques))]
    flips = np.zeros(len(keep))
    used = 0
    for _ in range(settings.sign_bootstrap):
        rows = np.concatenate([groups[i] for i in rng.integers(0, len(groups), len(groups))])
        if y[rows].sum() == 0:
            continue
        refit = fit_logistic(chosen[rows], y[rows], best)
        flips += np.sign(refit[1:]) != np.sign(beta[1:])
        used += 1
    return Scorecard(
        bins=bins,
        features=[candidates[i] for i in keep],
        intercept=float(beta[0]),
        coefficients=[float(b) for b in beta[1:]],
        penalty=float(best),
        penalty_grid=[{"penalty": k, "cv_log_loss": v} for k, v in sorted(grid.items())],
        penalty_edge=edge,
        dropped=dropped,
        standard_errors=[float(e) for e in errors[1:]],
        sign_flip_share=[float(f / max(used, 1)) for f in flips],
    )
