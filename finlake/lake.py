"""The lake folder: one place, laid out like the S3 bucket, that a local run reads and writes."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

LAKE_ENV = "FINLAKE_LAKE"
DEFAULT_LAKE = "lake"


@dataclass(frozen=True)
class Lake:
    root: Path

    @classmethod
    def resolve(cls, lake: str | os.PathLike[str] | None = None) -> Lake:
        """`--lake DIR`, else the FINLAKE_LAKE variable, else ./lake."""
        chosen = lake if lake else os.environ.get(LAKE_ENV) or DEFAULT_LAKE
        return cls(Path(chosen).expanduser().resolve())

    @property
    def landing(self) -> Path:
        return self.root / "landing"

    @property
    def truth(self) -> Path:
        return self.root / "_truth"

    @property
    def bronze(self) -> Path:
        return self.root / "bronze"

    @property
    def malformed(self) -> Path:
        return self.bronze / "_malformed"

    @property
    def load_log(self) -> Path:
        return self.bronze / "_load_log"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse.duckdb"

    @property
    def gold(self) -> Path:
        return self.root / "gold"

    @property
    def ml(self) -> Path:
        return self.root / "ml"

    def landing_dir(self, entity: str) -> Path:
        return self.landing / entity


# The warehouse's views over lake files (bronze, the model's scores) hold absolute paths, written
# by dbt's on-run-start hook (macros/hooks/register_lake_views.sql) for the lake of that build.
_LAKE_FILE_READ = re.compile(r"read_parquet\('(?P<path>[^']*)'")


def lake_roots_of_views(con) -> dict[str, set[str]]:
    """The lake folders the warehouse's file views read: lake root -> view names.

    A view's root is the part of its path before the lake folders `bronze/` or `gold/`."""
    roots: dict[str, set[str]] = {}
    for schema, name, sql in con.execute(
        "select schema_name, view_name, sql from duckdb_views() where not internal"
    ).fetchall():
        for match in _LAKE_FILE_READ.finditer(sql or ""):
            path = match.group("path")
            for folder in ("/bronze/", "/gold/", "/ml/"):
                if folder in path:
                    roots.setdefault(path[: path.index(folder)], set()).add(f"{schema}.{name}")
                    break
    return roots


def open_warehouse(lake: Lake, read_only: bool = True):
    """A DuckDB connection to the lake's dev warehouse whose views read this lake's files.

    The documented way to query warehouse.duckdb outside dbt. A lake folder copied or moved
    elsewhere still holds views over the old folder's files: they are re-pointed at this lake
    first (each view's path re-rooted), so a copy never reads its original's bronze. When the
    warehouse cannot be written (a read-only copy, a build holding it) that is refused instead.
    """
    import duckdb

    from finlake.errors import FinlakeError

    if not lake.warehouse.is_file():
        raise FinlakeError(
            f"No warehouse at {lake.warehouse}; run `finlake build --lake {lake.root}` first."
        )
    here = str(lake.root)
    try:
        with duckdb.connect(str(lake.warehouse), read_only=True) as con:
            elsewhere = {root for root in lake_roots_of_views(con) if root != here}
    except duckdb.Error as exc:
        raise FinlakeError(
            f"{lake.warehouse} could not be opened to check that its views read {lake.root} "
            f"({type(exc).__name__}: {str(exc).splitlines()[0][:100]}); close the other "
            "connection to it (a build, a notebook) and try again."
        ) from None
    if elsewhere:
        try:
            with duckdb.connect(str(lake.warehouse)) as con:
                repoint_views(con, elsewhere, here)
        except (duckdb.Error, OSError) as exc:
            raise FinlakeError(
                f"{lake.warehouse} reads the files of {sorted(elsewhere)[0]} (the lake it was "
                f"built in) and could not be re-pointed at {lake.root} "
                f"({type(exc).__name__}: {str(exc).splitlines()[0][:100]}); run "
                f"`finlake build --lake {lake.root}`, which re-points them."
            ) from None
    return duckdb.connect(str(lake.warehouse), read_only=read_only)


def repoint_views(con, old_roots: set[str], new_root: str) -> None:
    """Re-create every view reading files under one of `old_roots` to read under `new_root`."""
    for (sql,) in con.execute("select sql from duckdb_views() where not internal").fetchall():
        changed = sql
        for old in old_roots:
            changed = changed.replace(f"'{old}/", f"'{new_root}/")
        if changed != sql:
            changed = re.sub(r"^\s*create\s+view", "create or replace view", changed, flags=re.I)
            con.execute(changed)
