"""Copy a lake folder, so that a test which writes into it leaves the shared one alone; and build
a lake once for every test process of a `make test` run (shared_lake)."""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from finlake.lake import Lake, open_warehouse
from tools.test_steps import SHARED_DIR_ENV  # the folder a `make test` run's steps share


def copy_lake(source: Lake, target: Path) -> Lake:
    """A full copy of a lake folder (landing, truth, bronze, warehouse, gold, ml), as `cp -r`
    makes it: the warehouse's views still read the source's files until the copy is opened
    with finlake.lake.open_warehouse or built."""
    shutil.copytree(source.root, target, ignore=shutil.ignore_patterns(".dbt", "*.wal"))
    return Lake.resolve(target)


def shared_lake(name: str, target: Path, build: Callable[[Path], Lake]) -> Lake:
    """A copy at `target` of the lake `build(folder)` makes. Under `make test`, the first test
    process to ask builds it into the run's shared folder while the others wait on a file lock,
    then each copies it; a build that fails or is killed leaves nothing behind, and the next
    process to ask builds it again. Elsewhere, `build(target)` itself."""
    shared = os.environ.get(SHARED_DIR_ENV)
    if not shared:
        return build(target)
    folder = Path(shared) / name
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released by the OS if this process dies
        done = folder / "built"
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            build(folder / "lake")
            done.touch()
    copy = copy_lake(Lake.resolve(folder / "lake"), target)
    if copy.warehouse.is_file():
        open_warehouse(copy, read_only=False).close()  # its views re-pointed at the copy
    return copy
