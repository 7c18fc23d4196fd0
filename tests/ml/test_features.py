"""The prepare stage: gold columns in, model inputs out, on hand-written rows."""

from __future__ import annotations

import math

import pytest
from pyspark.ml.feature import SQLTransformer

from ml.features import (
    CAPPED,
    feature_spec,
    input_column,
    prepare_statement,
)
from tests.ml.gold_rows import SCHEMA, gold_records


def prepared(spark, **changes):
    """One synthetic gold row with `changes` applied, through the prepare stage."""
    record = dict(zip(SCHEMA.names, gold_records(customers=1)[0], strict=True))
    record.update(changes)
    frame = spark.createDataFrame([tuple(record[n] for n in SCHEMA.names)], SCHEMA)
    return SQLTransformer(statement=prepare_statement()).transform(frame).first()


def test_every_model_input_has_a_column(spark):
    row = prepared(spark)
    spec = feature_spec()
    for feature in (*spec.numeric, *spec.indicators, *spec.categorical):
        assert input_column(feature) in row.asDict()


def test_amounts_become_log_one_plus(spark):
    from decimal import Decimal

    row = prepared(spark, annual_income=Decimal("1000.00"), fees_3m=Decimal("0.00"))
    assert row[input_column("log_annual_income")] == pytest.approx(math.log(1001.0))
    assert row[input_column("log_fees_3m")] == 0.0


def test_ratios_are_capped(spark):
    row = prepared(spark, debt_to_income=5.0, card_repayment_ratio_90d=0.5)
    assert row[input_column("debt_to_income")] == CAPPED["debt_to_income"]
    assert row[input_column("card_repayment_ratio_90d")] == 0.5


def test_a_salary_that_fell_by_half_is_a_step_and_calendar_wiggles_are_not(spark):
    """Weekly pay gives 12 to 14 paydays in 3 calendar months: a ratio of 0.79 or 1.27 is the
    calendar, 0.4 is a lost income."""
    for ratio, flag in ((0.79, 0.0), (1.27, 0.0), (0.4, 1.0), (None, 0.0)):
        row = prepared(spark, salary_change_ratio_3m=ratio)
        assert row[input_column("salary_fell_by_half")] == flag, ratio
    assert input_column("salary_change_ratio_3m") not in prepared(spark).asDict()


def test_missing_values_stay_null_and_raise_their_indicator(spark):
    row = prepared(spark, credit_score=None, annual_income=None, debt_to_income=None)
    assert row[input_column("credit_score")] is None  # the Imputer fills it later
    assert row[input_column("credit_score_missing")] == 1.0
    assert row[input_column("annual_income_missing")] == 1.0
    assert row[input_column("log_annual_income")] is None
    assert row[input_column("debt_to_income")] is None  # not the cap: least() skips nulls
    present = prepared(spark, credit_score=700)
    assert present[input_column("credit_score_missing")] == 0.0


def test_missing_category_is_unknown(spark):
    row = prepared(spark, employment_status=None)
    assert row[input_column("employment_status")] == "unknown"


def test_derived_flags(spark):
    from decimal import Decimal

    row = prepared(
        spark,
        days_past_due=12,
        salary_inflow_3m=Decimal("0.00"),
        salary_inflow_prior_3m=Decimal("9000.00"),
        gambling_spend_90d=Decimal("0.00"),
        cash_advance_90d=Decimal("40.00"),
        has_mortgage=None,
    )
    assert row[input_column("is_in_arrears")] == 1.0
    assert row[input_column("salary_stopped")] == 1.0
    assert row[input_column("has_gambling_spend")] == 0.0
    assert row[input_column("has_cash_advance")] == 1.0
    assert row[input_column("has_mortgage")] == 0.0
    current = prepared(spark, days_past_due=0, salary_inflow_3m=Decimal("100.00"))
    assert current[input_column("is_in_arrears")] == 0.0
    assert current[input_column("salary_stopped")] == 0.0


def test_label_side_columns_are_not_inputs():
    spec = feature_spec()
    for column in ("defaults_within_window", "default_date", "label_window_end"):
        assert column not in spec.source_columns
        assert column not in prepare_statement()
