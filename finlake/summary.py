"""Human-readable summaries printed at the end of a command or of the demo."""

from __future__ import annotations

from finlake.generator.run import GenerationReport
from finlake.lake import Lake


def _n(x: int | float) -> str:
    return f"{x:,}" if isinstance(x, int) else f"{x:,.4g}"


def print_generation(report: GenerationReport, lake: Lake) -> None:
    cfg = report.config
    verb = (
        "reused (same configuration already generated)"
        if report.reused
        else f"generated in {report.seconds:.1f}s"
    )
    print(
        f"landing: preset {cfg['preset']} ({cfg['customers']:,} customers, seed {cfg['seed']}, "
        f"as of {cfg['as_of']}, {cfg['days']} daily deltas) {verb}"
    )
    width = max(len(k) for k in report.rows)
    for entity, rows in report.rows.items():
        files = [f for f in report.files if f["entity"] == entity]
        size = sum(f["bytes"] for f in files) / 1e6
        print(f"  {entity:<{width}}  {rows:>12,} rows  {len(files):>3} files  {size:>9.1f} MB")
    defects = sum(
        v for k, v in report.defects.items() if k not in ("bom", "crlf", "header_variant")
    )
    print(
        f"  injected defects: {defects:,} lines ({', '.join(f'{k} {v}' for k, v in report.defects.items())})"
    )
    print(
        f"  fraud: {report.fraud_episodes:,} episodes, {report.fraud_transactions:,} labelled transactions"
    )
    if report.oracle_auc is not None:
        print(
            f"  default signal: 12-month default rate {report.default_rate_12m:.1%} over "
            f"{report.oracle_rows:,} borrower-months; oracle AUC {report.oracle_auc:.3f}"
        )
    print(f"  files: {lake.landing}  truth: {lake.truth}")
