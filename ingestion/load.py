"""Land every new landing file as bronze Parquet: `load_landing()`, the ingest stage of
finlake.pipeline (which the CLI, the Glue job and the tests' fixtures call).

One run, each step in its own module, all sharing one `IngestRun` (ingestion/state.py):

1. Recover (recovery.py): remove the staging area and any published file whose batch is not in
   the ledger (what a run killed between publishing and recording leaves behind).
2. Discover (plan.py): list landing/<entity>/; unknown folders, names that break the contract's
   pattern and misplaced files are reported and recorded as rejected.
3. Survey (plan.py): sha256, size, header bytes and split points of every file.
4. Decide (plan.py) per file from the ledger: already settled (nothing to do), duplicate bytes
   under another name (`skipped_duplicate`), header breaks the contract (`rejected`), or load.
5. Parse (parse.py; one Spark job per entity, run concurrently): Python workers split records
   with the strict RFC 4180 splitter; Spark writes the rows to a staging area, one folder per
   batch, while malformed records and per-range counts come back through an accumulator.
6. Publish each batch (publish.py: rename its files into bronze, write its malformed lines),
   then record it in the ledger. A crash between the two is undone by step 1 of the next run.

What the run did is an `IngestReport` (report.py), printed by `print_report`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from finlake.contract import Contract, load_contract
from finlake.lake import LOAD_LOG_DIR, STAGING_DIR
from ingestion.parse import parse_job, ranges_of
from ingestion.pii import PiiKey, check_and_record_key, resolve_key
from ingestion.plan import Load, decide, discover, settle_duplicates, survey_all, wanted_entities
from ingestion.publish import publish_entity
from ingestion.recovery import read_ledger, recover
from ingestion.report import FilesNotLoaded, IngestError, IngestReport, raise_for_problems
from ingestion.state import IngestRun
from ingestion.storage import lake_io
from ingestion.worker import BLOCK_BYTES, SPLIT_BYTES

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

# Spark sorts rows by partition before a partitioned write unless it may keep several files
# open; each task writes one batch, so a few open writers avoid a needless sort of every row.
# Timestamps as Parquet TIMESTAMP(MICROS, UTC) like the ledger and malformed files, not INT96.
WRITE_SETTINGS = {
    "spark.sql.maxConcurrentOutputFileWriters": "16",
    "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
}

# What callers import from here: the stage and the report types it raises and returns.
__all__ = [
    "FilesNotLoaded",
    "IngestError",
    "IngestReport",
    "load_landing",
    "raise_for_problems",
]


def load_landing(
    spark: SparkSession,
    landing: str,
    bronze: str,
    entities: Sequence[str] | None = None,
    *,
    split_bytes: int = SPLIT_BYTES,
    block_bytes: int = BLOCK_BYTES,
    contract: Contract | None = None,
    pii_key: PiiKey | None = None,
    dev_pii_key: bool = False,
) -> IngestReport:
    """Load every new file under `landing` into `bronze`; see the module docstring.

    `landing` and `bronze` are folders or URIs (s3://…); `entities` limits the run to some
    entity folders. Files are recorded in the ledger one by one, so an interrupted run loses
    only the batches it had not recorded, and the next run removes and reloads those.
    `pii_key` tokenises personal data (ingestion/pii.py); when None and a file with personal
    data is to be loaded it is resolved from FINLAKE_PII_KEY, or the development key when
    `dev_pii_key` (or FINLAKE_DEV_PII_KEY=1) opts in.
    """
    started = time.perf_counter()
    contract = contract or load_contract()
    wanted = wanted_entities(contract, entities)
    store, source = lake_io(bronze, spark), lake_io(landing, spark)
    if not source.exists(landing):
        raise IngestError(
            f"Landing folder {landing} does not exist; run `finlake generate` first or pass --lake."
        )
    ledger = read_ledger(store, store.join(bronze, LOAD_LOG_DIR))
    run = IngestRun(
        spark, store, bronze, contract, ledger, split_bytes=split_bytes, block_bytes=block_bytes
    )
    run.report.recovered = recover(run)
    candidates = discover(source, landing, contract, wanted, run.report.warnings)
    run.clock("list")
    loads = decide(run, candidates, survey_all(spark, candidates, split_bytes))
    run.clock("survey")
    run.pii_key = _pii_key(run, loads, pii_key, dev_pii_key)
    if loads:
        with _sql_settings(spark, WRITE_SETTINGS):
            load_all(run, loads)
    settle_duplicates(run)
    run.report.bronze = run.ledger.totals()
    run.report.seconds = time.perf_counter() - started
    return run.report


def _pii_key(
    run: IngestRun, loads: list[Load], pii_key: PiiKey | None, dev_pii_key: bool
) -> PiiKey | None:
    """The tokenisation key, resolved only when a file to load has personal data, and checked
    against (or recorded as) the key bronze was tokenised with."""
    if pii_key is None and any(run.contract.entity(x.candidate.entity).pii_columns for x in loads):
        pii_key = resolve_key(dev_pii_key)
    if pii_key is not None and loads:
        check_and_record_key(run.store, run.bronze, pii_key)
    run.report.development_pii_key = bool(pii_key and pii_key.development)
    return pii_key


def load_all(run: IngestRun, loads: list[Load]) -> None:
    """Parse every file to load (one Spark job per entity, concurrently), then publish them."""
    for i, load in enumerate(loads):
        load.index = i
    run.start_loading()
    by_entity: dict[str, list[Load]] = {}
    for load in loads:
        by_entity.setdefault(load.candidate.entity, []).append(load)
    order = sorted(by_entity, key=lambda e: -sum(x.survey.size for x in by_entity[e]))

    def first_pass(name: str) -> tuple[str, dict | Exception]:
        group = by_entity[name]
        ranges = [r for load in group for r in ranges_of(load)]
        return name, parse_job(run, run.contract.entity(name), group, ranges)

    with ThreadPoolExecutor(max_workers=len(order)) as pool:
        outcomes = dict(pool.map(first_pass, order))
    run.clock("parse")
    for name in order:
        publish_entity(run, name, by_entity[name], outcomes[name])
    # Every batch is published or recorded as failed by now; one run at a time owns staging.
    run.store.delete(run.at(STAGING_DIR))
    run.clock("publish")


class _sql_settings:
    """Set SQL settings for the duration of a block, then restore the session's values."""

    def __init__(self, spark: SparkSession, settings: dict[str, str]):
        self.spark, self.settings, self.saved = spark, settings, {}

    def __enter__(self):
        for key, value in self.settings.items():
            self.saved[key] = self.spark.conf.get(key, None)
            self.spark.conf.set(key, value)

    def __exit__(self, *exc):
        for key, value in self.saved.items():
            if value is None:
                self.spark.conf.unset(key)
            else:
                self.spark.conf.set(key, value)
