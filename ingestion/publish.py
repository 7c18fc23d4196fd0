"""Step 6 of a run: publish each parsed batch (rename its staged files into bronze, write its
malformed lines), then record it in the ledger. A crash between the two is undone by the next
run's recovery (ingestion/recovery.py)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

from finlake.lake import MALFORMED_DIR
from ingestion import ledger as L
from ingestion.parse import (
    CODEC,
    job_failed,
    ranges_of,
    reparse_whole,
    staged_dir,
    staged_rows,
    stats_by_file,
)
from ingestion.plan import Load
from ingestion.schemas import MALFORMED_ARROW, PARTITION_COLUMN, batch_of_file
from ingestion.state import IngestRun


def publish_entity(run: IngestRun, name: str, loads: list[Load], outcome: dict | Exception) -> None:
    """Publish or fail every file of one entity after its parse job (`outcome`)."""
    group = {load.index: load for load in loads}
    if isinstance(outcome, Exception):
        for load in group.values():
            run.fail(load.attempt, job_failed(outcome))
        return
    stats = stats_by_file(outcome["stats"], {i: ranges_of(x) for i, x in group.items()})
    malformed = outcome["malformed"]
    split_wrong = [
        group[i] for i, st in stats.items() if st["error"] is None and not st["contiguous"]
    ]
    if split_wrong:  # a split point fell inside a quoted field: parse those files whole
        entity = run.contract.entity(name)
        malformed = reparse_whole(run, entity, split_wrong, stats, malformed)
    by_file: dict[int, list[dict]] = {}
    for m in malformed:
        by_file.setdefault(m["_file"], []).append(m)
    for index, load in sorted(group.items()):
        if load.attempt.status == L.FAILED:
            continue
        st = stats.get(index)
        if st is None or st["error"] is not None:
            why = st["error"] if st else "was not parsed (no statistics came back)"
            run.fail(load.attempt, f"{load.candidate.label} {why}")
            continue
        publish(run, load, st["records"], staged_rows(run, load), by_file.get(index, []))


def publish(run: IngestRun, load: Load, records: int, rows: int, malformed: list[dict]) -> None:
    """Move one batch into bronze, then record it; or record why it cannot be."""
    store, attempt = run.store, load.attempt
    attempt.lines_read, attempt.rows_written, attempt.malformed_count = (
        records,
        rows,
        len(malformed),
    )
    if records != rows + len(malformed):
        run.fail(
            attempt,
            f"{load.candidate.label}: counts do not reconcile ({records} records read, {rows} rows "
            f"written, {len(malformed)} malformed); nothing was published",
        )
        return
    entity = load.candidate.entity
    part = f"{PARTITION_COLUMN}={attempt.extract_date.isoformat()}"
    target = run.at(entity, part)
    bad_target = run.at(MALFORMED_DIR, entity, part)
    for folder in (target, bad_target):  # leftovers of an interrupted attempt at this batch
        for entry in store.list_dir(folder):
            if batch_of_file(entry.name) == attempt.batch_id:
                store.delete(entry.uri)
    if malformed:
        store.write_bytes(
            store.join(bad_target, f"{attempt.batch_id}.parquet"),
            malformed_parquet(malformed, load, run.loaded_at),
        )
    staged = [e for e in store.list_dir(staged_dir(run, load)) if e.name.endswith(".parquet")]
    for k, entry in enumerate(staged):
        store.rename(entry.uri, store.join(target, f"{attempt.batch_id}.{k:05d}.parquet"))
    attempt.status = L.LOADED
    run.record(attempt)


def malformed_parquet(malformed: list[dict], load: Load, loaded_at) -> bytes:
    ordered = sorted(malformed, key=lambda m: m["_line_number"])
    n = len(ordered)
    table = pa.table(
        {
            "_source_file": [load.candidate.name] * n,
            "_file_checksum": [load.survey.checksum] * n,
            "_line_number": [m["_line_number"] for m in ordered],
            "_raw_line": [m["_raw_line"] for m in ordered],
            "_reason": [m["_reason"] for m in ordered],
            "_batch_id": [load.attempt.batch_id] * n,
            "_loaded_at": [loaded_at] * n,
        },
        schema=MALFORMED_ARROW,
    )
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression=CODEC)
    return sink.getvalue().to_pybytes()
