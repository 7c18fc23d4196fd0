"""What each stage prints when it ends: the generation and build summaries (the ingest summary is
ingestion/report.py's print_report), and the warehouse figures they read."""

from __future__ import annotations

from pathlib import Path

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
    bank = f", bank profile {cfg['profile']}" if cfg.get("profile") else ""
    print(
        f"landing: preset {cfg['preset']}{bank} ({cfg['customers']:,} customers, seed {cfg['seed']}, "
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


def _silver_figures(con) -> dict:
    """The reconciliation per entity and the quarantine by reason (silver only)."""
    recon = con.execute(
        "select entity, sum(landed_records), sum(malformed_records), sum(bronze_rows), sum(silver_rows), "
        "sum(exact_duplicate_rows), sum(superseded_rows), sum(quarantined_rows), bool_and(is_balanced) "
        "from silver.reconciliation group by entity order by entity"
    ).fetchall()
    reasons = con.execute(
        "select primary_reason_code, count(*) from silver.quarantine group by 1 order by 2 desc"
    ).fetchall()
    return {"reconciliation": recon, "quarantine_reasons": reasons}


def warehouse_figures(lake: Lake) -> dict:
    """Counts per layer from the dev warehouse, for the demo summary and the notes."""
    import duckdb

    con = duckdb.connect(str(lake.warehouse), read_only=True)
    try:
        figures = _silver_figures(con)
        recon, reasons = figures["reconciliation"], figures["quarantine_reasons"]
        gold = {
            name: con.execute(f"select count(*) from gold.{name}").fetchall()[0][0]
            for name in (
                "dim_customers",
                "customer_summary",
                "loan_default_features",
                "fraud_alerts",
                "offers",
                "ctr_candidates",
                "structuring_suspicions",
            )
        }
        alerts = con.execute(
            "select rule_name, count(*) from gold.fraud_alerts group by 1 order by 1"
        ).fetchall()
        default_rate = con.execute(
            "select avg(cast(defaults_within_window as double)) from gold.loan_default_features where is_label_complete"
        ).fetchall()[0][0]
    finally:
        con.close()
    return {
        "reconciliation": recon,
        "quarantine_reasons": reasons,
        "gold": gold,
        "alerts": alerts,
        "default_rate": default_rate,
    }


def quality_warnings(lake: Lake, warehouse: Path | None = None) -> list[str]:
    """One sentence per reference gap and per entity whose pass rate is below the warning level
    (each read when its table exists: a failed build may stop before gold)."""
    import duckdb

    out: list[str] = []
    con = duckdb.connect(str(warehouse or lake.warehouse), read_only=True)
    try:
        try:
            gaps = con.execute(
                "select message from gold.reference_gaps order by silver_rows desc, message"
            ).fetchall()
        except duckdb.Error:
            gaps = []
        out += [message for (message,) in gaps]
        try:
            rates = con.execute(
                "select entity, pass_rate, pass_rate_status, top_reasons from silver.pass_rates "
                "where pass_rate_status <> 'ok' order by pass_rate"
            ).fetchall()
        except duckdb.Error:
            rates = []
        for entity, rate, status, reasons in rates:
            level = "fails the build" if status == "error" else "is below the warning level"
            out.append(
                f"{entity}: only {rate:.1%} of the delivered rows pass into silver, which {level} "
                f"(pass_rate_warn_below / pass_rate_error_below in dbt_project.yml); "
                f"top reasons: {reasons or 'none'}."
            )
    finally:
        con.close()
    return out


def print_reconciliation(lake: Lake) -> None:
    """The reconciliation table, also after a failed build (when silver got that far): then it
    is read from the failed build's kept copy, not from the previous build still published."""
    import duckdb

    failed = lake.failed_warehouse
    warehouse = failed if failed.is_file() else lake.warehouse
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            figures = _silver_figures(con)
        finally:
            con.close()
    except duckdb.Error:
        print("  reconciliation: not available (the build stopped before silver.reconciliation)")
        return
    _print_reconciliation(figures)
    for line in quality_warnings(lake, warehouse):
        print(f"  warning: {line}")


def _print_reconciliation(figures: dict) -> None:
    print(
        f"  {'entity':<14}{'landed':>10}{'malformed':>10}{'bronze':>10}{'silver':>10}{'dupes':>8}"
        f"{'older':>8}{'quarant.':>9}  balanced"
    )
    for entity, landed, malformed, bronze, silver, dupes, older, quarantined, balanced in figures[
        "reconciliation"
    ]:
        print(
            f"  {entity:<14}{landed:>10,}{malformed:>10,}{bronze:>10,}{silver:>10,}{dupes:>8,}{older:>8,}"
            f"{quarantined:>9,}  {'yes' if balanced else 'NO'}"
        )
    print(
        "  quarantine by reason: " + ", ".join(f"{r} {n}" for r, n in figures["quarantine_reasons"])
    )


def print_build(lake: Lake, result) -> None:
    figures = warehouse_figures(lake)
    print(result.describe())
    _print_reconciliation(figures)
    for line in quality_warnings(lake):
        print(f"  warning: {line}")
    g = figures["gold"]
    print(
        f"  gold: {g['dim_customers']:,} customers, {g['loan_default_features']:,} default-feature rows "
        f"(12-month default rate {figures['default_rate'] or 0:.1%}), {g['fraud_alerts']:,} fraud alerts "
        f"({', '.join(f'{r} {n}' for r, n in figures['alerts'])}), {g['offers']:,} offers, "
        f"{g['ctr_candidates']:,} CTR candidates, {g['structuring_suspicions']:,} structuring suspicions"
    )
    print(f"  warehouse: {lake.warehouse}  gold exports: {lake.gold}")
