"""Reading gold for the model: the features (Parquet export or catalog table) and the truth.

Input: gold.loan_default_features — one row per borrower per monthly observation date.
Output: a DataFrame with the columns the model reads, checked against the schema the dbt
contract promises, plus `label` (1.0 / 0.0, null where the label window is incomplete).

Nothing is dropped silently: a duplicate key or a feature read from the future stops the run
with a sentence naming the table, since either means gold is broken.
"""

from __future__ import annotations

from pathlib import Path

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from finlake.errors import FinlakeError
from finlake.lake import Lake
from ml.features import KEYS, LABEL, LABEL_SOURCE, FeatureSpec, feature_spec
from ml.split import DateSummary

FEATURES_MODEL = "loan_default_features"
TRUTH_FILE = "default_risk_monthly.csv"

# Type families the model accepts per column kind; the dbt contract fixes the exact types.
_NUMERIC = (
    T.ByteType,
    T.ShortType,
    T.IntegerType,
    T.LongType,
    T.FloatType,
    T.DoubleType,
    T.DecimalType,
)
_REQUIRED = {
    "customer_id": (T.StringType,),
    "observation_date": (T.DateType,),
    "is_scoring_date": (T.BooleanType,),
    LABEL_SOURCE: (T.BooleanType,),
    "feature_data_max_date": (T.DateType,),
    "has_mortgage": (T.BooleanType,),
    "employment_status": (T.StringType,),
    "primary_loan_type": (T.StringType,),
}


def features_path(lake_root: Path) -> Path:
    return Lake(lake_root).export(FEATURES_MODEL)


def read_features_parquet(spark: SparkSession, lake_root: Path) -> DataFrame:
    path = features_path(lake_root)
    if not any(path.glob("*.parquet")):
        raise FinlakeError(f"No gold features under {path}; run finlake build first.")
    return spark.read.parquet(str(path))


def read_features_table(spark: SparkSession, table: str) -> DataFrame:
    if not spark.catalog.tableExists(table):
        raise FinlakeError(
            f"The features table {table} does not exist; set the features_table widget to the "
            "catalog name of gold.loan_default_features."
        )
    return spark.table(table)


def column_kinds(frame: DataFrame) -> dict[str, str]:
    """Each column of `frame` as 'numeric', 'boolean', 'string' or 'other'."""
    kinds = {}
    for field in frame.schema.fields:
        if isinstance(field.dataType, _NUMERIC):
            kinds[field.name] = "numeric"
        elif isinstance(field.dataType, T.BooleanType):
            kinds[field.name] = "boolean"
        elif isinstance(field.dataType, T.StringType):
            kinds[field.name] = "string"
        else:
            kinds[field.name] = "other"
    return kinds


def validate_features(frame: DataFrame, source: str, spec: FeatureSpec | None = None) -> DataFrame:
    """The columns the model reads, with their types checked, and the label as a double.

    Without `spec`, the model reads the designed columns (all required) plus any other numeric
    or boolean column of `frame` that is not label-side or lineage (features.feature_spec).
    """
    fields = {f.name: f.dataType for f in frame.schema.fields}
    designed = feature_spec()
    required = (
        *KEYS,
        "is_scoring_date",
        LABEL_SOURCE,
        "feature_data_max_date",
        *designed.source_columns,
    )
    for column in required:
        if column not in fields:
            raise FinlakeError(f"Column {column} is missing from {source}; rebuild gold.")
        allowed = _REQUIRED.get(column, _NUMERIC)
        if not isinstance(fields[column], allowed):
            raise FinlakeError(
                f"Column {column} of {source} has type {fields[column].simpleString()}, "
                f"not {' or '.join(a.typeName() for a in allowed)}; rebuild gold."
            )
    spec = spec or feature_spec(column_kinds(frame))
    wanted = (*required, *(c for c in spec.source_columns if c not in required))
    return frame.select(*wanted, F.col(LABEL_SOURCE).cast("double").alias(LABEL))


