"""Fitting the model on synthetic gold rows: weighting, calibration, determinism, persistence,
and the odds-ratio table reproducing the model's own PDs."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pyspark.ml import PipelineModel
from pyspark.ml.functions import vector_to_array
from pyspark.sql import functions as F

from ml import explain
from ml.config import TrainConfig
from ml.data import validate_features
from ml.features import feature_spec, input_column
from ml.pipeline import class_weights, fit
from ml.scoring import PD, predict
from ml.split import FOLD, fold_column
from tests.ml.gold_rows import LABELLED, SCORING

# A two-point grid and two folds keep the test quick; the real grid is TrainConfig's default.
CONFIG = TrainConfig(
    reg_params=(0.01, 0.1), elastic_net_params=(0.0,), num_folds=2, grid_widenings=1
)


@pytest.fixture(scope="module")
def train(gold):
    rows = validate_features(gold, "synthetic gold")
    return (
        rows.filter(F.col("observation_date").isin(LABELLED))
        .withColumn(FOLD, fold_column(CONFIG.num_folds, CONFIG.seed))
        .cache()
    )


@pytest.fixture(scope="module")
def scoring_rows(gold):
    return validate_features(gold, "synthetic gold").filter(F.col("observation_date") == SCORING)


@pytest.fixture(scope="module")
def fitted(train):
    return fit(train, CONFIG, feature_spec())


def pds(model, frame) -> np.ndarray:
    rows = predict(model, frame).orderBy("customer_id", "observation_date").select(PD).collect()
    return np.array([r[PD] for r in rows])


def test_class_weights_give_each_class_half_the_weight():
    default, other = class_weights(positives=10, negatives=90)
    assert default == pytest.approx(100 / 20)
    assert other == pytest.approx(100 / 180)
    assert 10 * default == pytest.approx(90 * other)


def test_class_weights_need_both_classes():
    with pytest.raises(ValueError):
        class_weights(0, 10)


def test_grid_is_searched_and_best_point_chosen(fitted):
    assert len(fitted.grid) in (2, 2 + CONFIG.grid_widenings)  # widened when at an edge
    best = min(fitted.grid, key=lambda p: p["cv_weighted_log_loss"])
    assert {k: fitted.best[k] for k in ("regParam", "elasticNetParam")} == {
        "regParam": best["regParam"],
        "elasticNetParam": best["elasticNetParam"],
    }


def test_weighting_inflates_and_calibration_restores_the_default_rate(fitted, train):
    scored = predict(fitted.model, train).select(
        "label", PD, vector_to_array("weighted_probability")[1].alias("weighted")
    )
    row = scored.agg(
        F.avg("label").alias("rate"), F.avg(PD).alias("pd"), F.avg("weighted").alias("weighted")
    ).first()
    # Balanced weights push the raw mean PD towards 1/2; the calibration stage brings it back
    # to the training default rate (an intercept-fitted logistic matches it in sample).
    assert row["weighted"] > 2 * row["rate"]
    assert row["pd"] == pytest.approx(row["rate"], abs=1e-4)
    assert fitted.calibration_intercept < 0


def test_model_ranks_training_rows_well_above_chance(fitted, train):
    from ml.evaluation import auc_roc

    rows = predict(fitted.model, train).select("label", PD).collect()
    assert auc_roc(np.array([r[0] for r in rows]), np.array([r[1] for r in rows])) > 0.7


def test_same_data_gives_the_same_model_and_scores(fitted, train, scoring_rows):
    again = fit(train, CONFIG, feature_spec())
    assert again.best == fitted.best
    np.testing.assert_array_equal(pds(again.model, scoring_rows), pds(fitted.model, scoring_rows))


def test_saved_model_scores_the_same(fitted, scoring_rows, tmp_path):
    fitted.model.write().save(str(tmp_path / "model"))
    loaded = PipelineModel.load(str(tmp_path / "model"))
    np.testing.assert_array_equal(pds(loaded, scoring_rows), pds(fitted.model, scoring_rows))


def test_unseen_categories_and_missing_values_are_scored(fitted, scoring_rows):
    odd = scoring_rows.limit(3).select(
        *[c for c in scoring_rows.columns if c not in ("employment_status", "credit_score")],
        F.lit("contractor").alias("employment_status"),
        F.lit(None).cast("int").alias("credit_score"),
    )
    values = pds(fitted.model, odd)
    assert len(values) == 3
    assert np.all((values > 0) & (values < 1))


def test_odds_ratio_table_reproduces_the_models_pd(fitted, scoring_rows):
    """Rebuild each PD by hand from the published table: the table is the model."""
    terms = {t.feature: t for t in explain.odds_ratio_table(fitted.model)}
    spec = feature_spec()
    prepare = fitted.model.stages[0]
    rows = prepare.transform(scoring_rows).orderBy("customer_id", "observation_date").collect()
    expected = pds(fitted.model, scoring_rows)
    for row, model_pd in zip(rows, expected, strict=True):
        log_odds = terms["intercept"].coefficient
        for feature in spec.numeric:
            t = terms[feature]
            value = row[input_column(feature)]
            value = t.imputed_with if value is None else value
            if t.scale > 0:  # a constant input is scaled to 0 by Spark: no contribution
                log_odds += t.coefficient * (value - t.centre) / t.scale
        for feature in spec.indicators:
            log_odds += terms[feature].coefficient * row[input_column(feature)]
        for column in spec.categorical:
            level = terms.get(f"{column}={row[input_column(column)]}")
            log_odds += level.coefficient if level else 0.0
        assert 1 / (1 + math.exp(-log_odds)) == pytest.approx(model_pd, rel=1e-9, abs=1e-12)


def test_reference_category_has_odds_ratio_one(fitted):
    terms = explain.odds_ratio_table(fitted.model)
    references = [t for t in terms if t.description.startswith("reference category")]
    assert {t.feature.split("=")[0] for t in references} == set(feature_spec().categorical)
    assert all(t.odds_ratio == 1.0 for t in references)


def test_every_input_is_standardised_flags_included(fitted):
    """One penalty over inputs on one scale: the scaler covers every column of the vector,
    0/1 indicators and one-hot columns too (they were left unscaled before)."""
    parts = explain.model_parts(fitted.model)
    assert len(parts.scaler.std) == parts.scorecard.numFeatures
    flags = len(parts.numeric) + parts.indicators.index("is_in_arrears")
    assert 0 < parts.scaler.std[flags] < 1  # a 0/1 flag's SD: it is scaled, not left at 1


def test_penalty_grid_is_widened_until_its_optimum_is_inside(fitted):
    tried = sorted({p["regParam"] for p in fitted.grid})
    chosen = fitted.best["regParam"]
    if fitted.best["grid_edge"] is None:
        assert tried[0] < chosen < tried[-1]
    else:  # still at an end after the widening allowed: it says which, and it did widen
        assert len(tried) == len(CONFIG.reg_params) + CONFIG.grid_widenings


def test_grid_edge():
    from ml.pipeline import grid_edge

    assert grid_edge(0.01, [0.001, 0.01, 0.1]) is None
    assert grid_edge(0.1, [0.001, 0.01, 0.1]) == "highest"
    assert grid_edge(0.001, [0.001, 0.01, 0.1]) == "lowest"


def test_effective_coefficients_fold_in_the_calibration():
    beta, intercept = explain.effective_coefficients([1.0, -2.0], 0.5, slope=2.0, intercept=-1.0)
    assert beta == [2.0, -4.0]
    assert intercept == 0.0


def test_reference_coding_moves_the_reference_into_the_intercept():
    coded, shift = explain.reference_coded(["a", "b", "c"], [0.5, 0.2, -0.1], reference="a")
    assert coded == pytest.approx({"a": 0.0, "b": -0.3, "c": -0.6})
    assert shift == 0.5
