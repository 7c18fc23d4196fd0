"""The alert rules file: every rule is well formed, its SQL is Athena engine v3 SQL (the same
allow-list and DuckDB-syntax check as `make athena-check`), and the loader refuses a broken rule
in one sentence naming it."""

from __future__ import annotations

import json

import pytest

from finlake.alerts.rules import RULES_FILE, load_rules, rules_from_data, schemas_from_env
from finlake.errors import ConfigError
from tools.athena_check.check import check_sql, load_allowlist

RULES = load_rules()
ATHENA_SCHEMAS = {"gold": "finlake_prod_gold", "silver": "finlake_prod_silver"}


def test_the_rules_cover_what_the_bank_asked_for():
    models = {rule.model for rule in RULES}
    assert {
        "customer_risk",
        "fraud_alerts",
        "ctr_candidates",
        "structuring_suspicions",
        "data_quality_report",
        "pass_rates",
    } <= models
    assert {rule.topic for rule in RULES} == {"risk", "fraud", "compliance", "data-quality"}
    assert "stale_source" in {rule.name for rule in RULES}


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_rule_sql_is_athena_sql(rule):
    sql = rule.render(ATHENA_SCHEMAS)
    assert "finlake_prod_" in sql and "$" not in sql
    problems = check_sql(sql, load_allowlist())
    assert problems == [], [f"{rule.name}:{p.line} {p.message}" for p in problems]


def test_the_athena_check_catches_a_duckdb_only_rule():
    """The check above can fail: a rule written with DuckDB-only constructs is refused."""
    data = {
        "rules": [
            {
                "name": "duckdb_only",
                "description": "d",
                "model": "fraud_alerts",
                "topic": "fraud",
                "severity": "info",
                "message": "{alert_id}",
                "sql": "select alert_id as occurrence_key, strftime(alert_date, '%Y') as y, "
                "score::varchar as s from ${gold}.fraud_alerts qualify row_number() over () = 1",
            }
        ]
    }
    (rule,) = rules_from_data(data, "test")
    messages = " ".join(p.message for p in check_sql(rule.render(ATHENA_SCHEMAS), load_allowlist()))
    assert "strftime() is not an Athena engine v3 function" in messages
    assert "qualify" in messages and "::" in messages


def test_the_schemas_follow_the_dbt_schema_variables():
    assert schemas_from_env({}) == {"gold": "gold", "silver": "silver"}
    env = {"FINLAKE_GOLD_SCHEMA": "finlake_prod_gold", "FINLAKE_SILVER_SCHEMA": "s"}
    assert schemas_from_env(env) == {"gold": "finlake_prod_gold", "silver": "s"}


def test_json_rendering_of_the_rules_loads_the_same(tmp_path):
    """The Lambda reads the rules as JSON (Terraform's jsonencode(yamldecode(file)))."""
    import yaml

    path = tmp_path / "rules.json"
    path.write_text(json.dumps(yaml.safe_load(RULES_FILE.read_text())))
    assert load_rules(path) == RULES


def _rule(**changes):
    base = {
        "name": "r",
        "description": "d",
        "model": "fraud_alerts",
        "topic": "fraud",
        "severity": "high",
        "message": "{alert_id}",
        "sql": "select alert_id as occurrence_key from ${gold}.fraud_alerts",
    }
    base.update(changes)
    return {"rules": [{k: v for k, v in base.items() if v is not None}]}


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"severity": "urgent"}, "severity 'urgent' is not one of"),
        ({"topic": "everyone"}, "topic 'everyone' is not one of"),
        ({"sql": "select 1 as occurrence_key from ${gold}.x where s > ${threshold}"}, "threshold"),
        ({"sql": "select 1 as occurrence_key from gold.fraud_alerts"}, "names no layer"),
        ({"sql": "select alert_id from ${gold}.fraud_alerts"}, "occurrence_key"),
        ({"threshold": "high"}, "must be a number"),
        ({"message": None}, "`message` is missing"),
        ({"name": "Bad Name"}, "lowercase"),
        ({"pager": "x"}, "unknown field pager"),
    ],
)
def test_a_broken_rule_is_refused_naming_it(changes, says):
    with pytest.raises(ConfigError, match="test, rule 1") as caught:
        rules_from_data(_rule(**changes), "test")
    assert says in str(caught.value)
    assert "\n" not in str(caught.value)


def test_duplicate_names_are_refused():
    data = _rule()
    data["rules"].append(dict(data["rules"][0]))
    with pytest.raises(ConfigError, match="r repeat"):
        rules_from_data(data, "test")


def test_a_missing_or_broken_file_is_one_sentence(tmp_path):
    with pytest.raises(ConfigError, match="No alert rules file"):
        load_rules(tmp_path / "nope.yml")
    bad = tmp_path / "bad.yml"
    bad.write_text("rules: [\n")
    with pytest.raises(ConfigError, match="is not valid YAML/JSON"):
        load_rules(bad)
