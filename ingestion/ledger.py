"""The load ledger (<bronze>/_load_log/): one row per file and attempt, and the decisions it
drives.

Statuses: `loaded` (rows and malformed lines published), `skipped_duplicate` (the same bytes
were already loaded under another name), `rejected` (the file breaks the contract as a whole;
nothing from it is loaded), `failed` (the load broke off; the next run tries again), `empty`
(0 bytes or only a byte order mark: not even a header, so likely a failed upstream extract; a
warning, or `rejected` with FINLAKE_REJECT_EMPTY=1). `lines_read` of a rejected file is its
physical lines after the header (it is not parsed); of a duplicate, the first copy's records.

A file is identified by (entity folder, file name, sha256). Once it has a final status
(loaded, skipped_duplicate or rejected) later runs leave it alone and add no rows, so running
twice adds nothing; a `failed` file is attempted again with the next attempt number. A file
re-delivered with new content has a new checksum and is a new file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass

import pyarrow as pa
import pyarrow.parquet as pq

from ingestion.schemas import LEDGER_ARROW

LOADED, SKIPPED_DUPLICATE, REJECTED, FAILED = "loaded", "skipped_duplicate", "rejected", "failed"
EMPTY = "empty"  # 0 bytes, or only a byte order mark: delivered, but not even a header
FINAL = (LOADED, SKIPPED_DUPLICATE, REJECTED, EMPTY)


@dataclass
class Attempt:
    """One ledger row (LEDGER_ARROW)."""

    batch_id: str
    entity: str | None
    source_file: str
    file_checksum: str
    extract_date: dt.date | None
    attempt: int
    status: str
    lines_read: int = 0
    rows_written: int = 0
    malformed_count: int = 0
    reject_reason: str | None = None
    schema_drift: str | None = None
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None

    @property
    def key(self) -> tuple[str | None, str, str]:
        return (self.entity, self.source_file, self.file_checksum)

    def file_name(self) -> str:
        """`attempt-<n>-<key hash>.parquet`: deterministic, so a rewrite replaces itself."""
        key = "\0".join([self.entity or "", self.source_file, self.file_checksum])
        return f"attempt-{self.attempt}-{hashlib.sha256(key.encode()).hexdigest()[:20]}.parquet"

    def to_parquet(self) -> bytes:
        table = pa.Table.from_pylist([asdict(self)], schema=LEDGER_ARROW)
        sink = io.BytesIO()
        pq.write_table(table, sink, compression="zstd")
        return sink.getvalue()


def drift_json(columns: list[str]) -> str | None:
    """The ledger's schema_drift: a JSON list of unexpected header names, or null."""
    return json.dumps(columns, ensure_ascii=False) if columns else None


class Ledger:
    """Every attempt recorded so far, and what they imply for a file seen now."""

    def __init__(self, attempts: Iterable[Attempt]):
        self.attempts = list(attempts)
        self._by_key: dict[tuple, list[Attempt]] = {}
        self._loaded_checksums: dict[str, Attempt] = {}
        for a in self.attempts:
            self._by_key.setdefault(a.key, []).append(a)
            if a.status == LOADED:
                self._loaded_checksums.setdefault(a.file_checksum, a)

    @classmethod
    def from_table(cls, table: pa.Table) -> Ledger:
        return cls(Attempt(**row) for row in table.to_pylist())

    def final_attempt(self, key: tuple) -> Attempt | None:
        """The attempt that settled this file (loaded, skipped or rejected), if any."""
        return next((a for a in self._by_key.get(key, []) if a.status in FINAL), None)

    def next_attempt(self, key: tuple) -> int:
        return 1 + max((a.attempt for a in self._by_key.get(key, [])), default=0)

    def loaded_with_checksum(self, checksum: str) -> Attempt | None:
        return self._loaded_checksums.get(checksum)

    def loaded_batches(self) -> set[str]:
        return {a.batch_id for a in self.attempts if a.status == LOADED}

    def totals(self) -> dict[str, dict[str, int]]:
        """What bronze holds per entity, from the loaded attempts: files, rows, malformed."""
        out: dict[str, dict[str, int]] = {}
        for a in self.attempts:
            if a.status == LOADED and a.entity:
                row = out.setdefault(a.entity, {"files": 0, "rows": 0, "malformed": 0})
                row["files"] += 1
                row["rows"] += a.rows_written
                row["malformed"] += a.malformed_count
        return dict(sorted(out.items()))

    def record(self, attempt: Attempt) -> None:
        self.attempts.append(attempt)
        self._by_key.setdefault(attempt.key, []).append(attempt)
        if attempt.status == LOADED:
            self._loaded_checksums.setdefault(attempt.file_checksum, attempt)
