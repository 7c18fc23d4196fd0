"""Least privilege, checked: every AWS call the scenarios made, against the role Terraform gives
its actor (terraform/modules/access_roles, read with tests/terraform/tfconfig.py).

moto records every request it answers (stack.py); the access key names the actor
(stack.ACTOR_KEYS). Each Glue and S3 request becomes an IAM action and resource ARNs, and is
allowed when some Allow statement of the actor's policy document matches the action and every
resource (wildcards as IAM matches them; the `s3:prefix` condition of ListBucket checked;
`kms:ViaService` conditions hold for calls made through S3 and Glue). Denied calls are returned
as one line each naming the action, the resource and the role.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from tests.terraform.tfconfig import MODULES, load_module
from tools.athena_run.stack import ACTOR_KEYS, LAYERS, Names, slot_databases

CHECKED_ROLES = ("transformation", "ingestion", "ml")


@dataclass(frozen=True)
class Call:
    actor: str
    action: str
    resources: tuple[str, ...]
    prefix: str | None = None  # s3:prefix of a ListBucket


def actor_of(headers: dict[str, str]) -> str | None:
    auth = headers.get("Authorization") or headers.get("authorization") or ""
    match = re.search(r"Credential=([^/]+)/", auth)
    if not match:
        return None
    for actor, key in ACTOR_KEYS.items():
        if match[1] == key:
            return actor
    return None


def glue_call(action: str, body: dict[str, Any], arn: str) -> tuple[str, ...]:
    catalog = f"{arn}:catalog"
    database = (
        body.get("DatabaseName") or body.get("Name")
        if action.endswith("Database")
        else body.get("DatabaseName")
    )
    resources = [catalog]
    if database:
        resources.append(f"{arn}:database/{database}")
        name = (
            body.get("Name") or body.get("TableName") or (body.get("TableInput") or {}).get("Name")
        )
        if action in ("GetTables", "SearchTables"):
            resources.append(f"{arn}:table/{database}/*")
        elif action == "BatchDeleteTable":
            resources += [f"{arn}:table/{database}/{t}" for t in body.get("TablesToDelete", [])]
        elif name and not action.endswith("Database"):
            resources.append(f"{arn}:table/{database}/{name}")
    return tuple(resources)


def s3_calls(
    method: str, url: str, headers: dict[str, str], body: bytes
) -> list[tuple[str, tuple[str, ...], str | None]]:
    parsed = urlparse(url)
    parts = parsed.path.lstrip("/").split("/", 1)
    bucket = parts[0]
    key = unquote(parts[1]) if len(parts) > 1 else ""
    query = parse_qs(parsed.query, keep_blank_values=True)
    bucket_arn = f"arn:aws:s3:::{bucket}"
    if not key:
        if method == "GET" and ("list-type" in query or "prefix" in query or not query):
            return [("s3:ListBucket", (bucket_arn,), query.get("prefix", [""])[0])]
        if method == "GET" and "versions" in query:
            return [("s3:ListBucketVersions", (bucket_arn,), query.get("prefix", [""])[0])]
        if method == "POST" and "delete" in query:
            keys = re.findall(rb"<Key>([^<]+)</Key>", body)
            return [("s3:DeleteObject", tuple(f"{bucket_arn}/{k.decode()}" for k in keys), None)]
        if method == "GET" and "location" in query:
            return [("s3:GetBucketLocation", (bucket_arn,), None)]
        return [(f"s3:{method}Bucket?{'&'.join(query)}", (bucket_arn,), None)]
    object_arn = f"{bucket_arn}/{key}"
    if method in ("GET", "HEAD"):
        return [("s3:GetObject", (object_arn,), None)]
    if method in ("PUT", "POST"):
        calls = [("s3:PutObject", (object_arn,), None)]
        source = headers.get("x-amz-copy-source") or headers.get("X-Amz-Copy-Source")
        if source:
            calls.append(("s3:GetObject", (f"arn:aws:s3:::{unquote(source).lstrip('/')}",), None))
        return calls
    if method == "DELETE":
        return [("s3:DeleteObject", (object_arn,), None)]
    return [(f"s3:{method}", (object_arn,), None)]


def recorded_entries(
    recording: Path, offset: int = 0, end: int | None = None
) -> Iterable[dict[str, Any]]:
    """The requests moto recorded (between bytes `offset` and `end` of the recording, when
    given): one JSON object each, mostly one a line, though moto's recorder writes some without
    the line break between them."""
    text = recording.read_bytes()[offset:end].decode()
    decoder = json.JSONDecoder()
    at = 0
    while True:
        while at < len(text) and text[at].isspace():
            at += 1
        if at >= len(text):
            return
        entry, at = decoder.raw_decode(text, at)
        yield entry


def recorded_calls(
    recording: Path, names: Names, offset: int = 0, end: int | None = None
) -> list[Call]:
    arn = f"arn:aws:glue:{names.region}:{names.account}"
    calls: list[Call] = []
    for entry in recorded_entries(recording, offset, end):
        headers = entry["headers"]
        actor = actor_of(headers)
        if actor not in CHECKED_ROLES:
            continue
        raw = entry.get("body") or ""
        body = base64.b64decode(raw) if entry.get("body_encoded") else raw.encode()
        target = headers.get("X-Amz-Target", "")
        if target.startswith("AWSGlue."):
            action = target.split(".", 1)[1]
            calls.append(
                Call(actor, f"glue:{action}", glue_call(action, json.loads(body or b"{}"), arn))
            )
        elif "/sts/" in headers.get("Authorization", ""):
            # STS's query protocol (POST /, Action=...): GetCallerIdentity, which dbt-athena
            # calls for the account id, needs no permission; any other STS action is checked.
            action = parse_qs(body.decode()).get("Action", ["?"])[0]
            if action != "GetCallerIdentity":
                calls.append(Call(actor, f"sts:{action}", ("*",)))
        elif not target:
            for action, resources, prefix in s3_calls(entry["method"], entry["url"], headers, body):
                calls.append(Call(actor, action, resources, prefix))
    return calls


def role_statements(role: str, names: Names) -> list[Any]:
    module = load_module(MODULES / "access_roles")
    values = {
        "${var.context.partition}": "aws",
        "${var.context.region}": names.region,
        "${var.context.account_id}": names.account,
        "${var.lake.bucket_arn}": f"arn:aws:s3:::{names.lake_bucket}",
        "${var.lake.results_bucket_arn}": f"arn:aws:s3:::{names.results_bucket}",
        **{f"${{var.database_names.{layer}}}": names.database(layer) for layer in LAYERS},
        **{
            f"${{var.slot_database_names.{layer}__{slot}}}": names.slot_database(layer, slot)
            for layer, slot in slot_databases()
        },
    }
    statements = []
    for statement in module.document_statements(role):
        resources = []
        for resource in statement.resources:
            for old, new in values.items():
                resource = resource.replace(old, new)
            resources.append(resource)
        statements.append((statement, resources))
    return statements


def allowed(call: Call, statements: Iterable[Any]) -> bool:
    for resource in call.resources:
        if not any(
            statement.effect == "Allow"
            and any(fnmatchcase(call.action, a) for a in statement.actions)
            and any(fnmatchcase(resource, r) for r in resources)
            and _conditions_hold(call, statement)
            for statement, resources in statements
        ):
            return False
    return True


def _conditions_hold(call: Call, statement: Any) -> bool:
    prefixes = statement.condition_values("s3:prefix")
    if prefixes and call.action == "s3:ListBucket":
        return any(fnmatchcase(call.prefix or "", p) for p in prefixes)
    return True


def denied_calls(recording: Path, names: Names) -> tuple[int, list[str]]:
    """(calls checked, one line per denied call)."""
    calls = recorded_calls(recording, names)
    policies = {role: role_statements(role, names) for role in CHECKED_ROLES}
    denied = []
    for call in calls:
        if not allowed(call, policies[call.actor]):
            denied.append(
                f"{call.action} on {', '.join(call.resources)} denied to role {call.actor}"
            )
    return len(calls), sorted(set(denied))
