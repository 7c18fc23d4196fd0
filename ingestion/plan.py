"""Steps 2 to 4 of a run: discover the landing files, survey them (checksum, size, header
bytes, split points) and decide per file from the ledger: already settled, a duplicate of bytes
already loaded, rejected by its name, folder or header, empty, or to be loaded (a `Load`)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from finlake.contract import Contract
from finlake.errors import ConfigError
from ingestion import ledger as L
from ingestion.report import IngestReport
from ingestion.schemas import LandingName, batch_id, parse_landing_name
from ingestion.state import IngestRun, utc_now
from ingestion.storage import LakeIO, has_scheme
from ingestion.transforms import HeaderMatch, match_header, read_header
from ingestion.worker import Survey, survey

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

REJECT_EMPTY_VARIABLE = "FINLAKE_REJECT_EMPTY"


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


def wanted_entities(contract: Contract, entities: Sequence[str] | None) -> list[str] | None:
    if not entities:
        return None
    unknown = [e for e in entities if e not in contract.entities]
    if unknown:
        known = ", ".join(contract.entities)
        raise ConfigError(
            f"--entities names unknown entity '{unknown[0]}'; the contract has {known}."
        )
    return list(entities)


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
        if wanted is not None and top.name not in wanted:
            continue
        found += _entity_folder(source, top, contract, warnings)
    return sorted(found, key=lambda c: (c.entity or "", c.name))


def _entity_folder(source: LakeIO, top, contract: Contract, warnings: list[str]) -> list[Candidate]:
    """The files of one landing/<entity>/ folder, each judged by its name and folder."""
    entity, found = top.name, []
    known = ", ".join(contract.entities)
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
    return found


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


def decide(run: IngestRun, candidates: list[Candidate], surveys: dict[str, Survey]) -> list[Load]:
    """Settle every candidate that needs no parsing (recording it) and return those to load."""
    loads: list[Load] = []
    planned: dict[str, Candidate] = {}
    now = utc_now()
    for cand in candidates:
        sv = surveys[cand.location]
        key = (cand.entity, cand.name, sv.checksum)
        settled = run.ledger.final_attempt(key) if sv.error is None else None
        if settled is not None:
            run.report.unchanged += 1
            if settled.status == L.REJECTED:  # still in landing: not resolved until it leaves
                run.report.unresolved.append(settled)
            continue
        attempt = L.Attempt(
            batch_id=batch_id(cand.name, sv.checksum) if sv.checksum else cand.name,
            entity=cand.entity,
            source_file=cand.name,
            file_checksum=sv.checksum,
            extract_date=cand.landing_name.extract_date if cand.landing_name else None,
            attempt=run.ledger.next_attempt(key),
            status=L.REJECTED,
            started_at=now,
        )
        load = _judge(run, cand, sv, attempt)
        if load is None:
            continue
        if sv.checksum in planned:  # settled after the first copy's load (settle_duplicates)
            run.report.deferred_duplicates.append((attempt, planned[sv.checksum].label))
            continue
        planned[sv.checksum] = cand
        loads.append(load)
    return loads


def _judge(run: IngestRun, cand: Candidate, sv: Survey, attempt: L.Attempt) -> Load | None:
    """The file as a Load, or None when it is settled without parsing (recorded here)."""

    def settle(status: str, why: str | None = None) -> None:
        attempt.status, attempt.reject_reason = status, why
        if status == L.REJECTED:
            attempt.lines_read = max(sv.lines - 1, 0)  # physical lines after the header
        run.record(attempt)

    if sv.error is not None:
        return settle(L.FAILED, f"{cand.label} {sv.error}.")
    if cand.rejection:
        return settle(L.REJECTED, f"{cand.label} {cand.rejection}; nothing from it was loaded.")
    entity = run.contract.entity(cand.entity)
    header = read_header(sv.head, complete=sv.size <= len(sv.head))
    if header.problem:
        return settle(L.REJECTED, f"{cand.label} {header.problem}; nothing from it was loaded.")
    if header.names is None:  # 0 bytes or a BOM only: not even a header
        what = "has 0 bytes" if sv.size == 0 else "holds only a byte order mark"
        if reject_empty():
            return settle(
                L.REJECTED,
                f"{cand.label} {what} (no header); nothing was loaded "
                f"({REJECT_EMPTY_VARIABLE}=1 rejects empty files).",
            )
        run.report.warnings.append(
            f"{cand.label} {what} (no header), recorded as empty: check the extract "
            f"upstream ({REJECT_EMPTY_VARIABLE}=1 rejects such files)."
        )
        return settle(L.EMPTY)
    match = match_header(header.names, entity)
    if match.problem:
        return settle(L.REJECTED, f"{cand.label} {match.problem}; nothing from it was loaded.")
    _note_columns(run.report, cand, match, attempt)
    if sv.size <= header.end:  # header only
        return settle(L.LOADED)
    earlier = run.ledger.loaded_with_checksum(sv.checksum)
    if earlier is not None:
        attempt.lines_read = earlier.lines_read  # the same bytes: the same records
        return settle(
            L.SKIPPED_DUPLICATE,
            f"{cand.label} has the same bytes as {earlier.entity}/{earlier.source_file}, "
            "already loaded.",
        )
    return Load(cand, sv, match, header.end, header.bom, attempt)


def _note_columns(
    report: IngestReport, cand: Candidate, match: HeaderMatch, attempt: L.Attempt
) -> None:
    """Unexpected columns (schema drift, kept) and missing optional ones, as warnings."""
    attempt.schema_drift = L.drift_json(match.drift)
    if match.drift:
        cols = ", ".join(f"'{c}'" for c in match.drift)
        report.warnings.append(
            f"schema drift: {cand.label} has unexpected column(s) {cols}; kept in _extra_columns."
        )
    if match.missing_optional:
        cols = ", ".join(f"'{c}'" for c in match.missing_optional)
        report.warnings.append(f"{cand.label} has no column {cols} (optional); loaded as null.")


def settle_duplicates(run: IngestRun) -> None:
    """Record second copies of files this run loaded, with the first copy's record count. If
    the first copy did not load, the copy is left for the next run (it may be the one to load)."""
    for attempt, first in run.report.deferred_duplicates:
        loaded = run.ledger.loaded_with_checksum(attempt.file_checksum)
        if loaded is None:
            continue
        attempt.status, attempt.lines_read = L.SKIPPED_DUPLICATE, loaded.lines_read
        attempt.reject_reason = (
            f"{attempt.entity}/{attempt.source_file} has the same bytes as {first}, already loaded."
        )
        run.record(attempt)


def reject_empty() -> bool:
    return os.environ.get(REJECT_EMPTY_VARIABLE, "").strip().lower() in ("1", "true", "yes")
