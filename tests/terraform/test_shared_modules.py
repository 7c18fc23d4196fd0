"""The pieces several modules need are written once: every service role outside access_roles
is a call of modules/service_role, every state machine a call of modules/state_machine, and
those two modules keep the promises the copies used to keep one by one."""

from __future__ import annotations

from tests.terraform.tfconfig import blocks

# access_roles keeps its own roles: tests/terraform/test_access.py reads them one by one.
OWN_ROLES = {"access_roles"}
SERVICE_ROLE_CALLERS = {
    "alerting": {"role": "lambda.amazonaws.com"},
    "daily_run": {"build_role": "codebuild.amazonaws.com"},
    "state_machine": {"role": "states.amazonaws.com", "schedule_role": "events.amazonaws.com"},
}


def test_roles_outside_access_roles_come_from_service_role(modules):
    written_again = {
        name
        for name, module in modules.items()
        if name not in OWN_ROLES | {"service_role"} and module.resources_of("aws_iam_role")
    }
    assert written_again == set()
    callers = {
        name: {
            call: body["service"]
            for call, body in module.module_calls.items()
            if body["source"] == "../service_role"
        }
        for name, module in modules.items()
    }
    assert {k: v for k, v in callers.items() if v} == SERVICE_ROLE_CALLERS


def test_a_service_role_trusts_its_service_from_this_account_only(modules):
    role = modules["service_role"]
    (trust,) = role.document_statements("trust")
    assert trust.actions == ("sts:AssumeRole",)
    assert trust.principals == (("Service", ("${var.service}",)),)
    assert trust.condition_values("aws:SourceAccount") == ("${var.context.account_id}",)
    (body,) = role.resources_of("aws_iam_role").values()
    assert body["permissions_boundary"] == "${var.context.permissions_boundary_arn}"
    assert body["name"] == "${var.context.name_prefix}-${var.name}"


def test_state_machines_come_from_state_machine(modules, root):
    written_again = {
        name
        for name, module in modules.items()
        if name != "state_machine" and module.resources_of("aws_sfn_state_machine")
    }
    assert written_again == set()
    callers = {
        name
        for name, module in modules.items()
        for body in module.module_calls.values()
        if body["source"] == "../state_machine"
    }
    assert callers == {"daily_run", "iceberg_maintenance"}


def test_a_state_machine_is_encrypted_logged_and_traced(modules):
    machine = modules["state_machine"]
    (body,) = machine.resources_of("aws_sfn_state_machine").values()
    (logging,) = blocks(body, "logging_configuration")
    assert (logging["level"], logging["include_execution_data"]) == ("ALL", True)
    assert blocks(body, "tracing_configuration")[0]["enabled"] is True
    (encryption,) = blocks(body, "encryption_configuration")
    assert encryption["type"] == "CUSTOMER_MANAGED_KMS_KEY"
    assert encryption["kms_key_id"] == "${var.kms_key_arn}"
    (logs,) = machine.resources_of("aws_cloudwatch_log_group").values()
    assert logs["kms_key_id"] == "${var.kms_key_arn}"
    sids = {s.sid for s in machine.document_statements("role")}
    assert {"UseLakeKeyForTheStateMachine", "DeliverLogsAndTraces"} <= sids
