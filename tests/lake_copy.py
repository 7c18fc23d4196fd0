"""Copy a lake folder, so that a test which writes into it leaves the shared one alone; and build
a lake once for every test process of a `make test` run (shared_lake)."""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from finlake.lake import Lake

# `make test` (tools/test_steps.py) names a folder here that every step's pytest process shares
# for its run: a lake built there once is copied by the others instead of built again.
SHARED_DIR_ENV = "FINLAKE_TEST_SHARED_DIR"


def copy_lake(source: Lake, target: Path) -> Lake:
    """A full copy of a lake folder (landing, truth, bronze, warehouse, gold, ml). The dev
    warehouse's views over bronze name bronze's files by absolute path: the copy's are pointed
    at its own bronze, so that it reads nothing outside its folder."""
    shutil.copytree(source.root, target, ignore=shutil.ignore_patterns(".dbt", "*.wal"))
    copy = Lake.resolve(target)
    _repoint_views(copy.warehouse, str(source.root), str(copy.root))
    return copy


def _repoint_views(warehouse: Path, old_root: str, new_root: str) -> None:
    if not warehouse.exists():
        return
    import duckdb

    with duckdb.connect(str(warehouse)) as db:
        views = db.execute(
            "select sql from duckdb_views() where not internal and contains(sql, ?)", [old_root]
        ).fetchall()
        for (sql,) in views:
            create = sql.replace(old_root, new_root)
            db.execute(create.replace("CREATE VIEW", "CREATE OR REPLACE VIEW", 1))


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
    return copy_lake(Lake.resolve(folder / "lake"), target)
