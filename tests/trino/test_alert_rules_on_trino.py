"""The alert rules (alerts/rules.yml) run on Trino, the engine inside Athena, over the tiny
preset's trino build, and find the same occurrences as on the dev build of the same lake: the
SQL the Lambda sends to Athena is executed, not only parsed."""

from __future__ import annotations

import pytest

from finlake.alerts.engine import evaluate
from finlake.alerts.local import duckdb_query
from finlake.alerts.rules import load_rules, schemas_from_env
from finlake.lake import open_warehouse

pytestmark = pytest.mark.trino


def test_every_rule_runs_on_trino_and_finds_what_duckdb_finds(parity_run, trino, tiny_warehouse):
    """parity_run built the tiny_warehouse lake's bronze on Trino; the dev side is that lake."""
    import trino as trino_client

    rules = load_rules()
    schemas = schemas_from_env()
    with trino_client.dbapi.connect(
        host=trino.host, port=trino.port, user="finlake", catalog="iceberg"
    ) as con:
        cursor = con.cursor()

        def on_trino(sql: str) -> list[dict[str, object]]:
            cursor.execute(sql)
            rows = cursor.fetchall()
            columns = [d[0] for d in cursor.description]
            return [dict(zip(columns, row, strict=True)) for row in rows]

        trino_run = evaluate(rules, on_trino, schemas, None, "trino")
    with open_warehouse(tiny_warehouse) as con:
        dev_run = evaluate(rules, duckdb_query(con), schemas, None, "dev")
    assert set(trino_run.active) == {rule.name for rule in rules}
    assert trino_run.state["rules"] == dev_run.state["rules"]
    assert sum(trino_run.active.values()) > 0  # the tiny preset has fraud alerts and CTRs
