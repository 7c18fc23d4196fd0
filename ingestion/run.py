"""Land every new landing file as bronze Parquet: `load_landing()`, the ingest stage of
finlake.pipeline (which the CLI, the Glue job and the tests' fixtures call).

One run:

1. Recover: remove the staging area and any published file whose batch is not in the ledger
   (what a run killed between publishing and recording leaves behind).
2. Discover: list landing/<entity>/; unknown folders, names that break the contract's pattern
   and misplaced files are reported and recorded as rejected.
3. Survey (Spark job): sha256, size, header bytes and split points of every file.
4. Decide per file from the ledger: already settled (nothing to do), duplicate bytes under
   another name (`skipped_duplicate`), header breaks the contract (`rejected`), or load.
5. Parse (one Spark job per entity, run concurrently): Python workers split records with the
   strict RFC 4180 splitter; Spark writes the rows to a staging area, one folder per batch,
   while malformed records and per-range counts come back through an accumulator.
6. Publish each batch (rename its files into bronze, write its malformed lines), then record
   it in the ledger. A crash between the two is undone by step 1 of the next run.
"""

from __future__ import annotations

import datetime as dt
import os
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.parquet as pq

from finlake.contract import Contract, Entity, load_contract
from finlake.errors import ConfigError, FinlakeError
from ingestion import ledger as L
from ingestion.io import LakeIO, has_scheme, lake_io
from ingestion.pii import PiiKey, check_and_record_key, resolve_key
from ingestion.schemas import (
    FILES_SPARK_SCHEMA,
    LEDGER_ARROW,
    LOAD_LOG_DIR,
    MALFORMED_ARROW,
    MALFORMED_DIR,
    PARTITION_COLUMN,
    STAGING_DIR,
    LandingName,
    batch_id,
    batch_of_file,
    parse_landing_name,
    parsed_spark_schema,
)
from ingestion.transforms import (
    HeaderMatch,
    bronze_layout,
    match_header,
    read_header,
    with_file_metadata,
    with_load_metadata,
)
from ingestion.worker import (
    BLOCK_BYTES,
    SPLIT_BYTES,
    FilePlan,
    Range,
    SideChannel,
    Survey,
    parse_partition,
    survey,
)

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

CODEC = "snappy"
REJECT_EMPTY_VARIABLE = "FINLAKE_REJECT_EMPTY"
# Spark sorts rows by partition before a partitioned write unless it may keep several files
# open; each task writes one batch, so a few open writers avoid a needless sort of every row.
# Timestamps as Parquet TIMESTAMP(MICROS, UTC) like the ledger and malformed files, not INT96.
WRITE_SETTINGS = {
    "spark.sql.maxConcurrentOutputFileWriters": "16",
    "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
}


class IngestError(FinlakeError):
    """The landing or bronze location cannot be used."""


class FilesNotLoaded(FinlakeError):
    """Some landing files were rejected or failed; the ledger records each with its reason."""


def raise_for_problems(report: IngestReport, ledger_location: str) -> None:
    """After the summary: one sentence and a non-zero exit when files could not be loaded, also
    when they were rejected by an earlier run and are still in landing (a retry must not pass)."""
    if report.problems:
        names = ", ".join(
            f"{a.entity}/{a.source_file}" if a.entity else a.source_file
            for a in report.problems[:3]
        )
        more = f" and {len(report.problems) - 3} more" if len(report.problems) > 3 else ""
        raise FilesNotLoaded(
            f"{len(report.problems)} landing file(s) were rejected or failed ({names}{more}; "
            f"reasons above), nothing from them was loaded, each is recorded in "
            f"{ledger_location}; fix them or move them out of landing."
        )


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# ---------------------------------------------------------------------------------------------
# What a run found and did


@dataclass
class Candidate:
    """A file in the landing zone. `entity` is its folder (None at the landing root)."""

    entity: str | None
    name: str
    location: str
    size: int
    rejection: str | None = None  # decided from its name and folder alone
    landing_name: LandingName | None = None

    @property
    def label(self) -> str:
        return f"{self.entity}/{self.name}" if self.entity else self.name