def profile(
    frame: DataFrame, source: str, spec: FeatureSpec | None = None
) -> tuple[list[DateSummary], dict[str, float]]:
    """One pass over the features: rows, labels and defaults per observation date, and the
    share of nulls per model column; stops the run on a broken key or a feature from the future.

    Checks: no null key; one row per customer and date (counted within each date, since the
    date is part of the key); every feature known before its observation date.
    """
    columns = (spec or feature_spec()).source_columns
    per_date = (
        frame.groupBy("observation_date")
        .agg(
            F.count(F.lit(1)).alias("__rows"),
            F.count("customer_id").alias("__with_id"),
            F.count_distinct("customer_id").alias("__customers"),
            F.count(LABEL).alias("__labelled"),
            F.sum(LABEL).alias("__defaults"),
            F.max(F.col("is_scoring_date").cast("int")).alias("__scoring"),
            F.count(F.when(F.col("feature_data_max_date") >= F.col("observation_date"), 1)).alias(
                "__future"
            ),
            *(F.count(F.when(F.col(c).isNull(), 1)).alias(c) for c in columns),
        )
        .orderBy("observation_date")
        .collect()
    )
    total = sum(r["__rows"] for r in per_date)
    if total == 0:
        raise FinlakeError(f"{source} has no rows; run finlake build first.")
    null_keys = sum(
        r["__rows"] if r["observation_date"] is None else r["__rows"] - r["__with_id"]
        for r in per_date
    )
    if null_keys:
        raise FinlakeError(f"{source} has {null_keys} rows without customer_id or date.")
    duplicates = sum(r["__with_id"] - r["__customers"] for r in per_date)
    if duplicates:
        raise FinlakeError(
            f"{source} has {duplicates} duplicate (customer_id, observation_date) rows; gold "
            "must hold one row per borrower and date."
        )
    future = sum(r["__future"] for r in per_date)
    if future:
        raise FinlakeError(
            f"{source} has {future} rows whose features read data from on or after the "
            "observation date (feature_data_max_date); point-in-time correctness is broken."
        )
    summary = [
        DateSummary(
            observation_date=r["observation_date"],
            rows=r["__rows"],
            labelled_rows=r["__labelled"],
            is_scoring_date=bool(r["__scoring"]),
            defaults=int(r["__defaults"] or 0),
        )
        for r in per_date
    ]
    nulls = {c: round(sum(r[c] for r in per_date) / total, 4) for c in columns}
    return summary, nulls


def read_truth(spark: SparkSession, path: Path) -> DataFrame | None:
    """The generator's true 12-month default probability per borrower and month, if present.

    Only for comparing the model with the oracle; the pipeline never learns from it.
    """
    if not path.is_file():
        return None
    frame = spark.read.csv(str(path), header=True)
    missing = [c for c in (*KEYS, "true_pd_12m") if c not in frame.columns]
    if missing:
        raise FinlakeError(
            f"{path} has no column {missing[0]}; regenerate it with finlake generate."
        )
    return frame.select(
        F.col("customer_id").cast("string").alias("customer_id"),
        F.to_date("observation_date").alias("observation_date"),
        F.col("true_pd_12m").cast("double").alias("true_pd_12m"),
    )


def unusable_inputs(train: DataFrame, spec: FeatureSpec) -> dict[str, str]:
    """Gold columns (and derived inputs) that cannot inform the model in the training window:
    all null, or one value throughout. Name -> reason, for the model card.

    A bank that delivers no income data gives an annual_income that is null on every row; fitted
    as it is, the median imputer has nothing to compute and the run would stop. Dropped instead,
    the model is fitted on what the bank does deliver, and the card lists what it did without.
    """
    from pyspark.ml.feature import SQLTransformer

    from ml.features import (  # here, not at the top: features imports nothing from data
        indicator_feature,
        input_column,
        money_feature,
    )

    prepared = SQLTransformer(statement=spec.prepare_statement()).transform(train)
    numeric = {
        **{money_feature(c): c for c in spec.money},
        **{c: c for c in spec.plain},
        **{c: c for c, _ in spec.capped},
    }
    flags = {
        **{indicator_feature(c): indicator_feature(c) for c in spec.missing_indicators},
        **{c: c for c in spec.flags},
        **{c: c for c in spec.derived},
    }
    aggregates = []
    for feature in (*numeric, *flags):
        column = F.col(input_column(feature))
        aggregates += [
            F.count(column).alias(f"{feature}__n"),
            F.min(column).alias(f"{feature}__min"),
            F.max(column).alias(f"{feature}__max"),
        ]
    for column in spec.categorical:
        aggregates.append(F.count_distinct(F.col(input_column(column))).alias(f"{column}__k"))
        aggregates.append(F.count(F.col(column)).alias(f"{column}__n"))
    row = prepared.agg(F.count(F.lit(1)).alias("__rows"), *aggregates).first()
    dropped: dict[str, str] = {}
    for feature, column in numeric.items():
        if row[f"{feature}__n"] == 0:
            dropped[column] = "all null in the training window"
        elif row[f"{feature}__min"] == row[f"{feature}__max"]:
            has_indicator = column in spec.missing_indicators
            if row[f"{feature}__n"] == row["__rows"] or not has_indicator:
                dropped[column] = f"constant ({row[f'{feature}__min']:g}) in the training window"
    for feature, name in flags.items():
        if feature.endswith("_missing") and feature[: -len("_missing")] in dropped:
            continue
        if row[f"{feature}__min"] == row[f"{feature}__max"]:
            dropped[name] = f"constant ({row[f'{feature}__min']:g}) in the training window"
    for column in spec.categorical:
        if row[f"{column}__n"] == 0:
            dropped[column] = "all null in the training window"
        elif row[f"{column}__k"] <= 1:
            dropped[column] = "one category in the training window"
    return dropped
