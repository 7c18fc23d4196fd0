"""The lake folder: one place, laid out like the S3 bucket, that a local run reads and writes."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

LAKE_ENV = "FINLAKE_LAKE"
DEFAULT_LAKE = "lake"

# The layout, relative to the lake's root: each folder or file name is spelled here only
# (tests/test_lake_layout.py fails on a zone folder literal anywhere else). The same layout is the
# S3 bucket's (terraform/ writes its prefixes; tests/terraform checks them against these).
LANDING = "landing"  # landing/<entity>/<entity>_<YYYYMMDD>[_<seq>].csv
TRUTH = "_truth"  # what the generator planted (local lakes only)
BRONZE = "bronze"  # bronze/<entity>/extract_date=YYYY-MM-DD/<batch_id>.<part>.parquet
MALFORMED_DIR = "_malformed"  # bronze/_malformed/<entity>/extract_date=YYYY-MM-DD/
LOAD_LOG_DIR = "_load_log"  # bronze/_load_log/attempt-<n>-<key>.parquet: the ledger
STAGING_DIR = "_staging"  # bronze/_staging/<run>/: an ingest's work before it publishes
PII_KEY_DIR = "_pii_key"  # bronze/_pii_key/: the fingerprint of the tokenisation key
GOLD = "gold"  # gold/<model>/: the gold exports (Parquet) the notebook and the scores use
ML = "ml"  # ml/: the model's evidence
ALERTS = "alerts"  # alerts/: notifications.jsonl, the dedup state.json, summary.txt
WAREHOUSE = "warehouse.duckdb"  # the dev warehouse
STAGING_WAREHOUSE = "warehouse.staging.duckdb"  # the copy a dev build writes
FAILED_WAREHOUSE = "warehouse.failed.duckdb"  # a failed build's copy, kept for inspection
STAGING_GOLD = "_gold_staging"  # the exports a dev build stages
DBT_PROFILES = ".dbt"  # the profile dbt reads for this lake


@dataclass(frozen=True)
class LakeUri:
    """A location in a lake that is not a local folder: `s3://bucket/prefix/...` (or any
    `scheme://` Hadoop reads, e.g. `file:///...`). Joined with `/` like a Path."""

    uri: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "uri", self.uri.rstrip("/"))

    def __truediv__(self, part: str) -> LakeUri:
        return LakeUri(f"{self.uri}/{str(part).strip('/')}")

    def __str__(self) -> str:
        return self.uri

    @property
    def name(self) -> str:
        return self.uri.rsplit("/", 1)[-1]

    @property
    def parent(self) -> LakeUri:
        head = self.uri.rsplit("/", 1)[0]
        return LakeUri(head if not head.endswith(":/") else self.uri)


def is_uri(location: str | os.PathLike[str]) -> bool:
    return isinstance(location, str) and "://" in location


@dataclass(frozen=True)
class Lake:
    """A lake's layout, for a local folder (`Lake(Path("lake"))`, whose locations are Paths) or a
    bucket (`Lake("s3://bucket/prefix")`, whose locations are LakeUris); the same relative
    layout either way. `str()` of any location is what ingestion's storage and Spark accept."""

    root: Path | LakeUri

    def __post_init__(self) -> None:
        root = self.root
        if isinstance(root, LakeUri):
            return
        object.__setattr__(self, "root", LakeUri(root) if is_uri(root) else Path(root))

    @classmethod
    def resolve(cls, lake: str | os.PathLike[str] | None = None) -> Lake:
        """`--lake DIR` (or an `s3://` URI), else the FINLAKE_LAKE variable, else ./lake."""
        chosen = lake if lake else os.environ.get(LAKE_ENV) or DEFAULT_LAKE
        if is_uri(chosen):
            return cls(LakeUri(str(chosen)))
        return cls(Path(chosen).expanduser().resolve())

    @classmethod
    def of_zones(cls, landing: str, bronze: str) -> Lake:
        """The lake whose landing and bronze zones these are (the Glue job's `--landing_uri`
        and `--bronze_uri`): they must be `<root>/landing` and `<root>/bronze`."""
        from finlake.errors import ConfigError

        lake = cls(Path(landing).parent if not is_uri(landing) else LakeUri(landing).parent)
        if (str(lake.landing), str(lake.bronze)) != (_plain(landing), _plain(bronze)):
            raise ConfigError(
                f"--landing_uri {landing} and --bronze_uri {bronze} are not the {LANDING} and "
                f"{BRONZE} folders of one lake; pass <lake>/{LANDING} and <lake>/{BRONZE}."
            )
        return lake

    @property
    def is_local(self) -> bool:
        return isinstance(self.root, Path)

    @property
    def landing(self):
        return self.root / LANDING

    @property
    def truth(self):
        return self.root / TRUTH

    @property
    def bronze(self):
        return self.root / BRONZE

    @property
    def malformed(self):
        return self.bronze / MALFORMED_DIR

    @property
    def load_log(self):
        return self.bronze / LOAD_LOG_DIR

    @property
    def alerts(self):
        """finlake alerts' notifications and dedup state (the alerting Lambda's state object
        is <lake bucket>/alerts/state.json)."""
        return self.root / ALERTS

    @property
    def bronze_staging(self):
        return self.bronze / STAGING_DIR

    @property
    def pii_key_record(self):
        return self.bronze / PII_KEY_DIR

    @property
    def warehouse(self):
        return self.root / WAREHOUSE

    @property
    def staging_warehouse(self):
        return self.root / STAGING_WAREHOUSE

    @property
    def failed_warehouse(self):
        return self.root / FAILED_WAREHOUSE

    @property
    def gold(self):
        return self.root / GOLD

    @property
    def staging_gold(self):
        return self.root / STAGING_GOLD

    @property
    def ml(self):
        return self.root / ML

    @property
    def dbt_profiles(self):
        return self.root / DBT_PROFILES

    def landing_dir(self, entity: str):
        return self.landing / entity

    def bronze_dir(self, entity: str):
        return self.bronze / entity

    def malformed_dir(self, entity: str):
        return self.malformed / entity

    def export(self, model: str):
        """gold/<model>/: the Parquet export of a gold model (or the model's scores)."""
        return self.gold / model


def _plain(location: str) -> str:
    if is_uri(location):
        return str(LakeUri(location))
    return str(Path(location))


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
