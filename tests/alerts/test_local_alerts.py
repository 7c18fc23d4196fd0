"""`finlake alerts` on a built tiny warehouse (DuckDB, the real gold and silver tables): every
rule runs and fires on rows made to trigger it, each occurrence pages once, a re-run pages
nothing, an occurrence that changes (a band crossed) pages again, and a failing rule records
nothing."""

from __future__ import annotations

import json

import duckdb
import pytest

from finlake import cli
from finlake.alerts.local import NOTIFICATIONS, STATE, SUMMARY, run_alerts
from finlake.alerts.rules import load_rules
from finlake.errors import FinlakeError
from tests.lake_copy import copy_lake


@pytest.fixture
def lake(tiny_warehouse, tmp_path):
    return copy_lake(tiny_warehouse, tmp_path / "lake")


def _lines(lake) -> list[dict]:
    path = lake.alerts / NOTIFICATIONS
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _trigger_every_rule(lake) -> None:
    """Rows of the tiny build changed so that each rule has an occurrence: the generator's tiny
    data has fraud alerts and CTR candidates but no scores (the model is not trained here), no
    structuring episode, no unbalanced file, no pass rate under 95% and no stale source."""
    with duckdb.connect(str(lake.warehouse)) as con:
        con.execute(
            "update gold.customer_risk set probability_source = 'model', "
            "probability_of_default = 0.31, risk_band = 'E' "
            "where customer_id = (select min(customer_id) from gold.customer_risk)"
        )
        con.execute(
            "update gold.data_quality_report set is_balanced = false "
            "where source_file = (select min(source_file) from gold.data_quality_report)"
        )
        con.execute(
            "update silver.pass_rates set pass_rate = 0.4, pass_rate_status = 'error' "
            "where entity = 'loans'"
        )
        con.execute(
            "insert into gold.structuring_suspicions (suspicion_id, customer_id, currency, "
            "account_id, first_deposit_date, last_deposit_date, deposit_count, total_amount, "
            "transaction_ids) select 'S-test', customer_id, 'USD', 'A-test', date '2024-01-02', "
            "date '2024-01-09', 3, 27000.00, 'T1,T2,T3' "
            "from gold.customer_risk order by customer_id limit 1"
        )
        # accounts stopped delivering: its last three days of files are gone
        con.execute(
            "delete from gold.data_quality_report where entity = 'accounts' and extract_date > "
            "(select max(extract_date) - interval 3 day from gold.data_quality_report)"
        )


def test_each_rule_fires_once_and_a_rerun_pages_nothing(lake, capsys):
    _trigger_every_rule(lake)
    first = run_alerts(lake, run_id="run-1")
    fired = {n.rule for n in first.evaluation.notifications}
    assert fired >= {
        "pd_band_crossed",
        "fraud_alert_high_score",
        "ctr_candidate",
        "structuring_suspicion",
        "reconciliation_unbalanced",
        "pass_rate_below_threshold",
        "stale_source",
    }, fired
    lines = _lines(lake)
    assert len(lines) == len(first.evaluation.notifications) > 0
    assert len({(n["rule"], n["occurrence_key"]) for n in lines}) == len(lines)
    pd = next(n for n in lines if n["rule"] == "pd_band_crossed")
    assert pd["topic"] == "risk" and pd["severity"] == "high"
    assert "risk band E" in pd["message"] and pd["facts"]["probability_of_default"] == 0.31
    stale = next(n for n in lines if n["rule"] == "stale_source")
    assert stale["facts"]["entity"] == "accounts" and stale["facts"]["days_behind"] == 3
    assert "run-1" in (lake.alerts / SUMMARY).read_text()

    second = run_alerts(lake, run_id="run-2")
    assert second.evaluation.notifications == []
    assert second.evaluation.active == first.evaluation.active
    assert len(_lines(lake)) == len(lines)


def test_a_band_crossed_again_pages_again(lake):
    _trigger_every_rule(lake)
    run_alerts(lake, show=False)
    with duckdb.connect(str(lake.warehouse)) as con:
        con.execute(
            "update gold.customer_risk set probability_of_default = 0.12, risk_band = 'D' "
            "where probability_source = 'model'"
        )
    again = run_alerts(lake, show=False)
    assert [(n.rule, n.facts["risk_band"]) for n in again.evaluation.notifications] == [
        ("pd_band_crossed", "D")
    ]


def test_a_failing_rule_records_nothing(lake, tmp_path):
    rules = tmp_path / "rules.yml"
    rules.write_text(_broken_rules(), "utf-8")
    with pytest.raises(FinlakeError, match="Alert rule no_such_model failed on the engine"):
        run_alerts(lake, rules, show=False)
    assert not (lake.alerts).exists()


def _broken_rules() -> str:
    from finlake.alerts.rules import RULES_FILE

    return RULES_FILE.read_text() + (
        "  - name: no_such_model\n"
        "    description: reads a model that does not exist\n"
        "    model: nothing\n"
        "    topic: risk\n"
        "    severity: info\n"
        "    message: x\n"
        "    sql: select 1 as occurrence_key from ${gold}.no_such_model\n"
    )


def test_the_command_line_writes_and_dedups(lake, capsys):
    assert cli.main(["alerts", "--lake", str(lake.root)]) == 0
    out = capsys.readouterr().out
    assert "new notification(s)" in out and "fraud_alert_high_score" in out
    state = json.loads((lake.alerts / STATE).read_text())
    assert set(state["rules"]) == {r.name for r in load_rules()}
    count = len(_lines(lake))
    assert count > 0
    assert cli.main(["alerts", "--lake", str(lake.root)]) == 0
    assert "0 new notification(s)" in capsys.readouterr().out
    assert len(_lines(lake)) == count


def test_an_unbuilt_lake_is_one_sentence(tmp_path, capsys):
    assert cli.main(["alerts", "--lake", str(tmp_path / "empty")]) != 0
    err = capsys.readouterr().err
    assert "No warehouse at" in err and "Traceback" not in err
