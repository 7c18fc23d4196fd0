"""Probabilities of default per customer, risk bands, and the model version stamped on them.

Output schema of gold.customer_default_scores (a dbt source is declared on these names):
customer_id string, observation_date date, probability_of_default double, risk_band string,
model_version string, scored_at timestamp, then reason_1 to reason_3: the adverse-action
reasons, in plain words (ml/reason_codes.csv), of the inputs that cost the borrower the most
against their best bin in the champion scorecard (null when fewer inputs cost anything).

scored_at is the as-of of the data (midnight UTC of the scoring observation date), never the
clock of the run (invariant 5: the same inputs give the same table).
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from pyspark.ml import PipelineModel
from pyspark.ml.functions import vector_to_array
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

from ml.pipeline import PROBABILITY

PD = "probability_of_default"


@dataclass(frozen=True)
class RiskBand:
    band: str
    lower: float  # inclusive
    upper: float  # exclusive (the last band includes 1)
    meaning: str


# A master scale in the usual retail shape: bands widen as PD grows, so each band holds a
# meaningful share of borrowers and its default rate can be back-tested.
RISK_BANDS = (
    RiskBand("A", 0.00, 0.01, "very low: PD below 1%"),
    RiskBand("B", 0.01, 0.03, "low: PD 1% to 3%"),
    RiskBand("C", 0.03, 0.10, "medium: PD 3% to 10%"),
    RiskBand("D", 0.10, 0.25, "high: PD 10% to 25%"),
    RiskBand("E", 0.25, 1.00, "very high: PD 25% or more"),
)

SCORES_SCHEMA = T.StructType(
    [
        T.StructField("customer_id", T.StringType()),
        T.StructField("observation_date", T.DateType()),
        T.StructField(PD, T.DoubleType()),
        T.StructField("risk_band", T.StringType()),
        T.StructField("model_version", T.StringType()),
        T.StructField("scored_at", T.TimestampType()),
        T.StructField("reason_1", T.StringType()),
        T.StructField("reason_2", T.StringType()),
        T.StructField("reason_3", T.StringType()),
    ]
)
REASONS = ("reason_1", "reason_2", "reason_3")
REASON_CODES_FILE = Path(__file__).with_name("reason_codes.csv")


def risk_band(probability: float) -> str:
    if not 0.0 <= probability <= 1.0:
        raise ValueError(f"a probability lies in [0, 1], not {probability}")
    for band in RISK_BANDS:
        if probability < band.upper:
            return band.band
    return RISK_BANDS[-1].band


def risk_band_column(probability: Column) -> Column:
    """The same bands as `risk_band`, as a Spark column."""
    column = F.when(probability < F.lit(RISK_BANDS[0].upper), RISK_BANDS[0].band)
    for band in RISK_BANDS[1:-1]:
        column = column.when(probability < F.lit(band.upper), band.band)
    return column.otherwise(RISK_BANDS[-1].band)


def predict(model: PipelineModel, frame: DataFrame) -> DataFrame:
    """`frame` with probability_of_default added (the calibrated PD)."""
    return model.transform(frame).withColumn(PD, vector_to_array(F.col(PROBABILITY))[1])


def data_fingerprint(frame: DataFrame, columns: list[str]) -> dict:
    """Row count and an order-independent hash of `columns` over all rows.

    The sum of 64-bit row hashes is taken as decimal(38, 0) so it cannot overflow (and behaves
    the same with ANSI mode on, as on Databricks serverless).
    """
    row = frame.agg(
        F.count(F.lit(1)).alias("rows"),
        F.sum(F.xxhash64(*columns).cast("decimal(38,0)")).alias("hash_sum"),
    ).first()
    return {"rows": int(row["rows"]), "hash_sum": str(row["hash_sum"])}


def model_version(fingerprint: dict) -> str:
    """A short deterministic id from everything that decides the model (data, settings, code)."""
    canonical = json.dumps(fingerprint, sort_keys=True, separators=(",", ":"), default=str)
    return "pd-lr-" + hashlib.sha256(canonical.encode()).hexdigest()[:16]


def score_table(model: PipelineModel, scoring_rows: DataFrame, version: str) -> DataFrame:
    """The scores, one row per customer at the scoring date, in SCORES_SCHEMA."""
    scored = predict(model, scoring_rows)
    scored_at = F.expr(
        "make_timestamp(year(observation_date), month(observation_date), "
        "day(observation_date), 0, 0, 0, 'UTC')"
    )
    return scored.select(
        F.col("customer_id").cast("string").alias("customer_id"),
        F.col("observation_date").cast("date").alias("observation_date"),
        F.col(PD).cast("double").alias(PD),
        risk_band_column(F.col(PD)).alias("risk_band"),
        F.lit(version).cast("string").alias("model_version"),
        scored_at.cast("timestamp").alias("scored_at"),
        *(F.lit(None).cast("string").alias(r) for r in REASONS),
    )


def reason_templates(path: Path = REASON_CODES_FILE) -> dict[str, tuple[str, str]]:
    """feature -> (wording, wording when a 0/1 flag is off), from ml/reason_codes.csv."""
    with path.open(newline="") as handle:
        return {
            row["feature"]: (row["reason"], row.get("reason_when_off") or "")
            for row in csv.DictReader(handle)
        }


def reason_text(feature: str, value, templates: dict[str, tuple[str, str]]) -> str:
    """One adverse-action reason in plain words."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return f"{feature.replace('_', ' ')} not known"
    wording, when_off = templates.get(feature, ("", ""))
    if when_off and float(value) == 0.0:
        return when_off
    if not wording:
        return f"{feature.replace('_', ' ')} of {value}"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return wording.format(value=value)
    try:
        return wording.format(value=number)
    except ValueError:
        return wording.format(value=value)


