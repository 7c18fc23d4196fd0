"""Metrics against values worked out by hand on five borrowers.

y = [1, 0, 1, 0, 0], p = [0.9, 0.8, 0.4, 0.4, 0.1]: the default at 0.4 ties a non-default.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from ml import evaluation as E

Y = np.array([1, 0, 1, 0, 0])
P = np.array([0.9, 0.8, 0.4, 0.4, 0.1])


def test_auc_counts_a_tied_pair_as_half():
    # 6 (default, non-default) pairs: 0.9 beats all three (3), 0.4 loses to 0.8, ties 0.4 (0.5)
    # and beats 0.1 (1): 4.5 / 6.
    assert E.auc_roc(Y, P) == pytest.approx(0.75)
    assert E.gini(E.auc_roc(Y, P)) == pytest.approx(0.5)


def test_auc_does_not_depend_on_row_order():
    order = np.array([4, 2, 0, 3, 1])
    assert E.auc_roc(Y[order], P[order]) == pytest.approx(E.auc_roc(Y, P))


def test_perfect_and_reversed_rankings():
    assert E.auc_roc(Y, Y * 0.5 + 0.2) == pytest.approx(1.0)
    assert E.auc_roc(Y, 1 - Y * 0.5) == pytest.approx(0.0)


def test_pr_auc_is_average_precision():
    # Recall reaches 0.5 at cutoff 0.9 (precision 1) and 1.0 at 0.4 (precision 2/4).
    assert E.pr_auc(Y, P) == pytest.approx(0.5 * 1.0 + 0.5 * 0.5)


def test_ks_and_its_cutoff():
    # TPR - FPR: 0.5 at cutoff 0.9, 0.5 - 1/3 at 0.8, 1 - 2/3 at 0.4, 0 at 0.1.
    ks, cutoff = E.ks_statistic(Y, P)
    assert ks == pytest.approx(0.5)
    assert cutoff == pytest.approx(0.9)


def test_brier():
    assert E.brier(Y, P) == pytest.approx((0.01 + 0.64 + 0.36 + 0.16 + 0.01) / 5)


def test_confusion_flags_scores_at_or_above_the_cutoff():
    c = E.confusion(Y, P, 0.4)
    assert (c.true_positives, c.false_positives, c.true_negatives, c.false_negatives) == (
        2,
        2,
        1,
        0,
    )
    assert c.recall == pytest.approx(1.0)
    assert c.precision == pytest.approx(0.5)
    assert c.false_positive_rate == pytest.approx(2 / 3)


def test_calibration_bins_and_their_bands():
    y = np.array([0, 0, 1, 1])
    p = np.array([0.3, 0.1, 0.4, 0.2])  # unsorted on purpose
    low, high = E.calibration_table(y, p, bins=2)
    # Low bin: p 0.1 and 0.2 (y 0 and 1), high bin: p 0.3 and 0.4 (y 0 and 1).
    assert (low.rows, low.defaults, high.rows, high.defaults) == (2, 1, 2, 1)
    assert low.mean_predicted == pytest.approx(0.15)
    assert high.mean_predicted == pytest.approx(0.35)
    assert low.observed_rate == high.observed_rate == pytest.approx(0.5)
    # Band: (sum p +- 1.96 sqrt(sum p(1-p))) / n, clipped to [0, 1].
    spread = 1.96 * math.sqrt(0.1 * 0.9 + 0.2 * 0.8)
    assert low.lower_95 == pytest.approx(max(0.0, (0.3 - spread) / 2))
    assert low.upper_95 == pytest.approx((0.3 + spread) / 2)
    assert low.within_95
    table = [low, high]
    assert E.expected_calibration_error(table) == pytest.approx((2 * 0.35 + 2 * 0.15) / 4)


def test_calibration_flags_a_decile_far_outside_its_band():
    y = np.r_[np.zeros(90), np.ones(10)]
    p = np.full(100, 0.1)
    p[90:] = 0.01  # the ten defaults get the lowest PD: the lowest decile is all defaults
    table = E.calibration_table(y, p, bins=10)
    assert table[0].observed_rate == pytest.approx(1.0)
    assert not table[0].within_95
    assert all(b.within_95 for b in table[1:])


def test_hosmer_lemeshow_statistic_and_p_value():
    y = np.array([0, 0, 0, 1, 1, 1])
    p = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
    table = E.calibration_table(y, p, bins=3)
    # Bins (0.1, 0.2), (0.3, 0.4), (0.5, 0.6): observed 0, 1, 2; expected 0.3, 0.7, 1.1.
    expected = [0.3, 0.7, 1.1]
    observed = [0, 1, 2]
    statistic = sum(
        (o - e) ** 2 / (e * (1 - e / 2)) for o, e in zip(observed, expected, strict=True)
    )
    hl, p_value = E.hosmer_lemeshow(table)
    assert hl == pytest.approx(statistic)
    assert p_value == pytest.approx(math.erfc(math.sqrt(statistic / 2)))  # chi-square, 1 df


@pytest.mark.parametrize("x", [0.5, 2.0, 7.8, 30.0])
def test_chi2_sf_matches_closed_forms(x):
    assert E.chi2_sf(x, 1) == pytest.approx(math.erfc(math.sqrt(x / 2)), abs=1e-12)
    assert E.chi2_sf(x, 2) == pytest.approx(math.exp(-x / 2), abs=1e-12)
    assert E.chi2_sf(x, 4) == pytest.approx(math.exp(-x / 2) * (1 + x / 2), abs=1e-12)


def test_chi2_sf_known_critical_value():
    assert E.chi2_sf(15.507, 8) == pytest.approx(0.05, abs=1e-4)


def test_evaluate_reports_every_metric():
    metrics = E.evaluate(np.tile(Y, 4), np.tile(P, 4), threshold=0.4)
    for key in ("auc_roc", "pr_auc", "ks", "gini", "brier", "calibration", "confusion"):
        assert key in metrics
    assert metrics["auc_roc"] == pytest.approx(0.75)
    assert metrics["rows"] == 20 and metrics["defaults"] == 8


def test_single_class_is_refused():
    with pytest.raises(ValueError, match="both classes"):
        E.auc_roc(np.zeros(4), np.array([0.1, 0.2, 0.3, 0.4]))


def test_labels_must_be_zero_or_one():
    with pytest.raises(ValueError, match="only 0 and 1"):
        E.brier(np.array([0, 2]), np.array([0.1, 0.2]))


# -- intervals and the oracle check --------------------------------------------------------------


def _clustered_sample(customers: int, months: int, seed: int):
    rng = np.random.default_rng(seed)
    risk = rng.normal(size=customers)
    ids = np.repeat(np.arange(customers), months)
    z = np.repeat(risk, months)
    y = (rng.random(len(z)) < 1 / (1 + np.exp(-(-2 + 1.5 * z)))).astype(float)
    truth = 1 / (1 + np.exp(-(-2 + 1.5 * z)))
    error = np.repeat(rng.normal(0, 1.0, customers), months)  # the model's error is a customer's
    model = 1 / (1 + np.exp(-(-2 + 1.5 * z + error)))
    return y, truth, model, ids


def test_clustered_interval_holds_the_estimate_and_widens_with_repeated_customers():
    from ml.evaluation import clustered_bootstrap

    y, truth, model, ids = _clustered_sample(300, 6, seed=1)
    ci = clustered_bootstrap(y, {"m": model, "o": truth}, ids, samples=200, seed=0, oracle="o")
    low, high = ci["m"]["auc_roc"]
    assert low < E.auc_roc(y, model) < high
    assert ci["m"]["auc_gap_to_oracle"][0] < E.auc_roc(y, truth) - E.auc_roc(y, model)
    rows = clustered_bootstrap(y, {"m": model}, np.arange(len(y)), samples=200, seed=0)
    # Six correlated months per customer: resampling rows understates the spread.
    assert (high - low) > 1.3 * (rows["m"]["auc_roc"][1] - rows["m"]["auc_roc"][0])


def test_a_model_that_beats_the_oracle_beyond_its_interval_fails():
    from ml.evaluation import clustered_bootstrap, oracle_verdict

    y, truth, _, ids = _clustered_sample(300, 4, seed=2)
    leaky = y * 0.5 + truth * 0.1  # reads the outcome: ranks better than the truth can
    ci = clustered_bootstrap(y, {"leaky": leaky, "o": truth}, ids, samples=200, oracle="o")
    assert oracle_verdict(ci["leaky"]["auc_gap_to_oracle"]) is not None
    assert "only leakage allows" in oracle_verdict(ci["leaky"]["auc_gap_to_oracle"])
    assert oracle_verdict([-0.04, 0.02]) is None  # within the interval: no verdict
    assert oracle_verdict([-1.1e-16, -1.1e-16]) is None  # a tie up to rounding is not a win


def test_small_test_set_warns():
    from ml.evaluation import small_test_warning

    assert "min_test_defaults=30" in small_test_warning(9, 114, 30)
    assert small_test_warning(30, 1000, 30) is None
