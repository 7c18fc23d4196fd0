"""Copy a lake folder, so that a test which writes into it leaves the shared one alone."""

from __future__ import annotations

import shutil
from pathlib import Path

from finlake.lake import Lake


def copy_lake(source: Lake, target: Path) -> Lake:
    """A full copy of a lake folder (landing, truth, bronze, warehouse, gold, ml)."""
    shutil.copytree(source.root, target, ignore=shutil.ignore_patterns(".dbt", "*.wal"))
    return Lake.resolve(target)
