"""terraform/modules/daily_run, offline: the state machine's definition rendered as Terraform
renders it (templatefile of definition.asl.json) and checked as Amazon States Language; every
state's integration allowed by the role's policy on the resource it names; the order of its
stages equal to `finlake demo`'s (read from finlake/pipeline.py); the dbt container's image and
build spec."""

from __future__ import annotations

import ast
import json
import re

import pytest

from tests.terraform.tfconfig import MODULES, REPO

MODULE = MODULES / "daily_run"
TEMPLATE = MODULE / "definition.asl.json"
STATE_TYPES = {"Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"}
TERMINAL = {"Succeed", "Fail"}

# Values standing in for what Terraform passes (names as the module builds them).
VALUES = {
    "partition": "aws",
    "glue_job_name": "finlake-prod-ingestion",
    "dbt_project_name": "finlake-prod-dbt",
    "databricks_host": "https://example.cloud.databricks.com",
    "databricks_job_id": "123",
    "databricks_connection_arn": "arn:aws:events:eu-west-1:111122223333:connection/db/1",
    "scoring_poll_seconds": "60",
    "event_bus_name": "default",
    "event_source": "finlake.daily-run",
    "event_detail_type": "Build succeeded",
    "topic_arn": "arn:aws:sns:eu-west-1:111122223333:finlake-prod-alerts",
}

# Each Step Functions integration -> the IAM actions its role needs, and the module's policy
# resource (as the HCL writes it) those actions must be granted on. From the Step Functions
# developer guide, "IAM policies for integrated services".
INTEGRATIONS = {
    "aws-sdk:sfn:listExecutions": ({"states:ListExecutions"}, "${local.state_machine_arn}"),
    "glue:startJobRun.sync": (
        {"glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun"},
        "${var.glue_job.arn}",
    ),
    "codebuild:startBuild.sync": (
        {"codebuild:StartBuild", "codebuild:StopBuild", "codebuild:BatchGetBuilds"},
        "${aws_codebuild_project.this.arn}",
    ),
    "http:invoke": ({"states:InvokeHTTPEndpoint"}, "${local.state_machine_arn}"),
    "events:putEvents": ({"events:PutEvents"}, "${local.event_bus_arn}"),
    "sns:publish": ({"sns:Publish"}, "${var.alerts.topic_arn}"),
}
# What an integration needs besides its own resource.
EXTRA = {
    "codebuild:startBuild.sync": {"events:PutTargets", "events:PutRule", "events:DescribeRule"},
    "http:invoke": {"events:RetrieveConnectionCredentials", "secretsmanager:GetSecretValue"},
    "sns:publish": {"kms:GenerateDataKey"},
}


TEMPLATE_REFERENCE = re.compile(r"(\$?)\$\{(\w+)\}")


def render(template: str, values: dict[str, str]) -> dict:
    """templatefile() as Terraform does it: `${name}` replaced (a name it is not given is an
    error), `$${` a literal `${`, every other `$` (ASL's `$.path`, `$$.Execution`) kept."""

    def replace(match: re.Match) -> str:
        if match.group(1):
            return "${" + match.group(2) + "}"
        return values[match.group(2)]

    return json.loads(TEMPLATE_REFERENCE.sub(replace, template))


@pytest.fixture(scope="module")
def definition() -> dict:
    return render(TEMPLATE.read_text(encoding="utf-8"), VALUES)


@pytest.fixture(scope="module")
def daily_run(modules):
    return modules["daily_run"]


