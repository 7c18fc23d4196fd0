"""The alerting Lambda: the rules of alerts/rules.yml (shipped as rules.json) run on Athena in
the workgroup; new occurrences published to the SNS topic; the dedup state an S3 object.

Environment (terraform/modules/alerting sets it):

    FINLAKE_ATHENA_WORKGROUP    workgroup the queries run in (its enforced result location)
    FINLAKE_GOLD_SCHEMA         Glue database of gold (and FINLAKE_SILVER_SCHEMA of silver)
    FINLAKE_ALERTS_TOPIC_ARN    SNS topic the notifications go to
    FINLAKE_ALERTS_STATE_URI    s3://bucket/key of the dedup state (JSON)
    FINLAKE_ALERTS_DLQ_URL      SQS queue a failed evaluation is recorded in (optional)
    FINLAKE_ALERTS_RULES        rules file (default: rules.json beside this package in the zip)

Order: every query first (a failing rule publishes nothing), then the notifications, then the
state. A failure after a publish and before the state write publishes those again on the retry:
at least once, never lost. The Lambda runs one at a time (reserved concurrency 1), so two runs
never read the same state. On failure the handler records the error in the dead-letter queue and
raises, so that Step Functions' Catch (or Lambda's own retries and DLQ, when EventBridge invokes
it asynchronously) takes over.

Only the standard library and boto3 (in the Lambda runtime) are imported: the zip holds finlake's
errors module and this package, no more.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from finlake.alerts.engine import Evaluation, evaluate
from finlake.alerts.rules import load_rules, schemas_from_env
from finlake.errors import FinlakeError

PACKAGED_RULES = Path(__file__).resolve().parents[2] / "rules.json"  # the zip's root
POLL_SECONDS = 1.0
QUERY_TIMEOUT_SECONDS = 600
SNS_BATCH = 10  # PublishBatch's limit
SUBJECT_LIMIT = 100


class AlertingFailed(FinlakeError):
    """The alerting run could not finish; nothing after the failing step was done."""


def _env(name: str, env: dict[str, str]) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise AlertingFailed(f"The Lambda's environment lacks {name}; set it (Terraform does).")
    return value


def _split_s3(uri: str) -> tuple[str, str]:
    if not uri.startswith("s3://") or "/" not in uri[5:]:
        raise AlertingFailed(f"FINLAKE_ALERTS_STATE_URI {uri!r} is not s3://bucket/key.")
    bucket, key = uri[5:].split("/", 1)
    return bucket, key


def _typed(value: str | None, athena_type: str) -> object:
    """Athena returns text; the types the dev warehouse returns, so that both write the same
    facts (decimals stay exact text, dates ISO text)."""
    if value is None:
        return None
    kind = athena_type.lower()
    if kind in ("tinyint", "smallint", "integer", "bigint"):
        return int(value)
    if kind in ("double", "float", "real"):
        return float(value)
    if kind == "boolean":
        return value.lower() == "true"
    return value


def athena_query(athena, workgroup: str, poll: float = POLL_SECONDS):
    """A query function over Athena: start in the workgroup, wait, read every page."""

    def query(sql: str) -> list[dict[str, object]]:
        started = athena.start_query_execution(QueryString=sql, WorkGroup=workgroup)
        execution_id = started["QueryExecutionId"]
        deadline = time.monotonic() + QUERY_TIMEOUT_SECONDS
        while True:
            status = athena.get_query_execution(QueryExecutionId=execution_id)
            state = status["QueryExecution"]["Status"]
            if state["State"] == "SUCCEEDED":
                break
            if state["State"] in ("FAILED", "CANCELLED"):
                reason = state.get("StateChangeReason") or state["State"].lower()
                raise RuntimeError(f"Athena query {execution_id} {state['State']}: {reason}")
            if time.monotonic() > deadline:
                athena.stop_query_execution(QueryExecutionId=execution_id)
                raise RuntimeError(f"Athena query {execution_id} ran over {QUERY_TIMEOUT_SECONDS}s")
            time.sleep(poll)
        rows: list[dict[str, object]] = []
        columns: list[tuple[str, str]] = []
        token = None
        first_page = True
        while True:
            kwargs: dict[str, Any] = {"QueryExecutionId": execution_id}
            if token:
                kwargs["NextToken"] = token
            page = athena.get_query_results(**kwargs)
            if not columns:
                info = page["ResultSet"].get("ResultSetMetadata", {}).get("ColumnInfo", [])
                columns = [(c["Name"], c.get("Type", "varchar")) for c in info]
            data = page["ResultSet"].get("Rows", [])
            if first_page and data:
                data = data[1:]  # a SELECT's first row is the header
            first_page = False
            for row in data:
                values = [cell.get("VarCharValue") for cell in row["Data"]]
                rows.append(
                    {name: _typed(v, kind) for (name, kind), v in zip(columns, values, strict=True)}
                )
            token = page.get("NextToken")
            if not token:
                return rows

    return query


def read_state(s3, bucket: str, key: str) -> dict | None:
    """The dedup state, or None before the first run. Listed first: without a ListBucket grant
    S3 answers a missing object with AccessDenied, which must not read as "no state"."""
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=key, MaxKeys=1)
    if not any(item["Key"] == key for item in listed.get("Contents", [])):
        return None
    body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    try:
        return json.loads(body)
    except ValueError:
        raise AlertingFailed(
            f"s3://{bucket}/{key} (the alerts dedup state) is not JSON; move it aside (every "
            "current occurrence then pages once) and run again."
        ) from None


def publish(sns, topic_arn: str, evaluation: Evaluation) -> int:
    """Each notification one SNS message (JSON body; topic and severity as message attributes,
    for subscription filter policies), in batches of ten."""
    entries = []
    for index, n in enumerate(evaluation.notifications):
        subject = f"finlake {n.severity}: {n.rule}"[:SUBJECT_LIMIT]
        entries.append(
            {
                "Id": str(index),
                "Subject": subject,
                "Message": json.dumps(n.as_json(), sort_keys=True),
                "MessageAttributes": {
                    "topic": {"DataType": "String", "StringValue": n.topic},
                    "severity": {"DataType": "String", "StringValue": n.severity},
                    "rule": {"DataType": "String", "StringValue": n.rule},
                },
            }
        )
    for start in range(0, len(entries), SNS_BATCH):
        answer = sns.publish_batch(
            TopicArn=topic_arn, PublishBatchRequestEntries=entries[start : start + SNS_BATCH]
        )
        if answer.get("Failed"):
            failed = answer["Failed"][0]
            raise AlertingFailed(
                f"SNS refused notification {failed.get('Id')} ({failed.get('Code')}: "
                f"{failed.get('Message')}); check the topic policy and its KMS key."
            )
    return len(entries)


def run(env: dict[str, str], clients: dict[str, Any], run_id: str) -> dict[str, object]:
    """One alerting run; returns the summary the Lambda answers with."""
    rules = load_rules(env.get("FINLAKE_ALERTS_RULES") or PACKAGED_RULES)
    workgroup = _env("FINLAKE_ATHENA_WORKGROUP", env)
    topic_arn = _env("FINLAKE_ALERTS_TOPIC_ARN", env)
    bucket, key = _split_s3(_env("FINLAKE_ALERTS_STATE_URI", env))
    state = read_state(clients["s3"], bucket, key)
    query = athena_query(
        clients["athena"], workgroup, float(env.get("FINLAKE_ALERTS_POLL", POLL_SECONDS))
    )
    evaluation = evaluate(rules, query, schemas_from_env(env), state, run_id)
    published = publish(clients["sns"], topic_arn, evaluation)
    clients["s3"].put_object(
        Bucket=bucket,
        Key=key,
        Body=json.dumps(evaluation.state, sort_keys=True).encode(),
        ContentType="application/json",
    )
    return {
        "run_id": run_id,
        "published": published,
        "active": evaluation.active,
        "summary": evaluation.summary_lines(),
    }


def _clients() -> dict[str, Any]:
    import boto3

    return {name: boto3.client(name) for name in ("athena", "s3", "sns", "sqs")}


def handler(event: dict | None, context: object, clients: dict[str, Any] | None = None) -> dict:
    """The Lambda's entry point (finlake.alerts.aws.handler)."""
    env = dict(os.environ)
    clients = clients or _clients()
    run_id = getattr(context, "aws_request_id", None) or time.strftime(
        "%Y%m%dT%H%M%SZ", time.gmtime()
    )
    try:
        result = run(env, clients, run_id)
    except Exception as exc:
        message = str(exc) if isinstance(exc, FinlakeError) else f"{type(exc).__name__}: {exc}"
        dlq = env.get("FINLAKE_ALERTS_DLQ_URL", "").strip()
        if dlq:
            try:
                clients["sqs"].send_message(
                    QueueUrl=dlq,
                    MessageBody=json.dumps(
                        {"run_id": run_id, "error": message, "event": event}, default=str
                    ),
                )
            except Exception as dead:  # the original failure is what must surface
                print(json.dumps({"run_id": run_id, "dead_letter_failed": repr(dead)}))
        print(json.dumps({"run_id": run_id, "status": "failed", "error": message}))
        raise
    print(json.dumps({"run_id": run_id, "status": "ok", "published": result["published"]}))
    return result
