"""Probabilities of default per customer, risk bands, and the model version stamped on them.

Output schema of gold.customer_default_scores (a dbt source is declared on these names):
customer_id string, observation_date date, probability_of_default double, risk_band string,
model_version string, scored_at timestamp.

scored_at is the as-of of the data (midnight UTC of the scoring observation date), never the
clock of the run (invariant 5: the same inputs give the same table).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

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
    ]
)


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
    )


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
