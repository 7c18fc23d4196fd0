"""The out-of-time split: which months train, test and score, and the checks that hold it."""

from __future__ import annotations

from datetime import date

import pytest
from pyspark.sql import functions as F

from finlake.errors import ConfigError, FinlakeError
from ml.config import TrainConfig
from ml.split import (
    FOLD,
    DateSummary,
    add_months,
    assert_out_of_time,
    fold_column,
    months_between,
    plan_out_of_time,
    role_column,
)


def month(m: int) -> date:
    return add_months(date(2024, 1, 1), m)


def history(labelled: int = 7, unlabelled: int = 3, rows: int = 10) -> list[DateSummary]:
    """`labelled` complete months from 2024-01, then unlabelled months, then the scoring date."""
    summary = [DateSummary(month(m), rows, rows, False) for m in range(labelled)]
    summary += [DateSummary(month(labelled + m), rows, 0, False) for m in range(unlabelled)]
    summary.append(DateSummary(month(labelled + unlabelled), rows, 0, True))
    return summary


def test_month_arithmetic():
    assert add_months(date(2024, 11, 1), 3) == date(2025, 2, 1)
    assert add_months(date(2024, 1, 1), -1) == date(2023, 12, 1)
    assert months_between(date(2024, 6, 1), date(2025, 5, 1)) == 11


def test_latest_labelled_months_are_the_test_set():
    plan = plan_out_of_time(history(), TrainConfig(test_months=2))
    assert plan.train_dates == tuple(month(m) for m in range(5))
    assert plan.test_dates == (month(5), month(6))
    assert plan.gap_dates == ()
    assert plan.unlabelled_dates == (month(7), month(8), month(9))
    assert plan.scoring_date == month(10)
    assert max(plan.train_dates) < min(plan.test_dates) < plan.scoring_date


def test_gap_months_sit_between_training_and_test():
    plan = plan_out_of_time(history(), TrainConfig(test_months=2, gap_months=1))
    assert plan.train_dates == tuple(month(m) for m in range(4))
    assert plan.gap_dates == (month(4),)
    assert plan.test_dates == (month(5), month(6))


def test_label_overlap_is_reported():
    # Last training month 2024-05: its window ends 2025-05, 11 months after the test start.
    plan = plan_out_of_time(history(), TrainConfig(test_months=2))
    assert plan.label_overlap_months == 11
    assert plan.as_dict()["label_overlap_months"] == 11
    # With 11 gap months the windows no longer overlap.
    long = plan_out_of_time(history(labelled=14), TrainConfig(test_months=2, gap_months=11))
    assert long.train_dates[-1] == month(0)
    assert long.label_overlap_months == 0


def test_too_short_a_history_is_a_config_error():
    with pytest.raises(ConfigError, match=r"3 labelled observation months.*at least 4"):
        plan_out_of_time(history(labelled=3), TrainConfig(test_months=2, gap_months=1))


def test_partly_labelled_date_is_refused():
    summary = history()
    summary[2] = DateSummary(month(2), 10, 4, False)
    with pytest.raises(FinlakeError, match="only partly labelled"):
        plan_out_of_time(summary, TrainConfig())


def test_exactly_one_scoring_date_is_required():
    summary = [s for s in history() if not s.is_scoring_date]
    with pytest.raises(FinlakeError, match="exactly one scoring date"):
        plan_out_of_time(summary, TrainConfig())


def test_roles_follow_the_plan(spark):
    plan = plan_out_of_time(history(labelled=4, unlabelled=1), TrainConfig(test_months=1))
    rows = [(f"C{m}", month(m)) for m in range(6)]
    frame = spark.createDataFrame(rows, "customer_id string, observation_date date")
    roles = dict(frame.select("customer_id", role_column(plan).alias("role")).collect())
    assert roles == {
        "C0": "train",
        "C1": "train",
        "C2": "train",
        "C3": "test",
        "C4": "unlabelled",
        "C5": "scoring",
    }


def test_out_of_time_check_passes_on_ordered_sets(spark):
    schema = "customer_id string, observation_date date"
    train = spark.createDataFrame([("A", month(0)), ("B", month(1))], schema)
    test = spark.createDataFrame([("A", month(2))], schema)
    scoring = spark.createDataFrame([("A", month(4))], schema)
    assert_out_of_time(train, test, scoring)  # raises on failure


def test_out_of_time_check_catches_a_training_row_in_the_test_period(spark):
    schema = "customer_id string, observation_date date"
    train = spark.createDataFrame([("A", month(0)), ("B", month(2))], schema)
    test = spark.createDataFrame([("A", month(2))], schema)
    scoring = spark.createDataFrame([("A", month(4))], schema)
    with pytest.raises(FinlakeError, match="Training rows reach 2024-03-01"):
        assert_out_of_time(train, test, scoring)


def test_out_of_time_check_catches_an_empty_test_set(spark):
    schema = "customer_id string, observation_date date"
    train = spark.createDataFrame([("A", month(0))], schema)
    empty = spark.createDataFrame([], schema)
    with pytest.raises(FinlakeError, match=r"test set .* is empty"):
        assert_out_of_time(train, empty, train)


def test_folds_group_rows_by_customer(spark):
    rows = [(f"C{c}", month(m)) for c in range(200) for m in range(3)]
    frame = spark.createDataFrame(rows, "customer_id string, observation_date date")
    folded = frame.withColumn(FOLD, fold_column(3, seed=42))
    per_customer = folded.groupBy("customer_id").agg(F.count_distinct(FOLD).alias("folds"))
    assert per_customer.filter(F.col("folds") != 1).count() == 0
    sizes = {r[FOLD]: r["count"] for r in folded.groupBy(FOLD).count().collect()}
    assert set(sizes) == {0, 1, 2}
    assert min(sizes.values()) > 100  # 600 rows spread over three folds, none tiny
    again = frame.withColumn(FOLD, fold_column(3, seed=42))
    assert sorted(folded.collect()) == sorted(again.collect())


def test_holdout_takes_a_share_of_each_outcome_and_never_splits_a_customer(spark):
    from ml.split import holdout_customers

    plan = plan_out_of_time(history(labelled=7), TrainConfig())
    # 200 customers over 7 labelled months; 20 of them default at a test month.
    rows = [
        (f"C{c}", month(m), 1.0 if (c < 20 and month(m) in plan.test_dates) else 0.0)
        for c in range(200)
        for m in range(7)
    ]
    frame = spark.createDataFrame(rows, "customer_id string, observation_date date, label double")
    held = {r[0] for r in holdout_customers(frame, plan, share=0.3, seed=42).collect()}
    defaulters = {f"C{c}" for c in range(20)}
    assert 5 <= len(held & defaulters) <= 7  # 30% of the 20 test defaulters
    assert 50 <= len(held - defaulters) <= 58  # 30% of the other 180
    again = {r[0] for r in holdout_customers(frame, plan, share=0.3, seed=42).collect()}
    assert held == again
    other_seed = {r[0] for r in holdout_customers(frame, plan, share=0.3, seed=7).collect()}
    assert other_seed != held


def test_out_of_borrower_check_catches_a_shared_customer(spark):
    from ml.split import assert_out_of_borrower

    schema = "customer_id string, observation_date date"
    train = spark.createDataFrame([("A", month(0)), ("B", month(1))], schema)
    assert_out_of_borrower(train, spark.createDataFrame([("C", month(2))], schema))
    with pytest.raises(FinlakeError, match="1 test customers also have training rows"):
        assert_out_of_borrower(train, spark.createDataFrame([("B", month(2))], schema))
