"""Risk bands, the scores table's shape, and the deterministic model version."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

import pytest
from pyspark.sql import functions as F

from ml.scoring import (
    RISK_BANDS,
    SCORES_SCHEMA,
    band_summary,
    data_fingerprint,
    model_version,
    risk_band,
    risk_band_column,
)

BOUNDARIES = [
    (0.0, "A"),
    (0.0099, "A"),
    (0.01, "B"),
    (0.0299, "B"),
    (0.03, "C"),
    (0.0999, "C"),
    (0.10, "D"),
    (0.2499, "D"),
    (0.25, "E"),
    (1.0, "E"),
]


@pytest.mark.parametrize(("probability", "band"), BOUNDARIES)
def test_band_lower_bounds_are_inclusive(probability, band):
    assert risk_band(probability) == band


def test_bands_cover_zero_to_one_without_gaps():
    assert RISK_BANDS[0].lower == 0.0 and RISK_BANDS[-1].upper == 1.0
    for below, above in itertools.pairwise(RISK_BANDS):
        assert below.upper == above.lower


def test_band_column_agrees_with_python_at_every_boundary(spark):
    frame = spark.createDataFrame([(p,) for p, _ in BOUNDARIES], "p double")
    got = [r["band"] for r in frame.select(risk_band_column(F.col("p")).alias("band")).collect()]
    assert got == [band for _, band in BOUNDARIES]


def test_probability_outside_zero_one_is_refused():
    with pytest.raises(ValueError):
        risk_band(1.2)


def test_band_summary_counts_and_back_tests():
    summary = band_summary([0.005, 0.02, 0.02, 0.5], [0, 1, 0, 1])
    by_band = {b["band"]: b for b in summary}
    assert [b["band"] for b in summary] == ["A", "B", "C", "D", "E"]
    assert by_band["B"]["rows"] == 2
    assert by_band["B"]["mean_pd"] == pytest.approx(0.02)
    assert by_band["B"]["observed_rate"] == pytest.approx(0.5)
    assert by_band["C"]["rows"] == 0 and by_band["C"]["observed_rate"] is None
    assert by_band["E"]["defaults"] == 1


def test_model_version_is_stable_and_sensitive():
    fingerprint = {"training_data": {"rows": 10, "hash_sum": "123"}, "config": {"seed": 42}}
    same = {"config": {"seed": 42}, "training_data": {"hash_sum": "123", "rows": 10}}
    assert model_version(fingerprint) == model_version(same)  # key order does not matter
    assert model_version(fingerprint).startswith("pd-lr-")
    changed = {**fingerprint, "config": {"seed": 43}}
    assert model_version(changed) != model_version(fingerprint)


def test_fingerprint_ignores_row_order_and_sees_any_change(spark):
    rows = [("A", 1.0), ("B", 0.0), ("C", 1.0)]
    frame = spark.createDataFrame(rows, "customer_id string, label double")
    shuffled = spark.createDataFrame(list(reversed(rows)), "customer_id string, label double")
    edited = spark.createDataFrame(
        [("A", 1.0), ("B", 1.0), ("C", 1.0)], "customer_id string, label double"
    )
    columns = ["customer_id", "label"]
    assert data_fingerprint(frame, columns) == data_fingerprint(shuffled.repartition(2), columns)
    assert data_fingerprint(frame, columns) != data_fingerprint(edited, columns)
    assert data_fingerprint(frame, columns)["rows"] == 3


def test_scores_schema_names_and_types():
    assert [(f.name, f.dataType.simpleString()) for f in SCORES_SCHEMA.fields] == [
        ("customer_id", "string"),
        ("observation_date", "date"),
        ("probability_of_default", "double"),
        ("risk_band", "string"),
        ("model_version", "string"),
        ("scored_at", "timestamp"),
        ("reason_1", "string"),
        ("reason_2", "string"),
        ("reason_3", "string"),
    ]


def test_scored_at_is_midnight_utc_of_the_observation_date(spark):
    from ml.scoring import score_table

    class Constant:
        """Stands in for a fitted model: every row gets the same probability vector."""

        def transform(self, frame):
            from pyspark.ml.functions import array_to_vector

            return frame.withColumn("probability", array_to_vector(F.array(F.lit(0.8), F.lit(0.2))))

    rows = spark.createDataFrame(
        [("C1", date(2025, 7, 1))], "customer_id string, observation_date date"
    )
    previous = spark.conf.get("spark.sql.session.timeZone")
    spark.conf.set("spark.sql.session.timeZone", "America/New_York")  # not UTC on purpose
    try:
        scores = score_table(Constant(), rows, "pd-lr-test")
        assert [(f.name, f.dataType) for f in scores.schema.fields] == [
            (f.name, f.dataType) for f in SCORES_SCHEMA.fields
        ]
        epoch = scores.select(F.unix_timestamp("scored_at").alias("s")).first()["s"]
        row = scores.first()
    finally:
        spark.conf.set("spark.sql.session.timeZone", previous)
    assert epoch == int(datetime(2025, 7, 1, tzinfo=UTC).timestamp())
    assert row["probability_of_default"] == pytest.approx(0.2)
    assert row["risk_band"] == "D"
    assert row["model_version"] == "pd-lr-test"