@dataclass
class Load:
    """A file to parse: its candidate, survey, header match and ledger attempt."""

    candidate: Candidate
    survey: Survey
    match: HeaderMatch
    header_end: int
    bom: bool
    attempt: L.Attempt
    index: int = -1


@dataclass
class IngestReport:
    """What one run did: its ledger rows, files left alone, warnings and wall time."""

    attempts: list[L.Attempt] = field(default_factory=list)
    unchanged: int = 0
    # Files rejected by an earlier run and still in landing: every run fails until they leave.
    unresolved: list[L.Attempt] = field(default_factory=list)
    # Second copies of a file loaded in this same run: (their attempt, the first copy).
    deferred_duplicates: list[tuple[L.Attempt, Candidate]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)
    bronze: dict[str, dict[str, int]] = field(default_factory=dict)
    phases: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    development_pii_key: bool = False  # tokens made with the public development key

    def count(self, status: str) -> int:
        return sum(1 for a in self.attempts if a.status == status)

    @property
    def problems(self) -> list[L.Attempt]:
        """Files rejected or failed in this run, and rejected ones still waiting in landing."""
        return [a for a in self.attempts if a.status in (L.REJECTED, L.FAILED)] + self.unresolved

    def by_entity(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for a in self.attempts:
            row = out.setdefault(
                a.entity or "(none)",
                {
                    "loaded": 0,
                    "skipped": 0,
                    "rejected": 0,
                    "failed": 0,
                    "empty": 0,
                    "rows": 0,
                    "malformed": 0,
                },
            )
            key = {L.SKIPPED_DUPLICATE: "skipped"}.get(a.status, a.status)
            row[key] += 1
            row["rows"] += a.rows_written
            row["malformed"] += a.malformed_count
        return out


# ---------------------------------------------------------------------------------------------
# The run


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
    wanted = _wanted_entities(contract, entities)
    store, source = lake_io(bronze, spark), lake_io(landing, spark)
    if not source.exists(landing):
        raise IngestError(
            f"Landing folder {landing} does not exist; run `finlake generate` first or pass --lake."
        )
    report = IngestReport()
    clock = _PhaseClock(report.phases)
    ledger = read_ledger(store, store.join(bronze, LOAD_LOG_DIR))
    report.recovered = recover(store, bronze, ledger, contract)
    candidates = discover(source, landing, contract, wanted, report.warnings)
    clock("list")
    surveys = survey_all(spark, candidates, split_bytes)
    loads = decide(candidates, surveys, ledger, contract, report, store, bronze)
    clock("survey")
    if pii_key is None and any(contract.entity(x.candidate.entity).pii_columns for x in loads):
        pii_key = resolve_key(dev_pii_key)
    if pii_key is not None and loads:
        check_and_record_key(store, bronze, pii_key)
    report.development_pii_key = bool(pii_key and pii_key.development)
    if loads:
        with _sql_settings(spark, WRITE_SETTINGS):
            load_all(
                spark,
                store,
                bronze,
                loads,
                contract,
                ledger,
                report,
                split_bytes,
                block_bytes,
                clock,
                pii_key,
            )
    settle_duplicates(store, bronze, ledger, report)
    report.bronze = ledger.totals()
    report.seconds = time.perf_counter() - started
    return report


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


def _wanted_entities(contract: Contract, entities: Sequence[str] | None) -> list[str] | None:
    if not entities:
        return None
    unknown = [e for e in entities if e not in contract.entities]
    if unknown:
        known = ", ".join(contract.entities)
        raise ConfigError(
            f"--entities names unknown entity '{unknown[0]}'; the contract has {known}."
        )
    return list(entities)


class _PhaseClock:
    """Records the seconds since the previous call under each phase name."""

    def __init__(self, phases: dict[str, float]):
        self.phases, self.last = phases, time.perf_counter()

    def __call__(self, phase: str) -> None:
        now = time.perf_counter()
        self.phases[phase] = self.phases.get(phase, 0.0) + now - self.last
        self.last = now


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


# ---------------------------------------------------------------------------------------------
# 1. Recover


def recover(store: LakeIO, bronze: str, ledger: L.Ledger, contract: Contract) -> list[str]:
    """Undo what an interrupted run left: its staging area, and published files of batches the
    ledger does not record as loaded. Returns what was removed."""
    removed = []
    staging = store.join(bronze, STAGING_DIR)
    if store.exists(staging):
        store.delete(staging)
        removed.append(staging)
    loaded = ledger.loaded_batches()
    roots = [store.join(bronze, e) for e in contract.entities]
    roots += [store.join(bronze, MALFORMED_DIR, e) for e in contract.entities]
    for root in roots:
        for part in store.list_dir(root):
            if not (part.is_dir and part.name.startswith(f"{PARTITION_COLUMN}=")):
                continue
            for entry in store.list_dir(part.uri):
                batch = batch_of_file(entry.name)
                if entry.name.endswith(".tmp") or (batch is not None and batch not in loaded):
                    store.delete(entry.uri)
                    removed.append(entry.uri)
    for entry in store.list_dir(store.join(bronze, LOAD_LOG_DIR)):
        if entry.name.endswith(".tmp"):
            store.delete(entry.uri)
            removed.append(entry.uri)
    return removed


# ---------------------------------------------------------------------------------------------
# 2. Discover


def discover(
    source: LakeIO,
    landing: str,
    contract: Contract,
    wanted: list[str] | None,
    warnings: list[str],
) -> list[Candidate]:
    """Every file under landing/<entity>/, with a rejection for those the contract cannot take.

    Hidden names (starting with '.' or '_', e.g. uploads in progress) are reported, not read.
    """
    found: list[Candidate] = []
    known = ", ".join(contract.entities)
    for top in source.list_dir(landing):
        if top.name.startswith((".", "_")):
            warnings.append(f"ignored hidden entry {top.name} in the landing folder.")
            continue
        if not top.is_dir:
            if wanted is None:
                found.append(
                    Candidate(
                        None,
                        top.name,
                        top.uri,
                        top.size,
                        rejection="is not inside an entity folder (landing/<entity>/)",
                    )
                )
            continue
        entity = top.name
        if wanted is not None and entity not in wanted:
            continue
        folder_problem = (
            None
            if entity in contract.entities
            else f"is in folder '{entity}', which is not an entity of the landing contract ({known})"
        )
        for entry in source.list_dir(top.uri):
            label = f"{entity}/{entry.name}"
            if entry.name.startswith((".", "_")):
                warnings.append(f"ignored hidden entry {label}.")
                continue
            if entry.is_dir:
                warnings.append(f"ignored folder {label}: entity folders hold files only.")
                continue
            cand = Candidate(entity, entry.name, entry.uri, entry.size, folder_problem)
            parsed = parse_landing_name(entry.name)
            if isinstance(parsed, str):
                cand.rejection = cand.rejection or parsed
            elif parsed.entity != entity:
                cand.rejection = cand.rejection or (
                    f"names entity '{parsed.entity}' but is in the '{entity}' folder"
                )
            else:
                cand.landing_name = parsed
            found.append(cand)
    return sorted(found, key=lambda c: (c.entity or "", c.name))


# ---------------------------------------------------------------------------------------------
# 3. Survey


def balanced(items: list, sizes: list[int], parallelism: int, group_bytes: int) -> list[list]:
    """Pack items into Spark tasks, biggest first (longest-processing-time first).

    As many groups as there are cores, more when the data is large (about `group_bytes` each),
    never more than items: each task costs a Python worker round trip, so tiny files share one.
    """
    slots = max(parallelism, -(-sum(sizes) // max(group_bytes, 1)))
    order = sorted(range(len(items)), key=lambda i: -sizes[i])
    groups: list[list] = [[] for _ in range(max(1, min(slots, len(items))))]
    loads = [0] * len(groups)
    for i in order:
        g = loads.index(min(loads))
        groups[g].append(items[i])
        loads[g] += max(sizes[i], 1)
    return [g for g in groups if g]


def survey_all(
    spark: SparkSession, candidates: list[Candidate], split_bytes: int
) -> dict[str, Survey]:
    """sha256, size, first bytes and split points of every candidate.

    Local files are read by threads in this process (hashing releases the GIL), which saves a
    Spark job per run; remote files are read in Spark tasks, next to the data.
    """
    if not candidates:
        return {}
    if not any(has_scheme(c.location) for c in candidates):
        workers = max(1, min(len(candidates), spark.sparkContext.defaultParallelism))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(lambda c: survey(c.location, split_bytes), candidates))
        return {s.location: s for s in results}
    groups = balanced(
        [c.location for c in candidates],
        [c.size for c in candidates],
        spark.sparkContext.defaultParallelism,
        split_bytes,
    )
    rdd = spark.sparkContext.parallelize(groups, len(groups))
    results = rdd.flatMap(lambda group: [survey(loc, split_bytes) for loc in group]).collect()
    return {s.location: s for s in results}


# ---------------------------------------------------------------------------------------------
# 4. Decide


def decide(
    candidates: list[Candidate],
    surveys: dict[str, Survey],
    ledger: L.Ledger,
    contract: Contract,
    report: IngestReport,
    store: LakeIO,
    bronze: str,
) -> list[Load]:
    """Settle every candidate that needs no parsing (recording it) and return those to load."""
    loads: list[Load] = []
    planned: dict[str, Candidate] = {}
    now = utc_now()
    for cand in candidates:
        sv = surveys[cand.location]
        key = (cand.entity, cand.name, sv.checksum)
        settled = ledger.final_attempt(key) if sv.error is None else None
        if settled is not None:
            report.unchanged += 1
            if settled.status == L.REJECTED:  # still in landing: not resolved until it leaves
                report.unresolved.append(settled)
            continue
        attempt = L.Attempt(
            batch_id=batch_id(cand.name, sv.checksum) if sv.checksum else cand.name,
            entity=cand.entity,
            source_file=cand.name,
            file_checksum=sv.checksum,
            extract_date=cand.landing_name.extract_date if cand.landing_name else None,
            attempt=ledger.next_attempt(key),
            status=L.REJECTED,
            started_at=now,
        )

        def settle(
            status: str,
            why: str | None = None,
            attempt: L.Attempt = attempt,
            lines: int = max(sv.lines - 1, 0),
        ) -> None:
            attempt.status, attempt.reject_reason = status, why
            if status == L.REJECTED:
                attempt.lines_read = lines  # physical lines after the header: never parsed
            record(store, bronze, ledger, report, attempt)

        if sv.error is not None:
            settle(L.FAILED, f"{cand.label} {sv.error}.")
            continue
        if cand.rejection:
            settle(L.REJECTED, f"{cand.label} {cand.rejection}; nothing from it was loaded.")
            continue
        entity = contract.entity(cand.entity)
        header = read_header(sv.head, complete=sv.size <= len(sv.head))
        if header.problem:
            settle(L.REJECTED, f"{cand.label} {header.problem}; nothing from it was loaded.")
            continue
        if header.names is None:  # 0 bytes or a BOM only: not even a header
            what = "has 0 bytes" if sv.size == 0 else "holds only a byte order mark"
            if reject_empty():
                settle(
                    L.REJECTED,
                    f"{cand.label} {what} (no header); nothing was loaded "
                    f"({REJECT_EMPTY_VARIABLE}=1 rejects empty files).",
                )
            else:
                report.warnings.append(
                    f"{cand.label} {what} (no header), recorded as empty: check the extract "
                    f"upstream ({REJECT_EMPTY_VARIABLE}=1 rejects such files)."
                )
                settle(L.EMPTY)
            continue
        match = match_header(header.names, entity)
        if match.problem:
            settle(L.REJECTED, f"{cand.label} {match.problem}; nothing from it was loaded.")
            continue
        attempt.schema_drift = L.drift_json(match.drift)
        if match.drift:
            cols = ", ".join(f"'{c}'" for c in match.drift)
            report.warnings.append(
                f"schema drift: {cand.label} has unexpected column(s) {cols}; kept in _extra_columns."
            )
        if match.missing_optional:
            cols = ", ".join(f"'{c}'" for c in match.missing_optional)
            report.warnings.append(f"{cand.label} has no column {cols} (optional); loaded as null.")
        if sv.size <= header.end:  # header only
            settle(L.LOADED)
            continue
        earlier = ledger.loaded_with_checksum(sv.checksum)
        if earlier is not None:
            attempt.lines_read = earlier.lines_read  # the same bytes: the same records
            settle(
                L.SKIPPED_DUPLICATE,
                f"{cand.label} has the same bytes as {earlier.entity}/{earlier.source_file}, "
                "already loaded.",
            )
            continue
        if sv.checksum in planned:  # settled after the first copy's load (load_all's caller)
            report.deferred_duplicates.append((attempt, planned[sv.checksum]))
            continue
        planned[sv.checksum] = cand
        loads.append(Load(cand, sv, match, header.end, header.bom, attempt))
    return loads


def settle_duplicates(store: LakeIO, bronze: str, ledger: L.Ledger, report: IngestReport) -> None:
    """Record second copies of files this run loaded, with the first copy's record count. If
    the first copy did not load, the copy is left for the next run (it may be the one to load)."""
    for attempt, first in report.deferred_duplicates:
        loaded = ledger.loaded_with_checksum(attempt.file_checksum)
        if loaded is None:
            continue
        attempt.status, attempt.lines_read = L.SKIPPED_DUPLICATE, loaded.lines_read
        attempt.reject_reason = f"{attempt.entity}/{attempt.source_file} has the same bytes as {first.label}, already loaded."
        record(store, bronze, ledger, report, attempt)


def reject_empty() -> bool:
    return os.environ.get(REJECT_EMPTY_VARIABLE, "").strip().lower() in ("1", "true", "yes")


def record(
    store: LakeIO, bronze: str, ledger: L.Ledger, report: IngestReport, attempt: L.Attempt
) -> None:
    """Write one ledger row (its own small file) and remember it."""
    attempt.finished_at = utc_now()
    _write_attempt(store, store.join(bronze, LOAD_LOG_DIR, attempt.file_name()), attempt)
    ledger.record(attempt)
    report.attempts.append(attempt)


def _write_attempt(store: LakeIO, location: str, attempt: L.Attempt) -> None:
    store.write_bytes(location, attempt.to_parquet())


# ---------------------------------------------------------------------------------------------
# 5. Parse and 6. publish


def ranges_of(load: Load, single: bool = False) -> list[Range]:
    """Byte ranges for the parse tasks: the survey's split points after the header."""
    size = load.survey.size
    cuts = [] if single else [(s, n) for s, n in load.survey.splits if s > load.header_end]
    starts = [(0, 0), *cuts]
    return [
        Range(load.index, k, start, starts[k + 1][0] if k + 1 < len(starts) else size, lines)
        for k, (start, lines) in enumerate(starts)
    ]


def load_all(
    spark: SparkSession,
    store: LakeIO,
    bronze: str,
    loads: list[Load],
    contract: Contract,
    ledger: L.Ledger,
    report: IngestReport,
    split_bytes: int,
    block_bytes: int,
    clock: Callable[[str], None] = lambda phase: None,
    pii_key: PiiKey | None = None,
) -> None:
    for i, load in enumerate(loads):
        load.index = i
    run_id = f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    staging = store.join(bronze, STAGING_DIR, run_id)
    loaded_at = utc_now()
    by_entity: dict[str, list[Load]] = {}
    for load in loads:
        by_entity.setdefault(load.candidate.entity, []).append(load)
    order = sorted(by_entity, key=lambda e: -sum(x.survey.size for x in by_entity[e]))

    def first_pass(name: str) -> tuple[str, dict | Exception]:
        group = by_entity[name]
        ranges = [r for load in group for r in ranges_of(load)]
        return name, _parse_job(
            spark,
            store,
            staging,
            contract.entity(name),
            group,
            ranges,
            loaded_at,
            split_bytes,
            block_bytes,
            pii_key,
        )

    with ThreadPoolExecutor(max_workers=len(order)) as pool:
        outcomes = dict(pool.map(first_pass, order))
    clock("parse")

    for name in order:
        group = {load.index: load for load in by_entity[name]}
        outcome = outcomes[name]
        if isinstance(outcome, Exception):
            for load in group.values():
                _fail(store, bronze, ledger, report, load, _job_failed(outcome))
            continue
        stats = _stats_by_file(outcome["stats"], {i: ranges_of(x) for i, x in group.items()})
        malformed = outcome["malformed"]
        split_wrong = [
            group[i] for i, st in stats.items() if st["error"] is None and not st["contiguous"]
        ]
        if split_wrong:  # a split point fell inside a quoted field: parse those files whole
            whole = {load.index: ranges_of(load, single=True) for load in split_wrong}
            for load in split_wrong:
                store.delete(_staged_dir(store, staging, load))
                stats.pop(load.index)
            malformed = [m for m in malformed if m["_file"] not in whole]
            retry = _parse_job(
                spark,
                store,
                staging,
                contract.entity(name),
                split_wrong,
                [r for rs in whole.values() for r in rs],
                loaded_at,
                split_bytes,
                block_bytes,
                pii_key,
            )
            if isinstance(retry, Exception):
                for load in split_wrong:
                    _fail(store, bronze, ledger, report, load, _job_failed(retry))
            else:
                stats.update(_stats_by_file(retry["stats"], whole))
                malformed += retry["malformed"]
        by_file: dict[int, list[dict]] = {}
        for m in malformed:
            by_file.setdefault(m["_file"], []).append(m)
        for index, load in sorted(group.items()):
            if load.attempt.status == L.FAILED:
                continue
            st = stats.get(index)
            if st is None or st["error"] is not None:
                why = st["error"] if st else "was not parsed (no statistics came back)"
                _fail(store, bronze, ledger, report, load, f"{load.candidate.label} {why}")
                continue
            _publish(
                store,
                bronze,
                staging,
                ledger,
                report,
                load,
                st["records"],
                _staged_rows(store, staging, load),
                by_file.get(index, []),
                loaded_at,
            )
    # Every batch is published or recorded as failed by now; one run at a time owns staging.
    store.delete(store.join(bronze, STAGING_DIR))
    clock("publish")


def _job_failed(exc: Exception) -> str:
    return f"the Spark job failed ({_first_line(exc)})"


def _parse_job(
    spark: SparkSession,
    store: LakeIO,
    staging: str,
    entity: Entity,
    loads: list[Load],
    ranges: list[Range],
    loaded_at: dt.datetime,
    split_bytes: int,
    block_bytes: int,
    pii_key: PiiKey | None = None,
) -> dict | Exception:
    """Parse the ranges into staging; returns malformed records and statistics (or the error)."""
    try:
        plans = {
            load.index: FilePlan(
                load.index, load.candidate.location, load.survey.size, load.bom, load.match
            )
            for load in loads
        }
        groups = balanced(
            ranges,
            [r.stop - r.start for r in ranges],
            spark.sparkContext.defaultParallelism,
            split_bytes,
        )
        tasks = spark.range(0, len(groups), 1, numPartitions=len(groups))
        files = spark.createDataFrame(
            [
                (
                    load.index,
                    load.candidate.name,
                    load.survey.checksum,
                    load.attempt.batch_id,
                    load.attempt.extract_date,
                )
                for load in loads
            ],
            FILES_SPARK_SCHEMA,
        )
        side = spark.sparkContext.accumulator([], SideChannel())
        parsed = tasks.mapInArrow(
            parse_partition(plans, groups, entity, side, block_bytes, pii_key),
            parsed_spark_schema(entity),
        )
        bronze_rows = (
            parsed.transform(with_file_metadata, files)
            .transform(with_load_metadata, loaded_at)
            .transform(bronze_layout, entity)
        )
        _write_staging(bronze_rows, store.spark_path(store.join(staging, f"entity={entity.name}")))
        return {
            "malformed": [m for m in side.value if "_raw_line" in m],
            "stats": [m for m in side.value if "_records" in m],
        }
    except Exception as exc:  # recorded as failed per file; other entities go on
        return exc


def _write_staging(rows: DataFrame, location: str) -> None:
    (
        rows.write.mode("append")
        .partitionBy(PARTITION_COLUMN, "_batch_key")
        .option("compression", CODEC)
        .option("maxRecordsPerFile", 0)
        .parquet(location)
    )


def _stats_by_file(stats: list[dict], expected: dict[int, list[Range]]) -> dict[int, dict]:
    """Per file: records read (header excluded), the first error, and whether its ranges met
    end to start (each range's last record ended exactly where the next range began)."""
    reported: dict[int, list[dict]] = {}
    for st in stats:
        reported.setdefault(st["_file"], []).append(st)
    out = {}
    for index, rows in reported.items():
        rows.sort(key=lambda r: r["_range"])
        ranges = expected[index]
        out[index] = {
            "records": sum(r["_records"] for r in rows),
            "error": next((r["_error"] for r in rows if r["_error"]), None),
            "contiguous": [r["_range"] for r in rows] == [r.index for r in ranges]
            and all(row["_next_start"] == r.stop for row, r in zip(rows, ranges)),
        }
    return out


def _staged_dir(store: LakeIO, staging: str, load: Load) -> str:
    return store.join(
        staging,
        f"entity={load.candidate.entity}",
        f"{PARTITION_COLUMN}={load.attempt.extract_date.isoformat()}",
        f"_batch_key={load.attempt.batch_id}",
    )


def _staged_rows(store: LakeIO, staging: str, load: Load) -> int:
    """Rows of one batch as written in staging, read back from the Parquet files' footers."""
    return store.parquet_rows(_staged_dir(store, staging, load))


def _publish(
    store: LakeIO,
    bronze: str,
    staging: str,
    ledger: L.Ledger,
    report: IngestReport,
    load: Load,
    records: int,
    rows: int,
    malformed: list[dict],
    loaded_at: dt.datetime,
) -> None:
    """Move one batch into bronze, then record it; or record why it cannot be."""
    attempt = load.attempt
    attempt.lines_read, attempt.rows_written, attempt.malformed_count = (
        records,
        rows,
        len(malformed),
    )
    if records != rows + len(malformed):
        _fail(
            store,
            bronze,
            ledger,
            report,
            load,
            f"{load.candidate.label}: counts do not reconcile ({records} records read, {rows} rows "
            f"written, {len(malformed)} malformed); nothing was published",
        )
        return
    entity = load.candidate.entity
    part = f"{PARTITION_COLUMN}={attempt.extract_date.isoformat()}"
    target = store.join(bronze, entity, part)
    bad_target = store.join(bronze, MALFORMED_DIR, entity, part)
    for folder in (target, bad_target):  # leftovers of an interrupted attempt at this batch
        for entry in store.list_dir(folder):
            if batch_of_file(entry.name) == attempt.batch_id:
                store.delete(entry.uri)
    if malformed:
        store.write_bytes(
            store.join(bad_target, f"{attempt.batch_id}.parquet"),
            _malformed_parquet(malformed, load, loaded_at),
        )
    staged = [
        e for e in store.list_dir(_staged_dir(store, staging, load)) if e.name.endswith(".parquet")
    ]
    for k, entry in enumerate(staged):
        store.rename(entry.uri, store.join(target, f"{attempt.batch_id}.{k:05d}.parquet"))
    attempt.status = L.LOADED
    record(store, bronze, ledger, report, attempt)


def _malformed_parquet(malformed: list[dict], load: Load, loaded_at: dt.datetime) -> bytes:
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


def _fail(
    store: LakeIO, bronze: str, ledger: L.Ledger, report: IngestReport, load: Load, why: str
) -> None:
    attempt = load.attempt
    attempt.status, attempt.reject_reason = L.FAILED, why if why.endswith(".") else why + "."
    attempt.lines_read = attempt.rows_written = attempt.malformed_count = 0
    record(store, bronze, ledger, report, attempt)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:300]