def asl_findings(definition: dict) -> list[str]:
    """Structural checks of an ASL definition: what Step Functions' validator refuses, and the
    project's own rules (every Task retries with backoff and catches into a notice)."""
    findings: list[str] = []
    states = definition.get("States", {})
    if definition.get("StartAt") not in states:
        findings.append(f"StartAt {definition.get('StartAt')!r} is not a state")
    for name, state in states.items():
        kind = state.get("Type")
        if kind not in STATE_TYPES:
            findings.append(f"{name}: unknown Type {kind!r}")
            continue
        targets = []
        if kind == "Choice":
            if not state.get("Choices"):
                findings.append(f"{name}: a Choice needs Choices")
            targets += [c.get("Next") for c in state.get("Choices", [])]
            targets.append(state.get("Default"))
            if "Next" in state or "End" in state:
                findings.append(f"{name}: a Choice has neither Next nor End")
        elif kind in TERMINAL:
            if "Next" in state or "End" in state:
                findings.append(f"{name}: a {kind} state has neither Next nor End")
        else:
            if ("Next" in state) == bool(state.get("End")):
                findings.append(f"{name}: exactly one of Next and End")
            if "Next" in state:
                targets.append(state["Next"])
        if kind == "Task":
            if not str(state.get("Resource", "")).startswith("arn:"):
                findings.append(f"{name}: a Task needs a Resource ARN")
            retries = state.get("Retry", [])
            if not retries:
                findings.append(f"{name}: no Retry")
            for retry in retries:
                if not retry.get("ErrorEquals") or retry.get("BackoffRate", 1) <= 1:
                    findings.append(f"{name}: a Retry needs ErrorEquals and a BackoffRate > 1")
                if retry.get("MaxAttempts", 3) < 1:
                    findings.append(f"{name}: a Retry that never retries")
            for catch in state.get("Catch", []):
                targets.append(catch.get("Next"))
                if not catch.get("ErrorEquals"):
                    findings.append(f"{name}: a Catch needs ErrorEquals")
        if kind == "Wait" and not any(k in state for k in ("Seconds", "SecondsPath", "Timestamp")):
            findings.append(f"{name}: a Wait needs Seconds")
        for target in targets:
            if target not in states:
                findings.append(f"{name}: goes to {target!r}, which is not a state")
        for key, value in _walk(state.get("Parameters", {})):
            if key.endswith(".$") and not str(value).startswith(("$", "States.")):
                findings.append(f"{name}: {key} is neither a path nor an intrinsic function")
    reached = _reachable(definition)
    findings += [f"{name}: unreachable from StartAt" for name in states if name not in reached]
    return findings


def _walk(node, key=""):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _walk(v, k)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v, key)
    else:
        yield key, node


def _next_of(state: dict) -> list[str]:
    out = [c["Next"] for c in state.get("Choices", [])]
    out += [state[k] for k in ("Default", "Next") if k in state]
    out += [c["Next"] for c in state.get("Catch", [])]
    return out


def _reachable(definition: dict) -> set[str]:
    states, seen, todo = definition["States"], set(), [definition["StartAt"]]
    while todo:
        name = todo.pop()
        if name in seen or name not in states:
            continue
        seen.add(name)
        todo += _next_of(states[name])
    return seen


def _integration(resource: str) -> str:
    return re.sub(r"^arn:[^:]+:states:::", "", resource)


def test_every_template_value_is_one_terraform_passes(daily_run):
    text = TEMPLATE.read_text(encoding="utf-8")
    used = {name for escape, name in TEMPLATE_REFERENCE.findall(text) if not escape}
    passed = set(
        re.findall(
            r"^\s{4}(\w+)\s+=",
            daily_run.texts["main.tf"].split('templatefile("')[1].split("})")[0],
            re.M,
        )
    )
    assert used == passed == set(VALUES)


def test_the_definition_is_valid_asl(definition):
    assert asl_findings(definition) == []
    assert len(definition["States"]) >= 10


def test_the_asl_check_catches_broken_definitions(definition):
    """The checks above can fail: a dangling Next, a Task without retries, a state cut off."""
    broken = json.loads(json.dumps(definition))
    broken["States"]["Build"]["Next"] = "Nowhere"
    broken["States"]["Ingest"].pop("Retry")
    broken["States"]["Orphan"] = {"Type": "Pass", "End": True}
    broken["States"]["Ingest"]["Retry"] = [{"ErrorEquals": ["States.ALL"], "BackoffRate": 1}]
    found = " | ".join(asl_findings(broken))
    assert "Build: goes to 'Nowhere'" in found
    assert "Ingest: a Retry needs ErrorEquals and a BackoffRate > 1" in found
    assert "Orphan: unreachable" in found
    with pytest.raises(KeyError):
        render(
            TEMPLATE.read_text(encoding="utf-8"),
            {k: v for k, v in VALUES.items() if k != "topic_arn"},
        )


def test_every_failure_is_notified_then_fails(definition):
    states = definition["States"]
    notify = states["Notify failure"]
    assert _integration(notify["Resource"]) == "sns:publish"
    assert notify["Parameters"]["TopicArn"] == VALUES["topic_arn"]
    assert states[notify["Next"]]["Type"] == "Fail"
    for name, state in states.items():
        if state["Type"] == "Task" and name != "Notify failure":
            assert [c["Next"] for c in state["Catch"]] == ["Notify failure"], name


