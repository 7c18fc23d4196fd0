"""Every permission the Terraform grants, one line each: who (the resource or module argument that
attaches a policy), effect, action, resource, principals and conditions, with every list expanded
(one action on one resource per line) and the symbols of the configuration as written.

A refactoring of terraform/ that must not change what gets deployed keeps this listing the same:
tests/terraform/test_permissions.py compares it with tests/terraform/permissions.txt, so a change
of any role's, key's, bucket's or topic's permissions shows in review as a diff of that file.
Regenerate it after a deliberate change:

    .venv/bin/python -m tests.terraform.permissions > tests/terraform/permissions.txt

Documents passed between modules are followed the way the root wires them: the workgroup query
documents of access_roles into alerting (analyst) and iceberg_maintenance (transformation), and
each caller's document into modules/state_machine and modules/service_role.
"""

from __future__ import annotations

import re
import sys

from tests.terraform.tfconfig import (
    ROOT,
    Module,
    Statement,
    UnsupportedExpression,
    load_module,
    module_dirs,
)

# Attributes that hold a policy document, by resource type; module arguments named so.
POLICY_ATTRIBUTES = ("policy", "assume_role_policy")
MODULE_POLICY_ARGUMENTS = ("policy_json", "policy_documents")
_VAR_DOC = re.compile(r"^\$\{var\.(\w+)\}$")


def _root_wiring(root: Module) -> dict[tuple[str, str], str]:
    """(module directory, variable) -> the access_roles output the root passes to it."""
    wiring = {}
    for call in root.module_calls.values():
        source = str(call.get("source", "")).rsplit("/", 1)[-1]
        for argument, value in call.items():
            match = re.fullmatch(r"\$\{module\.access_roles\.(\w+_policy_json)\}", str(value))
            if match:
                wiring[(source, argument)] = match.group(1)
    return wiring


def _output_statements(modules: dict[str, Module], output: str) -> list[Statement]:
    access = modules["access_roles"]
    return access.statements(str(access.outputs[output]["value"]))


def _expand(
    module: Module, modules: dict[str, Module], wiring: dict, reference: str
) -> list[Statement]:
    """The statements of a document reference, following documents passed as variables."""
    statements = module.statements(reference)
    name = re.match(r"^\$\{data\.aws_iam_policy_document\.(\w+)", reference)
    body = module.data.get(("aws_iam_policy_document", name.group(1))) if name else None
    for source in module.string_list(
        (body or {}).get("source_policy_documents", []), "source_policy_documents"
    ):
        match = _VAR_DOC.match(source)
        if match and (module.name, match.group(1)) in wiring:
            statements += _output_statements(modules, wiring[(module.name, match.group(1))])
    return statements


def _lines(who: str, statements: list[Statement]) -> set[str]:
    lines = set()
    for s in statements:
        principals = ";".join(
            f"{kind}:{','.join(sorted(ids))}" for kind, ids in sorted(s.principals)
        )
        conditions = ";".join(
            f"{test} {variable} {','.join(sorted(values))}"
            for test, variable, values in sorted(s.conditions)
        )
        for action in s.actions or ("-",):
            for resource in s.resources or ("-",):
                lines.add(
                    f"{who} | {s.effect} | {action} | {resource} | {principals} | {conditions}"
                )
    return lines


def permission_lines(
    modules: dict[str, Module] | None = None, root: Module | None = None
) -> list[str]:
    """The listing, from the parsed modules and root when given (the tests' fixtures)."""
    if modules is None:
        modules = {path.name: load_module(path) for path in module_dirs()}
    wiring = _root_wiring(root or load_module(ROOT))
    lines: set[str] = set()
    for name, module in sorted(modules.items()):
        for (rtype, rname), body in module.resources.items():
            for attribute in POLICY_ATTRIBUTES:
                if attribute in body and "aws_iam_policy_document" in str(body[attribute]):
                    who = f"{name}/{rtype}.{rname}.{attribute}"
                    lines |= _lines(who, _expand(module, modules, wiring, str(body[attribute])))
        for call, body in module.module_calls.items():
            for argument in MODULE_POLICY_ARGUMENTS:
                if argument not in body:
                    continue
                who = f"{name}/module.{call}.{argument}"
                for reference in module.string_list(body[argument], argument):
                    try:
                        statements = _expand(module, modules, wiring, reference)
                    except UnsupportedExpression:
                        continue  # the caller's own variable, expanded where it is set
                    lines |= _lines(who, statements)
        # A module's own additions to a document it is given (state_machine, service_role).
        for (dtype, dname), body in module.data.items():
            if dtype == "aws_iam_policy_document" and any(
                _VAR_DOC.match(s)
                for s in module.string_list(
                    body.get("source_policy_documents", []), "source_policy_documents"
                )
            ):
                who = f"{name}/data.{dname} (beside the caller's document)"
                lines |= _lines(who, module.document_statements(dname))
    return sorted(lines)


def main() -> int:
    sys.stdout.write("".join(line + "\n" for line in permission_lines()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
