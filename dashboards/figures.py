"""Every figure of the dashboard, as data: the page it is on, its title, how it is drawn and the
SQL that computes it from a gold model. The pages draw these and nothing else, the browser test
compares tiles with its own queries of the same tables, and docs/dashboard.md lists the same SQL
as the Athena datasets QuickSight reads (`python dashboards/figures.py` prints them).

The SQL is the dialect DuckDB and Athena (Trino) share; `{gold}` and `{silver}` stand for the
layers' schemas (`gold`/`silver` on dev, the Glue databases on Athena).
"""

from __future__ import annotations

import sys
import textwrap
from dataclasses import dataclass

PAGES = {
    "risk": "Credit risk",
    "fraud": "Fraud",
    "compliance": "Compliance",
    "data_quality": "Data quality",
    "model": "Model monitoring",
}


@dataclass(frozen=True)
class Figure:
    page: str
    key: str
    title: str
    kind: str  # tiles (one row, a tile per column), bar, line or table
    sql: str
    x: str | None = None  # bar and line: the x column; a `series` column, if any, splits lines
    note: str = ""
    y: tuple[str, ...] = ()  # bar and line: the columns drawn (else the first numeric one)

    def query(self, gold: str = "gold", silver: str = "silver") -> str:
        return textwrap.dedent(self.sql).format(gold=gold, silver=silver).strip()


