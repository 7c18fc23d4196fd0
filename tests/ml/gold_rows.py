"""Synthetic rows shaped like gold.loan_default_features, small enough for unit tests.

80 borrowers over 8 monthly observation dates: 2024-01..2024-05 labelled, 2024-06 and 2024-07
with incomplete label windows, 2024-08 the scoring date. Default risk rises with a low credit
score, arrears and debt-to-income, so a model has something to find; some profile fields are
missing, as in gold when no customer version was known yet.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import types as T

MONTHS = [date(2024, m, 1) for m in range(1, 9)]
LABELLED = MONTHS[:5]
SCORING = MONTHS[-1]

MONEY = T.DecimalType(18, 2)
SCHEMA = T.StructType(
    [
        T.StructField("customer_id", T.StringType()),
        T.StructField("observation_date", T.DateType()),
        T.StructField("label_window_end", T.DateType()),
        T.StructField("is_label_complete", T.BooleanType()),
        T.StructField("is_scoring_date", T.BooleanType()),
        T.StructField("defaults_within_window", T.BooleanType()),
        T.StructField("default_date", T.DateType()),
        T.StructField("age_years", T.IntegerType()),
        T.StructField("tenure_months", T.LongType()),
        T.StructField("employment_status", T.StringType()),
        T.StructField("annual_income", MONEY),
        T.StructField("credit_score", T.IntegerType()),
        T.StructField("active_loan_count", T.LongType()),
        T.StructField("total_principal", MONEY),
        T.StructField("monthly_instalment", MONEY),
        T.StructField("debt_to_income", T.DoubleType()),
        T.StructField("max_interest_rate", T.DecimalType(7, 4)),
        T.StructField("primary_loan_type", T.StringType()),
        T.StructField("has_mortgage", T.BooleanType()),
        T.StructField("months_since_last_origination", T.LongType()),
        T.StructField("instalments_due_6m", T.LongType()),
        T.StructField("missed_instalments_3m", T.LongType()),
        T.StructField("missed_instalments_6m", T.LongType()),
        T.StructField("partial_payments_6m", T.LongType()),
        T.StructField("late_payments_6m", T.LongType()),
        T.StructField("days_past_due", T.LongType()),
        T.StructField("salary_inflow_3m", MONEY),
        T.StructField("salary_inflow_prior_3m", MONEY),
        T.StructField("salary_change_ratio_3m", T.DoubleType()),
        T.StructField("total_inflow_90d", MONEY),
        T.StructField("total_outflow_90d", MONEY),
        T.StructField("gambling_spend_90d", MONEY),
        T.StructField("gambling_share_90d", T.DoubleType()),
        T.StructField("cash_advance_90d", MONEY),
        T.StructField("fees_90d", MONEY),
        T.StructField("fees_3m", MONEY),
        T.StructField("card_spend_90d", MONEY),
        T.StructField("card_repayment_ratio_90d", T.DoubleType()),
        T.StructField("feature_data_max_date", T.DateType()),
    ]
)


def _money(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


def gold_records(customers: int = 80, seed: int = 7) -> list[tuple]:
    rng = np.random.default_rng(seed)
    records = []
    employment = ["employed", "employed", "employed", "self_employed", "retired", "unemployed"]
    loan_types = ["mortgage", "personal", "personal", "auto"]
    for c in range(customers):
        quality = rng.normal()
        income = float(np.exp(rng.normal(10.6, 0.4)))
        instalment = float(income / 12 * rng.uniform(0.05, 0.6))
        status = employment[int(rng.integers(len(employment)))]
        loan_type = loan_types[int(rng.integers(len(loan_types)))]
        profile_known_from = int(rng.integers(0, 3))  # months before the profile is known
        for m, day in enumerate(MONTHS):
            arrears = int(rng.random() < 0.08 * np.exp(-quality))
            dpd = int(arrears * rng.integers(1, 80))
            dti = 12 * instalment / income
            risk = -2.6 - 1.2 * quality + 2.0 * arrears + 1.5 * (dti - 0.3)
            defaults = bool(rng.random() < 1 / (1 + np.exp(-risk)))
            labelled = day in LABELLED
            known = m >= profile_known_from
            salary = income / 4 if rng.random() > 0.05 else 0.0
            card_spend = float(rng.choice([0.0, rng.uniform(100, 3000)]))
            outflow = income / 4 * rng.uniform(0.6, 1.1)
            gambling = float(rng.choice([0.0, 0.0, 0.0, rng.uniform(10, 400)]))
            records.append(
                (
                    f"C{c:05d}",
                    day,
                    date(day.year + 1, day.month, 1),
                    labelled,
                    day == SCORING,
                    defaults if labelled else None,
                    None,
                    int(rng.integers(22, 70)) if known else None,
                    int(rng.integers(3, 200)) if known else None,
                    status if known else None,
                    _money(income) if known else None,
                    int(np.clip(700 + 60 * quality + rng.normal(0, 25), 300, 850))
                    if known
                    else None,
                    1,
                    _money(instalment * 40),
                    _money(instalment),
                    dti if known else None,
                    Decimal(f"{float(rng.uniform(3, 15)):.4f}"),
                    loan_type,
                    loan_type == "mortgage",
                    int(rng.integers(1, 60)),
                    6,
                    min(arrears * int(rng.integers(1, 3)), 3),
                    arrears * int(rng.integers(1, 4)),
                    int(rng.integers(0, 2)),
                    int(rng.integers(0, 3)),
                    dpd,
                    _money(salary),
                    _money(income / 4),
                    salary / (income / 4),
                    _money(income / 4 * rng.uniform(0.9, 1.2)),
                    _money(outflow),
                    _money(gambling),
                    gambling / outflow,
                    _money(float(rng.choice([0.0, 0.0, rng.uniform(50, 500)]))),
                    _money(fees := float(rng.uniform(0, 60))),
                    _money(fees),  # fees_3m: the same fees (draws unchanged)
                    _money(card_spend),
                    float(rng.uniform(0.5, 1.5)) if card_spend else None,
                    date(day.year - (day.month == 1), (day.month - 2) % 12 + 1, 28),
                )
            )
    return records


def gold_frame(spark: SparkSession, customers: int = 80, seed: int = 7) -> DataFrame:
    return spark.createDataFrame(gold_records(customers, seed), SCHEMA)