def champion_scores(spark, rows: pd.DataFrame, card, version: str, pds: np.ndarray):
    """The scores table from the champion scorecard's PDs and its reasons, in SCORES_SCHEMA."""
    from datetime import UTC, datetime

    templates = reason_templates()
    reasons = card.reasons(rows, top=len(REASONS))
    records = []
    for index, (customer, day) in enumerate(
        zip(rows["customer_id"], rows["observation_date"], strict=True)
    ):
        texts = [reason_text(f, rows[f].iloc[index], templates) for f, _ in reasons[index]]
        texts += [None] * (len(REASONS) - len(texts))
        pd_value = float(pds[index])
        records.append(
            (
                str(customer),
                day,
                pd_value,
                risk_band(pd_value),
                version,
                datetime(day.year, day.month, day.day, tzinfo=UTC),
                *texts,
            )
        )
    return spark.createDataFrame(records, SCORES_SCHEMA)


def band_summary(probabilities, outcomes=None) -> list[dict]:
    """Rows, mean PD and (with outcomes) observed default rate per risk band, in band order.

    `probabilities` and `outcomes` are sequences of the same length; bands without rows are
    listed with zero rows so that every report shows the whole scale.
    """
    rows: dict[str, list[tuple[float, float | None]]] = {b.band: [] for b in RISK_BANDS}
    labels = [None] * len(probabilities) if outcomes is None else list(outcomes)
    for probability, outcome in zip(probabilities, labels, strict=True):
        rows[risk_band(float(probability))].append((float(probability), outcome))
    summary = []
    for band in RISK_BANDS:
        members = rows[band.band]
        entry = {
            "band": band.band,
            "pd_from": band.lower,
            "pd_to": band.upper,
            "meaning": band.meaning,
            "rows": len(members),
            "mean_pd": sum(p for p, _ in members) / len(members) if members else None,
        }
        if outcomes is not None:
            defaults = sum(float(o) for _, o in members)
            entry["defaults"] = int(defaults)
            entry["observed_rate"] = defaults / len(members) if members else None
        summary.append(entry)
    return summary
