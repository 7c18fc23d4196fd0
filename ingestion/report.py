"""What one ingest run found and did (`IngestReport`), the summary it prints, and the errors that
end a run: `IngestError` (landing or bronze cannot be used) and `FilesNotLoaded` (raised after the
summary when a file was rejected or failed)."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import TextIO

from finlake.errors import FinlakeError
from ingestion import ledger as L


class IngestError(FinlakeError):
    """The landing or bronze location cannot be used."""


class FilesNotLoaded(FinlakeError):
    """Some landing files were rejected or failed; the ledger records each with its reason."""


@dataclass
class IngestReport:
    """What one run did: its ledger rows, files left alone, warnings and wall time."""

    attempts: list[L.Attempt] = field(default_factory=list)
    unchanged: int = 0
    # Files rejected by an earlier run and still in landing: every run fails until they leave.
    unresolved: list[L.Attempt] = field(default_factory=list)
    # Second copies of a file loaded in this same run: (their attempt, the first copy's label).
    deferred_duplicates: list[tuple[L.Attempt, str]] = field(default_factory=list)
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


def print_report(report: IngestReport, bronze: str, out: TextIO | None = None) -> None:
    """Files loaded/skipped/rejected, rows and malformed lines per entity, time, what bronze
    holds now; then warnings and the reason for every rejected or failed file (stderr)."""
    out = out or sys.stdout
    done = report.attempts
    print(
        f"bronze: {report.count('loaded')} files loaded, {report.count('skipped_duplicate')} "
        f"skipped as duplicates, {report.count(L.REJECTED)} rejected, {report.count(L.FAILED)} failed, "
        f"{report.unchanged} already loaded earlier, in {report.seconds:.1f}s"
        + (f", {report.count('empty')} empty" if report.count("empty") else ""),
        file=out,
    )
    if done:
        width = max(len(e) for e in report.by_entity())
        for entity, row in report.by_entity().items():
            print(
                f"  {entity:<{width}}  {row['loaded']:>3} loaded  {row['rows']:>12,} rows  "
                f"{row['malformed']:>6,} malformed"
                + (f"  {row['skipped']} skipped" if row["skipped"] else "")
                + (f"  {row['rejected']} rejected" if row["rejected"] else "")
                + (f"  {row['failed']} failed" if row["failed"] else "")
                + (f"  {row['empty']} empty" if row["empty"] else ""),
                file=out,
            )
    if report.bronze:
        width = max(len(e) for e in report.bronze)
        print("  bronze now holds:", file=out)
        for entity, row in report.bronze.items():
            print(
                f"    {entity:<{width}}  {row['rows']:>12,} rows  {row['malformed']:>6,} malformed "
                f"lines  from {row['files']} files",
                file=out,
            )
    if report.phases:
        phases = ", ".join(f"{k} {v:.1f}s" for k, v in report.phases.items())
        print(f"  time by phase: {phases}", file=out)
    print(f"  tables: {bronze}", file=out)
    if report.recovered:
        print(
            f"  removed {len(report.recovered)} leftovers of an interrupted run before loading",
            file=out,
        )
    if report.development_pii_key:
        print(
            "warning: personal data was tokenised with the public development key "
            "(--dev-pii-key): its tokens protect nothing; use FINLAKE_PII_KEY for real data.",
            file=sys.stderr,
        )
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for attempt in report.problems:
        status = attempt.status
        if any(attempt is u for u in report.unresolved):
            status = f"rejected on {attempt.finished_at:%Y-%m-%d} and still in landing"
        print(f"{status}: {attempt.reject_reason}", file=sys.stderr)