def test_one_execution_at_a_time(definition):
    states = definition["States"]
    first = states[definition["StartAt"]]
    assert _integration(first["Resource"]) == "aws-sdk:sfn:listExecutions"
    assert first["Parameters"] == {
        "StateMachineArn.$": "$$.StateMachine.Id",
        "StatusFilter": "RUNNING",
    }
    (rule,) = states[first["Next"]]["Choices"]
    assert rule["NumericGreaterThan"] == 1 and states[rule["Next"]]["Type"] == "Fail"


def test_every_integration_is_allowed_by_the_role(definition, daily_run):
    statements = daily_run.document_statements("state_machine")
    granted: dict[str, set[str]] = {}
    for s in statements:
        if s.effect == "Allow":
            for action in s.actions:
                granted.setdefault(action, set()).update(s.resources)
    used = {
        _integration(s["Resource"]) for s in definition["States"].values() if s["Type"] == "Task"
    }
    assert used == set(INTEGRATIONS), used
    for integration in used:
        actions, resource = INTEGRATIONS[integration]
        resource = daily_run.interpolate(resource)
        for action in actions:
            assert resource in granted.get(action, set()), f"{integration}: {action} on {resource}"
        for action in EXTRA.get(integration, set()):
            assert action in granted, f"{integration}: {action}"


def _demo_stages() -> list[str]:
    """The stage names `finlake demo` runs, in order: the `stage(n, "name", ...)` calls of
    finlake/pipeline.py's demo(), read from its source."""
    tree = ast.parse((REPO / "finlake/pipeline.py").read_text(encoding="utf-8"))
    (demo,) = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "demo"]
    calls = [
        n
        for n in ast.walk(demo)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "stage"
    ]
    calls.sort(key=lambda c: c.args[0].value)
    return [c.args[1].value for c in calls]


def _happy_path(definition: dict) -> list[str]:
    """The states a successful execution passes, in order (a Choice's last rule taken when it
    leads on, its Default otherwise; the scoring poll taken once)."""
    states, name, path = definition["States"], definition["StartAt"], []
    while name and name not in path:
        path.append(name)
        state = states[name]
        if state["Type"] == "Choice":
            ahead = [
                c["Next"]
                for c in state["Choices"]
                if states[c["Next"]]["Type"] != "Fail" and c["Next"] not in path
            ]
            name = ahead[-1] if ahead else state["Default"]
        else:
            name = state.get("Next")
    return path


def test_the_stages_run_in_the_order_of_finlake_demo(definition):
    demo = _demo_stages()
    assert demo[0] == "generate" and "alerts" in demo
    # On AWS the bank delivers the extracts: the run starts at ingestion.
    expected = demo[1:]
    stages = []
    for name in _happy_path(definition):
        match = re.match(r"stage: (\w+)", definition["States"][name].get("Comment", ""))
        if match:
            stages.append(match.group(1))
    assert stages == expected


def test_the_build_event_is_the_one_the_alerting_rule_waits_for(definition, modules):
    (entry,) = definition["States"]["Announce the build"]["Parameters"]["Entries"]
    alerting = modules["alerting"].local("build_succeeded")
    assert (entry["Source"], entry["DetailType"]) == (alerting["source"], alerting["detail_type"])


def test_the_root_gives_the_build_the_dbt_environment(root):
    call = root.module_calls["daily_run"]
    assert call["dbt_environment"] == root.outputs["dbt_environment"]["value"]
    assert call["dbt_environment"] == "${local.dbt_environment}"


def test_the_dbt_image_pins_the_locked_versions_and_runs_unprivileged():
    dockerfile = (REPO / "deploy/dbt/Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM \S+python:3\.11", dockerfile, re.M)
    assert "-c /tmp/lock.txt dbt-core dbt-athena-community" in dockerfile
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.M)
    for copied in re.findall(r"^COPY (\S+) \./", dockerfile, re.M):
        assert (REPO / copied).exists(), copied
    buildspec = (REPO / "deploy/dbt/buildspec.yml").read_text(encoding="utf-8")
    assert "finlake build --target prod" in buildspec and "DBT_SELECT" in buildspec


def test_every_dbt_step_is_a_whole_build_since_prod_publishes_only_those(definition):
    """finlake build --target prod refuses --select while write-audit-publish is on (its default
    on prod): a selection in the state machine would fail the daily run every morning."""
    from finlake.build import PUBLISH_DEFAULTS

    selections = [
        override["Value"]
        for state in definition["States"].values()
        for override in state.get("Parameters", {}).get("EnvironmentVariablesOverride", [])
        if override["Name"] == "DBT_SELECT"
    ]
    assert len(selections) == 2, selections
    assert PUBLISH_DEFAULTS["prod"] == "1"
    assert selections == ["", ""], f"the daily run passes a selection to a prod build: {selections}"
