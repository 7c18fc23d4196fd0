"""How far the challenger's coefficients can be trusted: customer-clustered standard errors and
sign stability, as the champion scorecard reports its own (scorecard.py).

The challenger (pipeline.py, stage 8) minimises the class-weighted mean log loss plus Spark's
elastic-net penalty  regParam * (mix * |beta|_1 + (1 - mix) / 2 * |beta|^2)  on standardised
inputs. Rows of one customer are months of the same borrower, not independent draws, so:

- standard errors are the sandwich (robust) estimate with the scores summed within each
  customer, at Spark's fitted coefficients, with the L2 part of the penalty in the bread (a
  coefficient the L1 part set to exactly 0 has no standard error: it was not selected);
- sign stability is the share of customer-bootstrap refits (whole customers resampled, the same
  penalty and class weights) whose coefficient has the other sign (or is 0 where the fit's is
  not). The refits are numpy proximal-gradient fits of the same objective (FISTA with
  soft-thresholding for the L1 part), warm-started at Spark's coefficients.

A coefficient that flips sign in 20 % or more of the refits is not evidence of a direction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

FLIP_WORRY = 0.2


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -35, 35)))


def fit_elastic_net(
    x: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    reg: float,
    mix: float,
    start: np.ndarray | None = None,
    iterations: int = 400,
) -> np.ndarray:
    """[intercept, beta...] minimising sum(w * logloss) / sum(w) + the elastic-net penalty."""
    n, k = x.shape
    design = np.column_stack([np.ones(n), x])
    wn = w / w.sum()
    # Lipschitz constant of the smooth part's gradient: 1/4 of the largest eigenvalue of
    # X'WX (normalised weights) plus the L2 part.
    lipschitz = 0.25 * np.linalg.eigvalsh((design * wn[:, None]).T @ design)[-1]
    step = 1.0 / (lipschitz + reg * (1 - mix))
    beta = np.zeros(k + 1) if start is None else np.asarray(start, dtype=float).copy()
    momentum, t = beta.copy(), 1.0
    l2 = np.r_[0.0, np.full(k, reg * (1 - mix))]
    l1 = np.r_[0.0, np.full(k, reg * mix)] * step
    for _ in range(iterations):
        gradient = design.T @ (wn * (_sigmoid(design @ momentum) - y)) + l2 * momentum
        moved = momentum - step * gradient
        nxt = np.sign(moved) * np.maximum(np.abs(moved) - l1, 0.0)
        t_next = (1 + np.sqrt(1 + 4 * t * t)) / 2
        momentum = nxt + ((t - 1) / t_next) * (nxt - beta)
        if np.max(np.abs(nxt - beta)) < 1e-7:
            beta = nxt
            break
        beta, t = nxt, t_next
    return beta


@dataclass(frozen=True)
class PenalisedFit:
    """A penalised logistic fit and the rows it was fitted on: the standardised design `x`, the
    labels, the class weights and each row's customer; the coefficients [intercept, beta...];
    Spark's regParam (`reg`) and elasticNetParam (`mix`)."""

    x: np.ndarray
    y: np.ndarray
    w: np.ndarray
    clusters: np.ndarray
    beta: np.ndarray
    reg: float
    mix: float


def clustered_errors(fit: PenalisedFit) -> np.ndarray:
    """Sandwich standard errors of [intercept, beta...], scores summed within each cluster;
    NaN where the coefficient is exactly 0 under an L1 penalty."""
    n, k = fit.x.shape
    design = np.column_stack([np.ones(n), fit.x])
    wn = fit.w / fit.w.sum()
    p = _sigmoid(design @ fit.beta)
    active = np.r_[True, (fit.beta[1:] != 0) | (fit.mix == 0)]
    d = design[:, active]
    ridge = np.diag(np.r_[0.0, np.full(active.sum() - 1, fit.reg * (1 - fit.mix))])
    bread = np.linalg.pinv((d * (wn * p * (1 - p))[:, None]).T @ d + ridge)
    scores = d * (wn * (fit.y - p))[:, None]
    per_cluster = pd.DataFrame(scores).groupby(fit.clusters).sum().to_numpy()
    meat = per_cluster.T @ per_cluster
    errors = np.full(k + 1, np.nan)
    errors[active] = np.sqrt(np.maximum(np.diag(bread @ meat @ bread), 0.0))
    return errors


def sign_flips(fit: PenalisedFit, samples: int, seed: int) -> tuple[np.ndarray, int]:
    """Share of customer-bootstrap refits in which each coefficient (beta[1:]) changes sign,
    and the refits used (a resample without a default is skipped)."""
    x, y, w, beta = fit.x, fit.y, fit.w, fit.beta
    rng = np.random.default_rng(seed)
    codes, uniques = pd.factorize(pd.Series(fit.clusters))
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
    groups = [order[bounds[i] : bounds[i + 1]] for i in range(len(uniques))]
    flips = np.zeros(len(beta) - 1)
    used = 0
    for _ in range(samples):
        rows = np.concatenate([groups[i] for i in rng.integers(0, len(groups), len(groups))])
        if y[rows].sum() == 0 or y[rows].sum() == len(rows):
            continue
        refit = fit_elastic_net(x[rows], y[rows], w[rows], fit.reg, fit.mix, start=beta)
        flips += np.sign(refit[1:]) != np.sign(beta[1:])
        used += 1
    return flips / max(used, 1), used


def challenger_terms(
    names: list[str], fit: PenalisedFit, slope: float, samples: int, seed: int
) -> dict:
    """Per input (vector order): the coefficient per SD after calibration (slope * beta), its
    clustered SE and sign-flip share; and how many coefficients flip in FLIP_WORRY or more."""
    beta = fit.beta
    errors = clustered_errors(fit)
    flips, used = sign_flips(fit, samples, seed)
    terms = [
        {
            "input": name,
            "coefficient_per_sd": float(slope * b),
            "standard_error_clustered": None if np.isnan(e) else float(abs(slope) * e),
            "sign_flip_share": None if b == 0 else float(f),
        }
        for name, b, e, f in zip(names, beta[1:], errors[1:], flips, strict=True)
    ]
    selected = [t for t in terms if t["sign_flip_share"] is not None]
    return {
        "terms": terms,
        "refits": used,
        "selected": len(selected),
        "flipping": sum(t["sign_flip_share"] >= FLIP_WORRY for t in selected),
        "flip_threshold": FLIP_WORRY,
    }
