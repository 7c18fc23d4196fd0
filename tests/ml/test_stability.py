"""The challenger's clustered standard errors and sign stability (ml/stability.py), on samples
drawn from a known law, and its refit against Spark's own LogisticRegression."""

from __future__ import annotations

import numpy as np

from ml.scorecard import fit_logistic
from ml.stability import PenalisedFit, challenger_terms, clustered_errors, fit_elastic_net


def _borrowers(customers: int = 600, months: int = 6, seed: int = 3):
    """One strong input, one weak one and one of pure noise, nearly constant within a customer,
    and one outcome per customer repeated over its months (a default 12 months ahead is the
    label of every month before it): the rows of a customer are not independent."""
    rng = np.random.default_rng(seed)
    traits = rng.standard_normal((customers, 3))
    x = np.repeat(traits, months, axis=0) + 0.05 * rng.standard_normal((customers * months, 3))
    logit = -2.5 + 1.2 * traits[:, 0] + 0.25 * traits[:, 1]
    y = np.repeat(rng.random(customers) < 1 / (1 + np.exp(-logit)), months).astype(float)
    clusters = np.repeat(np.arange(customers), months)
    w = np.where(y == 1, 3.0, 0.6)  # class weights, as the challenger is fitted
    return x, y, w, clusters


def test_the_refit_minimises_the_same_objective_as_the_newton_fit():
    x, y, w, _ = _borrowers()
    newton = fit_logistic(x, y, 0.01, weights=w)
    proximal = fit_elastic_net(x, y, w, 0.01, 0.0, iterations=5000)
    np.testing.assert_allclose(proximal, newton, atol=2e-3)


def test_the_refit_matches_spark_with_an_l1_part(spark):
    from pyspark.ml.classification import LogisticRegression
    from pyspark.ml.linalg import Vectors

    x, y, w, _ = _borrowers(customers=300)
    rows = [(Vectors.dense(r.tolist()), float(label), float(wt)) for r, label, wt in zip(x, y, w)]
    frame = spark.createDataFrame(rows, ["features", "label", "weight"])
    model = LogisticRegression(
        weightCol="weight",
        regParam=0.05,
        elasticNetParam=0.5,
        standardization=False,
        tol=1e-10,
        maxIter=500,
    ).fit(frame)
    ours = fit_elastic_net(x, y, w, 0.05, 0.5, iterations=20000)
    np.testing.assert_allclose(ours[0], model.intercept, atol=5e-3)
    np.testing.assert_allclose(ours[1:], model.coefficients.toArray(), atol=5e-3)


def test_clustered_errors_do_not_shrink_when_a_customer_is_counted_twice():
    """Rows of one customer repeated: naive errors would fall by sqrt(2), clustered ones hold."""
    x, y, w, clusters = _borrowers()
    beta = fit_logistic(x, y, 0.01, weights=w)
    once = clustered_errors(PenalisedFit(x, y, w, clusters, beta, 0.01, 0.0))
    twice = clustered_errors(
        PenalisedFit(
            np.vstack([x, x]), np.r_[y, y], np.r_[w, w], np.r_[clusters, clusters], beta, 0.01, 0.0
        )
    )
    np.testing.assert_allclose(twice, once, rtol=0.02)
    naive = clustered_errors(PenalisedFit(x, y, w, np.arange(len(y)), beta, 0.01, 0.0))
    assert (once[1:] > 1.5 * naive[1:]).all()  # 6 near-identical months per customer


def test_noise_flips_sign_and_a_strong_input_does_not():
    x, y, w, clusters = _borrowers()
    beta = fit_logistic(x, y, 0.01, weights=w)
    fit = PenalisedFit(x, y, w, clusters, beta, 0.01, 0.0)
    result = challenger_terms(["strong", "weak", "noise"], fit, 1.0, 40, 0)
    flips = {t["input"]: t["sign_flip_share"] for t in result["terms"]}
    assert flips["strong"] == 0.0
    assert flips["noise"] >= 0.2
    assert result["refits"] == 40 and result["selected"] == 3
    assert result["flipping"] >= 1
    errors = {t["input"]: t["standard_error_clustered"] for t in result["terms"]}
    assert abs(result["terms"][0]["coefficient_per_sd"]) > 3 * errors["strong"]


def test_a_coefficient_the_l1_part_removed_has_no_error_and_no_flip_share():
    x, y, w, clusters = _borrowers()
    beta = fit_elastic_net(x, y, w, 0.2, 1.0, iterations=3000)
    assert (beta[1:] == 0).any()
    fit = PenalisedFit(x, y, w, clusters, beta, 0.2, 1.0)
    result = challenger_terms(["strong", "weak", "noise"], fit, 1.0, 10, 0)
    removed = [t for t, b in zip(result["terms"], beta[1:]) if b == 0]
    assert removed and all(
        t["standard_error_clustered"] is None and t["sign_flip_share"] is None for t in removed
    )
    assert result["selected"] == 3 - len(removed)
