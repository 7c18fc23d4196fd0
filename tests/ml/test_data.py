"""Reading gold for the model: schema checks, key and point-in-time checks, the truth file."""

from __future__ import annotations

from datetime import date

import pytest
from pyspark.sql import functions as F

from finlake.errors import FinlakeError
from ml.data import (
    features_path,
    profile,
    read_features_parquet,
    read_truth,
    validate_features,
)
from ml.features import feature_spec


def test_validated_frame_has_the_model_columns_and_a_numeric_label(gold):
    frame = validate_features(gold, "gold")
    assert "label" in frame.columns
    assert "default_date" not in frame.columns  # label-side columns are not carried
    for column in feature_spec().source_columns:
        assert column in frame.columns
    labels = {
        (r["defaults_within_window"], r["label"])
        for r in frame.select("defaults_within_window", "label").distinct().collect()
    }
    assert labels == {(True, 1.0), (False, 0.0), (None, None)}


def test_missing_column_is_named(gold):
    with pytest.raises(FinlakeError, match="Column credit_score is missing from gold"):
        validate_features(gold.drop("credit_score"), "gold")


def test_wrong_type_is_named(gold):
    broken = gold.withColumn("annual_income", F.col("annual_income").cast("string"))
    with pytest.raises(FinlakeError, match="Column annual_income of gold has type string"):
        validate_features(broken, "gold")


def test_profile_counts_rows_labels_defaults_and_nulls(gold):
    frame = validate_features(gold, "gold")
    summary, nulls = profile(frame, "gold")  # raises on a failed check
    assert len(summary) == 8
    assert [s.labelled_rows == s.rows == 80 for s in summary] == [True] * 5 + [False] * 3
    assert [s.is_scoring_date for s in summary] == [False] * 7 + [True]
    by_hand = {
        r["observation_date"]: int(r["defaults"])
        for r in frame.groupBy("observation_date").agg(F.sum("label").alias("defaults")).collect()
        if r["defaults"] is not None
    }
    assert {s.observation_date: s.defaults for s in summary if s.labelled_rows} == by_hand
    expected = frame.filter(F.col("credit_score").isNull()).count() / frame.count()
    assert nulls["credit_score"] == pytest.approx(expected, abs=1e-4)
    assert nulls["total_principal"] == 0.0


def _set_for(frame, customer: str, column: str, value):
    """`frame` with `column` of one customer's rows set to `value`."""
    return frame.withColumn(
        column, F.when(F.col("customer_id") == customer, value).otherwise(F.col(column))
    )


def test_duplicate_keys_stop_the_run(gold):
    frame = validate_features(gold, "gold")
    doubled = frame.unionByName(frame.limit(2))
    with pytest.raises(FinlakeError, match="2 duplicate"):
        profile(doubled, "gold")


def test_feature_read_on_the_observation_date_stops_the_run(gold):
    frame = validate_features(gold, "gold")
    leaky = _set_for(frame, "C00003", "feature_data_max_date", F.col("observation_date"))
    with pytest.raises(FinlakeError, match="8 rows whose features read data from on or after"):
        profile(leaky, "gold")


def test_missing_key_stops_the_run(gold):
    frame = validate_features(gold, "gold")
    broken = _set_for(frame, "C00001", "customer_id", None)
    with pytest.raises(FinlakeError, match="8 rows without customer_id or date"):
        profile(broken, "gold")


def test_missing_export_says_what_to_run(spark, tmp_path):
    with pytest.raises(FinlakeError) as error:
        read_features_parquet(spark, tmp_path)
    assert str(error.value) == (
        f"No gold features under {features_path(tmp_path)}; run finlake build first."
    )


def test_truth_is_read_when_present(spark, tmp_path):
    path = tmp_path / "default_risk_monthly.csv"
    path.write_text(
        '"customer_id","observation_date","delinquency_state_before","income_shock_before",'
        '"true_pd_12m","defaults_within_12m","window_complete"\n'
        '"C1","2024-06-01",0,false,0.0125,false,true\n'
    )
    row = read_truth(spark, path).first()
    assert row.asDict() == {
        "customer_id": "C1",
        "observation_date": date(2024, 6, 1),
        "true_pd_12m": 0.0125,
    }
    assert read_truth(spark, tmp_path / "absent.csv") is None


def test_truth_without_the_probability_is_refused(spark, tmp_path):
    path = tmp_path / "truth.csv"
    path.write_text("customer_id,observation_date\nC1,2024-06-01\n")
    with pytest.raises(FinlakeError, match="no column true_pd_12m"):
        read_truth(spark, path)
