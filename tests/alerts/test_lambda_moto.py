"""The alerting Lambda's handler end to end against moto's server: Athena (moto answers each
query with the result queued for it, as its documented results API allows), S3, SNS (KMS
encrypted) and SQS real in the emulator. The published messages, the dedup on a second run,
the dead-letter record on failure; and the zip's modules import without the project's heavy
dependencies."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from finlake.alerts import aws
from finlake.alerts.rules import RULES_FILE, load_rules
from tools.athena_check.moto_server import MotoServer

REPO = Path(__file__).resolve().parents[2]
RULES = load_rules()
WORKGROUP = "finlake-test-primary"
GOLD, SILVER = "finlake_prod_gold", "finlake_prod_silver"

# One Athena result per rule, in the rules file's order (the handler runs them in that order).
# Shaped like Athena's answers: text values with the column types beside them.
FRAUD = [
    ("occurrence_key", "varchar"),
    ("alert_id", "varchar"),
    ("rule_id", "varchar"),
    ("rule_name", "varchar"),
    ("customer_id", "varchar"),
    ("account_id", "varchar"),
    ("alert_date", "date"),
    ("score", "double"),
    ("total_amount", "decimal"),
    ("reason", "varchar"),
]
PD = [
    ("occurrence_key", "varchar"),
    ("customer_id", "varchar"),
    ("risk_band", "varchar"),
    ("probability_of_default", "double"),
    ("expected_loss_12m", "decimal"),
    ("scored_as_of", "date"),
]


def _result(columns, rows):
    header = {"Data": [{"VarCharValue": name} for name, _ in columns]}
    data = [{"Data": [{"VarCharValue": v} for v in row]} for row in rows]
    info = [{"Name": n, "Type": t, "CatalogName": "hive", "Label": n} for n, t in columns]
    return {"rows": [header, *data], "column_info": info}


def _results(pd_rows, fraud_rows):
    out = []
    for rule in RULES:
        if rule.name == "pd_band_crossed":
            out.append(_result(PD, pd_rows))
        elif rule.name == "fraud_alert_high_score":
            out.append(_result(FRAUD, fraud_rows))
        else:
            out.append(_result([("occurrence_key", "varchar")], []))
    return out


PD_ROWS = [("K-1:E", "K-1", "E", "0.31", "1520.40", "2024-12-31")]
FRAUD_ROWS = [
    ("a1", "a1", "F3", "large_amount", "K-2", "B-9", "2024-12-30", "0.81", "9999.99", "big"),
    ("a2", "a2", "F1", "card_testing", "K-3", "B-8", "2024-12-31", "0.55", "12.00", "small"),
]


@pytest.fixture(scope="module")
def aws_env():
    with MotoServer() as server:
        s3, sns, sqs, kms = (server.client(s) for s in ("s3", "sns", "sqs", "kms"))
        athena = server.client("athena")
        s3.create_bucket(
            Bucket="finlake-test-lake",
            CreateBucketConfiguration={"LocationConstraint": server.region},
        )
        key = kms.create_key(Description="alerts")["KeyMetadata"]["Arn"]
        topic = sns.create_topic(Name="finlake-test-alerts", Attributes={"KmsMasterKeyId": key})
        inbox = sqs.create_queue(QueueName="inbox")["QueueUrl"]
        inbox_arn = sqs.get_queue_attributes(QueueUrl=inbox, AttributeNames=["QueueArn"])
        sns.subscribe(
            TopicArn=topic["TopicArn"],
            Protocol="sqs",
            Endpoint=inbox_arn["Attributes"]["QueueArn"],
        )
        dlq = sqs.create_queue(QueueName="alerts-dlq")["QueueUrl"]
        athena.create_work_group(Name=WORKGROUP, Configuration={})
        env = {
            "FINLAKE_ATHENA_WORKGROUP": WORKGROUP,
            "FINLAKE_GOLD_SCHEMA": GOLD,
            "FINLAKE_SILVER_SCHEMA": SILVER,
            "FINLAKE_ALERTS_TOPIC_ARN": topic["TopicArn"],
            "FINLAKE_ALERTS_STATE_URI": "s3://finlake-test-lake/alerts/state.json",
            "FINLAKE_ALERTS_DLQ_URL": dlq,
            "FINLAKE_ALERTS_RULES": str(RULES_FILE),
            "FINLAKE_ALERTS_POLL": "0.01",
        }
        clients = {"athena": athena, "s3": s3, "sns": sns, "sqs": sqs}
        yield server, env, clients, inbox, dlq


def _queue_results(server, results):
    body = json.dumps({"region": server.region, "results": results}).encode()
    request = urllib.request.Request(
        f"{server.endpoint}/moto-api/static/athena/query-results", data=body, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 201


def _drain(sqs, url) -> list[dict]:
    out = []
    while True:
        got = sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]
        )
        if not got.get("Messages"):
            return out
        for m in got["Messages"]:
            out.append(json.loads(m["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])


class Context:
    def __init__(self, request_id):
        self.aws_request_id = request_id


def test_publishes_new_occurrences_once(monkeypatch, aws_env):
    server, env, clients, inbox, dlq = aws_env
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    _queue_results(server, _results(PD_ROWS, FRAUD_ROWS))
    first = aws.handler({"source": "test"}, Context("run-1"), clients)
    assert first["published"] == 3

    sent = _drain(clients["sqs"], inbox)
    assert len(sent) == 3
    notes = {json.loads(m["Message"])["occurrence_key"]: m for m in sent}
    pd = json.loads(notes["K-1:E"]["Message"])
    assert pd["rule"] == "pd_band_crossed" and pd["topic"] == "risk"
    assert pd["facts"]["probability_of_default"] == 0.31  # typed from Athena's text
    assert pd["facts"]["expected_loss_12m"] == "1520.40"  # decimals stay exact text
    assert pd["message"].startswith("customer K-1 is in risk band E")
    assert notes["a1"]["MessageAttributes"]["severity"]["Value"] == "high"
    assert notes["a1"]["MessageAttributes"]["topic"]["Value"] == "fraud"
    assert notes["a1"]["Subject"] == "finlake high: fraud_alert_high_score"

    # every rule's query went to the workgroup, rendered with the prod databases
    ids = clients["athena"].list_query_executions(WorkGroup=WORKGROUP)["QueryExecutionIds"]
    sql = [
        clients["athena"].get_query_execution(QueryExecutionId=i)["QueryExecution"]["Query"]
        for i in ids
    ]
    assert len(sql) == len(RULES)
    assert all(f"{GOLD}." in q or f"{SILVER}." in q for q in sql)

    # the same occurrences again, one fraud alert new: only that one is published
    new = ("a3", "a3", "F2", "new_country", "K-4", "B-7", "2025-01-01", "0.9", "50.00", "x")
    _queue_results(server, _results(PD_ROWS, [*FRAUD_ROWS, new]))
    second = aws.handler({"source": "test"}, Context("run-2"), clients)
    assert second["published"] == 1
    (only,) = _drain(clients["sqs"], inbox)
    assert json.loads(only["Message"])["occurrence_key"] == "a3"
    assert _drain(clients["sqs"], dlq) == []


def test_a_failure_goes_to_the_dead_letter_queue_and_records_nothing(monkeypatch, aws_env):
    server, env, clients, inbox, dlq = aws_env
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    state_before = clients["s3"].get_object(Bucket="finlake-test-lake", Key="alerts/state.json")
    state_before = state_before["Body"].read()
    missing_topic = env["FINLAKE_ALERTS_TOPIC_ARN"] + "-deleted"
    monkeypatch.setenv("FINLAKE_ALERTS_TOPIC_ARN", missing_topic)
    new = ("a9", "a9", "F4", "night_burst", "K-5", "B-6", "2025-01-02", "0.7", "80.00", "y")
    _queue_results(server, _results(PD_ROWS, [*FRAUD_ROWS, new]))
    with pytest.raises(Exception, match=r"NotFound|does not exist"):
        aws.handler({"source": "test"}, Context("run-3"), clients)
    (dead,) = _drain(clients["sqs"], dlq)
    assert dead["run_id"] == "run-3" and "NotFound" in dead["error"]
    after = clients["s3"].get_object(Bucket="finlake-test-lake", Key="alerts/state.json")
    assert after["Body"].read() == state_before  # so the retry publishes a9
    assert _drain(clients["sqs"], inbox) == []


def test_a_missing_setting_is_one_sentence(monkeypatch, aws_env):
    _, env, clients, _, dlq = aws_env
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("FINLAKE_ATHENA_WORKGROUP")
    with pytest.raises(aws.AlertingFailed, match="lacks FINLAKE_ATHENA_WORKGROUP"):
        aws.handler({}, Context("run-4"), clients)
    (dead,) = _drain(clients["sqs"], dlq)
    assert "FINLAKE_ATHENA_WORKGROUP" in dead["error"]


def test_the_zip_imports_only_what_the_lambda_runtime_has(tmp_path):
    """The files terraform/modules/alerting zips (finlake/__init__.py, errors.py, alerts/ but
    local.py) import with the standard library and boto3 alone: no DuckDB, no PyYAML."""
    from finlake.alerts.package import LAMBDA_FILES

    for relative in LAMBDA_FILES:
        target = tmp_path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((REPO / relative).read_bytes())
    probe = (
        f"import sys, builtins\nsys.path.insert(0, {str(tmp_path)!r})\n"
        "real = builtins.__import__\n"
        "def guard(name, *a, **k):\n"
        "    if name.split('.')[0] in {'duckdb', 'yaml', 'pandas', 'pyspark', 'dbt'}:\n"
        "        raise ImportError('heavy import ' + name)\n"
        "    return real(name, *a, **k)\n"
        "builtins.__import__ = guard\n"
        "import finlake.alerts.aws\n"
        "assert finlake.alerts.aws.__file__.startswith(sys.path[0])\n"
        "print('ok')\n"
    )
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", probe],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
