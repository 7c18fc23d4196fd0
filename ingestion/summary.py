"""The short summary `finlake ingest` and `finlake demo` print after a run."""

from __future__ import annotations

import sys
from typing import TextIO

from ingestion.ledger import FAILED, REJECTED
from ingestion.run import IngestReport


def print_report(report: IngestReport, bronze: str, out: TextIO | None = None) -> None:
    """Files loaded/skipped/rejected, rows and malformed lines per entity, time, what bronze
    holds now; then warnings and the reason for every rejected or failed file (stderr)."""
    out = out or sys.stdout
    done = report.attempts
    print(
        f"bronze: {report.count('loaded')} files loaded, {report.count('skipped_duplicate')} "
        f"skipped as duplicates, {report.count(REJECTED)} rejected, {report.count(FAILED)} failed, "
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
