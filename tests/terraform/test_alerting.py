"""terraform/modules/alerting against the code it deploys: the zip holds the files and the
handler finlake/alerts/lambda.json names (the list finlake/alerts/package.py reads), every environment
variable the handler reads is set, and every AWS call the handler makes is allowed by its role
(read from finlake/alerts/aws.py's source, so a new call without its permission fails here)."""

from __future__ import annotations

import re

from finlake.alerts import aws
from finlake.alerts.package import HANDLER, LAMBDA_FILES
from tests.terraform.tfconfig import REPO

# boto3 method -> IAM action, where the two differ (PublishBatch is authorised as sns:Publish).
ACTION_OF = {
    ("sns", "publish_batch"): "sns:Publish",
    ("s3", "list_objects_v2"): "s3:ListBucket",
}
SERVICE_PREFIX = {"athena": "athena", "s3": "s3", "sns": "sns", "sqs": "sqs"}


def _calls() -> set[tuple[str, str]]:
    """(service, method) of each client call in aws.py: `athena.<m>(`, `clients["s3"].<m>(`,
    and the clients passed on as `s3`/`sns` parameters."""
    source = (REPO / "finlake/alerts/aws.py").read_text(encoding="utf-8")
    found = set()
    for service, method in re.findall(r'clients\["(\w+)"\]\.(\w+)\(', source):
        found.add((service, method))
    for service, method in re.findall(r"\b(athena|s3|sns|sqs)\.(\w+)\(", source):
        if method != "exceptions":
            found.add((service, method))
    return found


def _action(service: str, method: str) -> str:
    if (service, method) in ACTION_OF:
        return ACTION_OF[(service, method)]
    camel = "".join(part.capitalize() for part in method.split("_"))
    return f"{SERVICE_PREFIX[service]}:{camel}"


def test_the_zip_holds_the_packaged_files(modules):
    """The module and finlake/alerts/package.py read one list, finlake/alerts/lambda.json."""
    alerting = modules["alerting"]
    assert "/finlake/alerts/lambda.json" in alerting.local("lambda")
    assert alerting.local("lambda_files") == "${local.lambda.files}"
    assert LAMBDA_FILES and all((REPO / f).is_file() for f in LAMBDA_FILES)
    (function,) = alerting.resources_of("aws_lambda_function").values()
    assert function["handler"] == "${local.lambda.handler}"
    assert HANDLER.startswith("finlake.alerts.")
    assert function["runtime"] == "python3.11"
    assert function["reserved_concurrent_executions"] == 1


def test_every_setting_the_handler_reads_is_set(modules):
    (function,) = modules["alerting"].resources_of("aws_lambda_function").values()
    (environment,) = function["environment"]
    set_here = set(environment["variables"]) - {"__is_block__"}
    source = (REPO / "finlake/alerts/aws.py").read_text(encoding="utf-8")
    required = set(re.findall(r'_env\("(\w+)"', source))
    assert required, "expected the handler's required settings"
    assert required <= set_here, required - set_here
    assert {"FINLAKE_GOLD_SCHEMA", "FINLAKE_SILVER_SCHEMA", "FINLAKE_ALERTS_DLQ_URL"} <= set_here


def _role_statements(modules, root) -> list:
    """The Lambda role's statements: its own, and the analyst workgroup's queries that the root
    passes in from access_roles (analyst_workgroup_query_policy_json)."""
    alerting = modules["alerting"]
    body = alerting.data[("aws_iam_policy_document", "this")]
    assert body["source_policy_documents"] == ["${var.workgroup_query_policy_json}"]
    call = root.module_calls["alerting"]
    assert call["workgroup_query_policy_json"] == (
        "${module.access_roles.analyst_workgroup_query_policy_json}"
    )
    shared = modules["access_roles"].document_statements("workgroup_query", "analyst")
    return alerting.document_statements("this") + shared


def test_every_call_of_the_handler_is_allowed_by_its_role(modules, root):
    statements = _role_statements(modules, root)
    allowed = {a for s in statements if s.effect == "Allow" for a in s.actions}
    calls = _calls()
    assert ("athena", "get_query_results") in calls and ("sns", "publish_batch") in calls
    missing = sorted(_action(*c) for c in calls if _action(*c) not in allowed)
    assert missing == [], f"the alerting role lacks {missing}"


def test_the_role_reads_only_gold_and_silver(modules, root):
    statements = _role_statements(modules, root)
    glue = [r for s in statements for r in s.resources if ":glue:" in r]
    assert glue and all("bronze" not in r for r in glue)
    assert all(re.search(r"(catalog|database_names\.(gold|silver))", r) for r in glue), glue
    writes = [r for s in statements if "s3:PutObject" in s.actions for r in s.resources]
    assert sorted(writes) == sorted(
        [
            "${var.lake.bucket_arn}/alerts/state.json",
            "${var.lake.results_bucket_arn}/${var.query_workgroups.analyst.results_prefix}*",
        ]
    )


def test_the_topic_and_queue_are_encrypted_and_the_logs_kept(modules):
    alerting = modules["alerting"]
    (topic,) = alerting.resources_of("aws_sns_topic").values()
    assert topic["kms_master_key_id"] == "${aws_kms_key.this.arn}"
    (queue,) = alerting.resources_of("aws_sqs_queue").values()
    assert queue["kms_master_key_id"] == "${aws_kms_key.this.arn}"
    (logs,) = alerting.resources_of("aws_cloudwatch_log_group").values()
    assert logs["retention_in_days"] == "${var.context.log_retention_days}"
    (subscription,) = alerting.resources_of("aws_sns_topic_subscription").values()
    assert subscription["protocol"] == "${var.subscription.protocol}"
    assert subscription["endpoint"] == "${var.subscription.endpoint}"


def test_the_handler_module_is_where_the_package_says():
    module, function = HANDLER.rsplit(".", 1)
    assert module == aws.__name__ and callable(getattr(aws, function))