FIGURES = [
    # --- credit risk: customer_risk (PD, band, expected loss), int_risk_exposures (product) ---
    Figure(
        "risk",
        "risk_tiles",
        "Portfolio",
        "tiles",
        """
        select
            count(*) as customers,
            sum(case when probability_source = 'model' then 1 else 0 end) as scored_by_the_model,
            sum(case when risk_band = 'defaulted' then 1 else 0 end) as in_default,
            sum(exposure_at_default) as exposure_at_default,
            sum(expected_loss_12m) as expected_loss_12m
        from {gold}.customer_risk
        """,
    ),
    Figure(
        "risk",
        "pd_by_band",
        "Customers, mean PD and expected loss by risk band",
        "bar",
        """
        select
            risk_band,
            count(*) as customers,
            avg(probability_of_default) as mean_probability_of_default,
            sum(expected_loss_12m) as expected_loss_12m
        from {gold}.customer_risk
        group by risk_band
        order by risk_band
        """,
        x="risk_band",
    ),
    Figure(
        "risk",
        "el_by_product",
        "Exposure and expected loss by product and risk band",
        "table",
        """
        select
            exposures.product,
            risk.risk_band,
            count(*) as exposures,
            sum(exposures.exposure_at_default) as exposure_at_default,
            avg(risk.probability_of_default) as mean_probability_of_default,
            sum(risk.probability_of_default * exposures.loss_if_default) as expected_loss_12m
        from {gold}.int_risk_exposures as exposures
        inner join {gold}.customer_risk as risk
            on exposures.customer_id = risk.customer_id
        group by exposures.product, risk.risk_band
        order by exposures.product, risk.risk_band
        """,
        note="Expected loss per exposure is the customer's PD x the exposure's EAD x LGD; "
        "summed over products it equals the portfolio's expected loss above.",
    ),
    Figure(
        "risk",
        "default_rate_by_vintage",
        "Default rate by vintage (borrowers observed each month, 12-month window complete)",
        "line",
        """
        select
            observation_date,
            count(*) as borrowers,
            avg(case when defaults_within_window then 1.0 else 0.0 end) as default_rate
        from {gold}.loan_default_features
        where is_label_complete
        group by observation_date
        order by observation_date
        """,
        x="observation_date",
        note="A vintage is the month the borrowers were observed in; the rate is the share that "
        "defaulted within the label window after it (the default model's label).",
    ),
    # --- fraud: fraud_alerts ---
    Figure(
        "fraud",
        "fraud_tiles",
        "Fraud alerts",
        "tiles",
        """
        select
            count(*) as alerts,
            count(distinct customer_id) as customers_alerted,
            sum(case when score >= 0.8 then 1 else 0 end) as high_score_alerts,
            sum(total_amount) as amount_in_alerts
        from {gold}.fraud_alerts
        """,
        note="High-score alerts: a score of 0.8 or more.",
    ),
    Figure(
        "fraud",
        "alerts_by_rule_over_time",
        "Alerts per week by rule",
        "bar",
        """
        select
            date_trunc('week', alert_date) as week,
            rule_id || ' ' || rule_name as series,
            count(*) as alerts
        from {gold}.fraud_alerts
        group by 1, 2
        order by 1, 2
        """,
        x="week",
    ),
    Figure(
        "fraud",
        "top_alerts",
        "The 20 alerts most worth a reviewer's time",
        "table",
        """
        select alert_id, rule_id, rule_name, customer_id, alert_date, score, total_amount, reason
        from {gold}.fraud_alerts
        order by score desc, alert_id
        limit 20
        """,
    ),
    # --- compliance: ctr_candidates, structuring_suspicions ---
    Figure(
        "compliance",
        "compliance_tiles",
        "Currency transaction reports and structuring",
        "tiles",
        """
        select
            (select count(*) from {gold}.ctr_candidates) as ctr_candidates,
            (select sum(case when is_cash_in_over_threshold then cash_in_amount else 0 end)
                + sum(case when is_cash_out_over_threshold then cash_out_amount else 0 end)
                from {gold}.ctr_candidates) as cash_over_threshold,
            (select count(*) from {gold}.structuring_suspicions) as structuring_suspicions
        """,
    ),
    Figure(
        "compliance",
        "ctr_volume",
        "CTR candidates per month",
        "bar",
        """
        select
            date_trunc('month', business_date) as month,
            sum(case when is_cash_in_over_threshold then 1 else 0 end) as cash_in_over_threshold,
            sum(case when is_cash_out_over_threshold then 1 else 0 end) as cash_out_over_threshold
        from {gold}.ctr_candidates
        group by 1
        order by 1
        """,
        x="month",
        y=("cash_in_over_threshold", "cash_out_over_threshold"),
    ),
    Figure(
        "compliance",
        "structuring",
        "Structuring suspicions",
        "table",
        """
        select suspicion_id, customer_id, currency, first_deposit_date, last_deposit_date,
            deposit_count, total_amount
        from {gold}.structuring_suspicions
        order by first_deposit_date, suspicion_id
        """,
    ),
    # --- data quality: data_quality_report (pass rate and reconciliation per batch) ---
    Figure(
        "data_quality",
        "dq_tiles",
        "Delivered data",
        "tiles",
        """
        select
            sum(landed_records) as landed_records,
            sum(quarantined_rows) as quarantined_rows,
            1 - sum(quarantined_rows) * 1.0 / sum(bronze_rows - exact_duplicate_rows) as pass_rate,
            sum(case when is_balanced then 0 else 1 end) as unbalanced_batches
        from {gold}.data_quality_report
        """,
    ),
    Figure(
        "data_quality",
        "pass_rate_by_entity_day",
        "Pass rate per entity and day",
        "line",
        """
        select
            extract_date,
            entity as series,
            1 - sum(quarantined_rows) * 1.0 / sum(bronze_rows - exact_duplicate_rows) as pass_rate
        from {gold}.data_quality_report
        where bronze_rows > exact_duplicate_rows
        group by extract_date, entity
        order by extract_date, entity
        """,
        x="extract_date",
    ),
    Figure(
        "data_quality",
        "reconciliation_by_entity_day",
        "Reconciliation per entity and day: where every landed record went",
        "table",
        """
        select
            entity,
            extract_date,
            sum(landed_records) as landed,
            sum(malformed_records) as malformed,
            sum(bronze_rows) as bronze,
            sum(silver_rows) as silver,
            sum(exact_duplicate_rows) as duplicates,
            sum(superseded_rows) as superseded,
            sum(quarantined_rows) as quarantined,
            min(case when is_balanced then 1 else 0 end) = 1 as is_balanced
        from {gold}.data_quality_report
        group by entity, extract_date
        order by entity, extract_date
        """,
    ),
    # --- model: the default model's monitoring (staged from ml/monitoring.py) and its scores ---
    Figure(
        "model",
        "model_tiles",
        "Scores in customer_risk",
        "tiles",
        """
        select
            max(model_version) as model_version,
            max(scored_as_of) as scored_as_of,
            sum(case when probability_source = 'model' then 1 else 0 end) as customers_scored,
            avg(case when probability_source = 'model' then probability_of_default end)
                as mean_model_pd
        from {gold}.customer_risk
        """,
    ),
    Figure(
        "model",
        "score_psi",
        "Score stability (PSI of the score; 0.1 warns, 0.25 alerts)",
        "line",
        """
        select observation_date, metric_value as psi, status
        from {silver}.stg_model_monitoring
        where measure = 'psi_score'
        order by observation_date
        """,
        x="observation_date",
        note="Staged 1:1 from the model's monitoring output (stg_model_monitoring); empty until "
        "`finlake train` has run.",
    ),
    Figure(
        "model",
        "monitoring_latest",
        "Latest monitoring: input PSI and calibration by band",
        "table",
        """
        select measure, subject, row_count, metric_value, expected_value, status, model_version
        from {silver}.stg_model_monitoring
        where observation_date = (select max(observation_date) from {silver}.stg_model_monitoring)
            and measure in ('psi_input', 'calibration')
        order by measure, subject
        """,
    ),
]


def on_page(page: str) -> list[Figure]:
    return [figure for figure in FIGURES if figure.page == page]


def markdown(gold: str = "<gold database>", silver: str = "<silver database>") -> str:
    """The Athena datasets of each page, as docs/dashboard.md lists them."""
    out = []
    for page, title in PAGES.items():
        out.append(f"### {title}\n")
        for figure in on_page(page):
            out.append(f"- **{figure.title}** (`{figure.key}`, {figure.kind}):\n")
            out.append(
                "  ```sql\n  " + figure.query(gold, silver).replace("\n", "\n  ") + "\n  ```\n"
            )
    return "\n".join(out)


if __name__ == "__main__":
    sys.stdout.write(markdown(*sys.argv[1:3]))
