"""One ingest run's state: what travels together through every step (Spark, storage, the bronze
location, the contract, the ledger, the report and the sizes), and the ledger write each file's
story ends with."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from finlake.contract import Contract
from finlake.lake import LOAD_LOG_DIR, STAGING_DIR
from ingestion import ledger as L
from ingestion.report import IngestReport
from ingestion.storage import LakeIO
from ingestion.worker import BLOCK_BYTES, SPLIT_BYTES

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from ingestion.pii import PiiKey


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class PhaseClock:
    """Records the seconds since the previous call under each phase name."""

    def __init__(self, phases: dict[str, float]):
        self.phases, self.last = phases, time.perf_counter()

    def __call__(self, phase: str) -> None:
        now = time.perf_counter()
        self.phases[phase] = self.phases.get(phase, 0.0) + now - self.last
        self.last = now


@dataclass
class IngestRun:
    """Where one run reads and writes, what it knows and what it has done so far."""

    spark: SparkSession
    store: LakeIO  # bronze's storage
    bronze: str
    contract: Contract
    ledger: L.Ledger
    report: IngestReport = field(default_factory=IngestReport)
    split_bytes: int = SPLIT_BYTES
    block_bytes: int = BLOCK_BYTES
    pii_key: PiiKey | None = None
    # Set when parsing starts: this run's staging folder and the _loaded_at of its rows.
    staging: str = ""
    loaded_at: dt.datetime | None = None

    def __post_init__(self) -> None:
        self.clock = PhaseClock(self.report.phases)

    def at(self, *parts: str) -> str:
        """A location under bronze."""
        return self.store.join(self.bronze, *parts)

    def start_loading(self) -> None:
        run_id = f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
        self.staging = self.at(STAGING_DIR, run_id)
        self.loaded_at = utc_now()

    def record(self, attempt: L.Attempt) -> None:
        """Write one ledger row (its own small file) and remember it."""
        attempt.finished_at = utc_now()
        _write_attempt(self.store, self.at(LOAD_LOG_DIR, attempt.file_name()), attempt)
        self.ledger.record(attempt)
        self.report.attempts.append(attempt)

    def fail(self, attempt: L.Attempt, why: str) -> None:
        """Record a file as failed, nothing from it published."""
        attempt.status, attempt.reject_reason = L.FAILED, why if why.endswith(".") else why + "."
        attempt.lines_read = attempt.rows_written = attempt.malformed_count = 0
        self.record(attempt)


def _write_attempt(store: LakeIO, location: str, attempt: L.Attempt) -> None:
    # One function so that the crash tests can stop a run right here (tests/ingestion).
    store.write_bytes(location, attempt.to_parquet())
