"""Step 1 of a run: read the ledger and undo what an interrupted run left behind (its staging
area, and published files of batches the ledger does not record as loaded)."""

from __future__ import annotations

from finlake.lake import LOAD_LOG_DIR, MALFORMED_DIR, STAGING_DIR
from ingestion import ledger as L
from ingestion.report import IngestError
from ingestion.schemas import (
    LEDGER_ARROW,
    PARTITION_COLUMN,
    batch_of_file,
)
from ingestion.state import IngestRun
from ingestion.storage import LakeIO


def read_ledger(store: LakeIO, location: str) -> L.Ledger:
    """The ledger; an IngestError naming the file when one of its files cannot be read."""
    try:
        return L.Ledger.from_table(store.read_parquet(location, LEDGER_ARROW))
    except Exception as exc:  # find the file: the ledger is one small file per attempt
        bad = location
        for entry in store.list_dir(location):
            if entry.name.endswith(".parquet"):
                try:
                    store.read_parquet_file(entry.uri, LEDGER_ARROW)
                except Exception:
                    bad = entry.uri
                    break
        raise IngestError(
            f"Ledger file {bad} cannot be read ({type(exc).__name__}); nothing was loaded: "
            "restore it from a backup, or move it out of the ledger folder and delete the "
            "bronze files of its batch so the file loads again."
        ) from None


def recover(run: IngestRun) -> list[str]:
    """Undo what an interrupted run left: its staging area, and published files of batches the
    ledger does not record as loaded. Returns what was removed."""
    store, removed = run.store, []
    staging = run.at(STAGING_DIR)
    if store.exists(staging):
        store.delete(staging)
        removed.append(staging)
    loaded = run.ledger.loaded_batches()
    roots = [run.at(e) for e in run.contract.entities]
    roots += [run.at(MALFORMED_DIR, e) for e in run.contract.entities]
    for root in roots:
        for part in store.list_dir(root):
            if not (part.is_dir and part.name.startswith(f"{PARTITION_COLUMN}=")):
                continue
            for entry in store.list_dir(part.uri):
                batch = batch_of_file(entry.name)
                if entry.name.endswith(".tmp") or (batch is not None and batch not in loaded):
                    store.delete(entry.uri)
                    removed.append(entry.uri)
    for entry in store.list_dir(run.at(LOAD_LOG_DIR)):
        if entry.name.endswith(".tmp"):
            store.delete(entry.uri)
            removed.append(entry.uri)
    return removed
