"""Writing the run's outputs so that a reader sees the previous complete set or the new one.

Folders are written under a hidden staging name beside their final place and swapped in when
complete (invariant 6: nothing half-written is visible). On Databricks the scores go to a
catalog table instead, whose overwrite is a single transaction.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pyspark.sql import DataFrame


def publish(staging: Path, final: Path) -> None:
    """Put the finished `staging` folder at `final`, replacing what was there."""
    final.parent.mkdir(parents=True, exist_ok=True)
    retired = final.with_name(f".{final.name}.previous")
    if retired.exists():
        shutil.rmtree(retired)
    if final.exists():
        os.replace(final, retired)
    os.replace(staging, final)
    if retired.exists():
        shutil.rmtree(retired)


@contextmanager
def staged(final: Path) -> Iterator[Path]:
    """A fresh folder to write into; published at `final` only if the block succeeds."""
    staging = final.with_name(f".{final.name}.staging")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    publish(staging, final)


def write_json(path: Path, payload: dict) -> Path:
    path.write_text(json.dumps(payload, indent=2, sort_keys=False, default=str) + "\n")
    return path


def write_scores_parquet(scores: DataFrame, folder: Path) -> Path:
    """One Parquet file of scores at `folder`, timestamps as UTC microseconds (what the bronze
    writer uses, and what DuckDB reads as a timestamp with time zone)."""
    spark = scores.sparkSession
    key = "spark.sql.parquet.outputTimestampType"
    previous = spark.conf.get(key)
    spark.conf.set(key, "TIMESTAMP_MICROS")
    try:
        with staged(folder) as staging:
            scores.coalesce(1).write.mode("overwrite").parquet(str(staging))
    finally:
        spark.conf.set(key, previous)
    return folder


def write_scores_table(scores: DataFrame, table: str) -> str:
    from ml import publish_scores

    if publish_scores.is_glue_table(table):  # `glue:<db>.<table>`: Iceberg that Athena reads
        return publish_scores.publish(scores, table)
    scores.write.mode("overwrite").option("overwriteSchema", "true").saveAsTable(table)
    return table


def monitoring_frame(spark, frame):
    """The monitoring rows (ml/monitoring.py) as a Spark DataFrame with fixed types."""
    from pyspark.sql import types as T

    schema = T.StructType(
        [
            T.StructField("observation_date", T.DateType()),
            T.StructField("measure", T.StringType()),
            T.StructField("subject", T.StringType()),
            T.StructField("row_count", T.LongType()),
            T.StructField("metric_value", T.DoubleType()),
            T.StructField("expected_value", T.DoubleType()),
            T.StructField("status", T.StringType()),
            T.StructField("model_version", T.StringType()),
        ]
    )
    records = [
        (
            r.observation_date,
            str(r.measure),
            str(r.subject),
            int(r.row_count),
            float(r.metric_value),
            None
            if r.expected_value is None or r.expected_value != r.expected_value
            else float(r.expected_value),
            str(r.status),
            str(r.model_version),
        )
        for r in frame.itertuples(index=False)
    ]
    return spark.createDataFrame(records, schema)
