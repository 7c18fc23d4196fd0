"""Step 5 of a run: parse the files to load, one Spark job per entity. Python workers split
records with the strict RFC 4180 splitter (ingestion/worker.py) and write the rows to this run's
staging area with pyarrow, one folder per batch (ingestion/arrow_writer.py), while malformed
records and per-range counts come back through an accumulator. FINLAKE_INGEST_WRITER=spark
hands the rows to Spark's writer instead (the way before; kept for comparison)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from finlake.contract import Entity
from ingestion.arrow_writer import WRITTEN_ARROW, BatchMeta, WriteJob, write_partition
from ingestion.plan import Load, balanced
from ingestion.schemas import (
    FILES_SPARK_SCHEMA,
    PARTITION_COLUMN,
    parsed_spark_schema,
    spark_schema_of,
)
from ingestion.state import IngestRun
from ingestion.transforms import bronze_layout, with_file_metadata, with_load_metadata
from ingestion.worker import FilePlan, Range, SideChannel, parse_partition

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

CODEC = "snappy"
WRITER_ENV = "FINLAKE_INGEST_WRITER"


def ranges_of(load: Load, single: bool = False) -> list[Range]:
    """Byte ranges for the parse tasks: the survey's split points after the header."""
    size = load.survey.size
    cuts = [] if single else [(s, n) for s, n in load.survey.splits if s > load.header_end]
    starts = [(0, 0), *cuts]
    return [
        Range(load.index, k, start, starts[k + 1][0] if k + 1 < len(starts) else size, lines)
        for k, (start, lines) in enumerate(starts)
    ]


def parse_job(
    run: IngestRun, entity: Entity, loads: list[Load], ranges: list[Range]
) -> dict | Exception:
    """Parse the ranges into staging; returns malformed records and statistics (or the error)."""
    spark = run.spark
    try:
        plans = {
            load.index: FilePlan(
                load.index, load.candidate.location, load.survey.size, load.bom, load.match
            )
            for load in loads
        }
        groups = balanced(
            ranges,
            [r.stop - r.start for r in ranges],
            spark.sparkContext.defaultParallelism,
            run.split_bytes,
        )
        tasks = spark.range(0, len(groups), 1, numPartitions=len(groups))
        side = spark.sparkContext.accumulator([], SideChannel())
        location = run.store.join(run.staging, f"entity={entity.name}")
        files = {
            load.index: BatchMeta(
                load.candidate.name,
                load.survey.checksum,
                load.attempt.batch_id,
                load.attempt.extract_date,
            )
            for load in loads
        }
        job = WriteJob(
            plans, groups, entity, files, location, run.loaded_at, run.block_bytes, run.pii_key
        )
        if writer() == "spark":
            _spark_writes(run, loads, job, tasks, side)
        else:
            tasks.mapInArrow(write_partition(job, side), spark_schema_of(WRITTEN_ARROW)).collect()
        return {
            "malformed": [m for m in side.value if "_raw_line" in m],
            "stats": [m for m in side.value if "_records" in m],
        }
    except Exception as exc:  # recorded as failed per file; other entities go on
        return exc


def writer() -> str:
    """Who writes the staged Parquet: "arrow" (the Python workers, pyarrow; the default) or
    "spark" (Spark's writer, the rows crossing into the JVM), from FINLAKE_INGEST_WRITER."""
    chosen = os.environ.get(WRITER_ENV, "arrow").strip().lower() or "arrow"
    if chosen not in ("arrow", "spark"):
        raise ValueError(
            f"{WRITER_ENV}={chosen!r} is not a bronze writer; use arrow (the default) or spark."
        )
    return chosen


def _spark_writes(run: IngestRun, loads: list[Load], job: WriteJob, tasks, side) -> None:
    """The rows handed to the JVM and written by Spark's partitioned Parquet writer."""
    parsed = tasks.mapInArrow(
        parse_partition(job.plans, job.groups, job.entity, side, job.block_bytes, job.pii_key),
        parsed_spark_schema(job.entity),
    )
    bronze_rows = (
        parsed.transform(with_file_metadata, _files_frame(run, loads))
        .transform(with_load_metadata, run.loaded_at)
        .transform(bronze_layout, job.entity)
    )
    _write_staging(bronze_rows, run.store.spark_path(job.staging))


def _files_frame(run: IngestRun, loads: list[Load]) -> DataFrame:
    """One row per file: what the JVM joins onto its rows (name, checksum, batch, date)."""
    return run.spark.createDataFrame(
        [
            (
                load.index,
                load.candidate.name,
                load.survey.checksum,
                load.attempt.batch_id,
                load.attempt.extract_date,
            )
            for load in loads
        ],
        FILES_SPARK_SCHEMA,
    )


def _write_staging(rows: DataFrame, location: str) -> None:
    (
        rows.write.mode("append")
        .partitionBy(PARTITION_COLUMN, "_batch_key")
        .option("compression", CODEC)
        .option("maxRecordsPerFile", 0)
        .parquet(location)
    )


def reparse_whole(
    run: IngestRun, entity: Entity, loads: list[Load], stats: dict[int, dict], malformed: list[dict]
) -> list[dict]:
    """Parse again, each in one range, files whose split point fell inside a quoted field:
    their staged rows, statistics and malformed records are replaced. Returns the malformed
    records of the entity; a failed job fails those files."""
    whole = {load.index: ranges_of(load, single=True) for load in loads}
    for load in loads:
        run.store.delete(staged_dir(run, load))
        stats.pop(load.index)
    malformed = [m for m in malformed if m["_file"] not in whole]
    retry = parse_job(run, entity, loads, [r for rs in whole.values() for r in rs])
    if isinstance(retry, Exception):
        for load in loads:
            run.fail(load.attempt, job_failed(retry))
        return malformed
    stats.update(stats_by_file(retry["stats"], whole))
    return malformed + retry["malformed"]


def stats_by_file(stats: list[dict], expected: dict[int, list[Range]]) -> dict[int, dict]:
    """Per file: records read (header excluded), the first error, and whether its ranges met
    end to start (each range's last record ended exactly where the next range began)."""
    reported: dict[int, list[dict]] = {}
    for st in stats:
        reported.setdefault(st["_file"], []).append(st)
    out = {}
    for index, rows in reported.items():
        rows.sort(key=lambda r: r["_range"])
        ranges = expected[index]
        out[index] = {
            "records": sum(r["_records"] for r in rows),
            "error": next((r["_error"] for r in rows if r["_error"]), None),
            "contiguous": [r["_range"] for r in rows] == [r.index for r in ranges]
            and all(row["_next_start"] == r.stop for row, r in zip(rows, ranges)),
        }
    return out


def staged_dir(run: IngestRun, load: Load) -> str:
    return run.store.join(
        run.staging,
        f"entity={load.candidate.entity}",
        f"{PARTITION_COLUMN}={load.attempt.extract_date.isoformat()}",
        f"_batch_key={load.attempt.batch_id}",
    )


def staged_rows(run: IngestRun, load: Load) -> int:
    """Rows of one batch as written in staging, read back from the Parquet files' footers."""
    return run.store.parquet_rows(staged_dir(run, load))


def job_failed(exc: Exception) -> str:
    return f"the Spark job failed ({first_line(exc)})"


def first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:300]
