"""The security promises of terraform/, as functions that return findings (empty = kept).

Each function takes parsed configuration (tfconfig.Module) and returns a list of plain
sentences, one per broken promise. The tests call them on the real configuration and expect
no findings, and on deliberately insecure snippets and expect the finding: the same code
judges both, so a check that cannot fail would show.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from tests.terraform.tfconfig import (
    Module,
    Statement,
    UnsupportedExpression,
    blocks,
    reference_name,
)

# ------------------------------------------------------------------------------------------------
# S3 buckets
# ------------------------------------------------------------------------------------------------


def _bucket_configs(module: Module, rtype: str, bucket: str) -> list[dict]:
    return [
        body
        for body in module.resources_of(rtype).values()
        if reference_name(body.get("bucket"), "aws_s3_bucket") == bucket
    ]


def _bucket_arn_forms(module: Module, bucket: str) -> set[str]:
    """The ways the configuration writes the ARN of aws_s3_bucket.<bucket>."""
    forms = {f"${{aws_s3_bucket.{bucket}.arn}}"}
    name = module.resources[("aws_s3_bucket", bucket)].get("bucket", "")
    match = re.fullmatch(r"\$\{local\.bucket_names\.(\w+)\}", str(name))
    if match:
        forms.add(f"${{local.bucket_arns.{match.group(1)}}}")
    return forms


def _is_cmk_reference(module: Module, raw: object) -> bool:
    """The lake key: an aws_kms_key of this module, or the module's kms_key_arn input, or the
    kms_key_arn of its lake input (lake_storage's output lake)."""
    key = reference_name(raw, "aws_kms_key")
    if key is not None:
        return ("aws_kms_key", key) in module.resources
    if raw == "${var.lake.kms_key_arn}":
        return "lake" in module.variables
    return raw == "${var.kms_key_arn}" and "kms_key_arn" in module.variables


def bucket_findings(module: Module) -> list[str]:
    """Every bucket: SSE-KMS with the CMK and bucket keys, public access blocked, versioning,
    ACLs disabled, a policy denying non-TLS and wrongly encrypted uploads, access logging (or
    being the log destination), lifecycle rules for old versions and multipart uploads."""
    findings: list[str] = []
    buckets = module.resources_of("aws_s3_bucket")
    log_targets = {
        reference_name(body.get("target_bucket"), "aws_s3_bucket")
        for body in module.resources_of("aws_s3_bucket_logging").values()
    }
    for bucket, body in buckets.items():
        where = f"{module.name}: aws_s3_bucket.{bucket}"
        name = str(body.get("bucket", body.get("bucket_prefix", "")))
        if "${" not in name:
            findings.append(f"{where} has a hard-coded bucket name {name!r}.")
        if body.get("force_destroy") is True:
            findings.append(f"{where} sets force_destroy: a destroy would delete the data.")

        sse = _bucket_configs(module, "aws_s3_bucket_server_side_encryption_configuration", bucket)
        if not sse:
            findings.append(f"{where} has no default encryption (SSE-KMS with the lake key).")
        for config in sse:
            for rule in blocks(config, "rule"):
                if rule.get("bucket_key_enabled") is not True:
                    findings.append(f"{where}: default encryption without bucket keys.")
                for default in blocks(rule, "apply_server_side_encryption_by_default"):
                    if default.get("sse_algorithm") != "aws:kms":
                        findings.append(
                            f"{where}: default encryption is {default.get('sse_algorithm')!r}, not aws:kms."
                        )
                    if not _is_cmk_reference(module, default.get("kms_master_key_id")):
                        findings.append(
                            f"{where}: default encryption does not use the customer-managed key."
                        )

        access_blocks = _bucket_configs(module, "aws_s3_bucket_public_access_block", bucket)
        if not access_blocks:
            findings.append(f"{where} has no public access block.")
        for pab in access_blocks:
            for flag in (
                "block_public_acls",
                "block_public_policy",
                "ignore_public_acls",
                "restrict_public_buckets",
            ):
                if pab.get(flag) is not True:
                    findings.append(f"{where}: public access block leaves {flag} off.")

        versioning = _bucket_configs(module, "aws_s3_bucket_versioning", bucket)
        statuses = [
            v.get("status") for c in versioning for v in blocks(c, "versioning_configuration")
        ]
        if statuses != ["Enabled"]:
            findings.append(f"{where}: versioning is not enabled.")

        ownership = _bucket_configs(module, "aws_s3_bucket_ownership_controls", bucket)
        owners = [r.get("object_ownership") for c in ownership for r in blocks(c, "rule")]
        if owners != ["BucketOwnerEnforced"]:
            findings.append(
                f"{where}: ACLs are not disabled (object_ownership BucketOwnerEnforced)."
            )

        findings.extend(_bucket_policy_findings(module, bucket, where))

        if bucket not in log_targets and not _bucket_configs(
            module, "aws_s3_bucket_logging", bucket
        ):
            findings.append(f"{where} has no server access logging and is not the log destination.")

        lifecycle = _bucket_configs(module, "aws_s3_bucket_lifecycle_configuration", bucket)
        rules = [r for c in lifecycle for r in blocks(c, "rule") if r.get("status") == "Enabled"]
        if not any(blocks(r, "abort_incomplete_multipart_upload") for r in rules):
            findings.append(f"{where}: no lifecycle rule aborts incomplete multipart uploads.")
        if not any(blocks(r, "noncurrent_version_expiration") for r in rules):
            findings.append(f"{where}: no lifecycle rule removes noncurrent versions.")
    return findings


def _bucket_policy_findings(module: Module, bucket: str, where: str) -> list[str]:
    policies = _bucket_configs(module, "aws_s3_bucket_policy", bucket)
    if not policies:
        return [f"{where} has no bucket policy (TLS-only, encrypted uploads only)."]
    arns = _bucket_arn_forms(module, bucket)
    objects = {f"{arn}/*" for arn in arns}
    statements: list[Statement] = []
    for policy in policies:
        statements.extend(module.statements(policy.get("policy", "")))
    denies = [s for s in statements if s.effect == "Deny" and _anyone(s)]
    findings = []
    tls = [
        s
        for s in denies
        if {"s3:*"} <= set(s.actions)
        and ("Bool", "aws:SecureTransport", ("false",)) in s.conditions
        and arns & set(s.resources)
        and objects & set(s.resources)
    ]
    if not tls:
        findings.append(
            f"{where}: the bucket policy does not deny requests without TLS (aws:SecureTransport=false)."
        )

    def denies_puts_unless(variable: str, values: tuple | None = None) -> bool:
        """A deny of uploads to the objects unless `variable` equals `values` (any, if None)."""
        return any(
            "s3:PutObject" in s.actions
            and objects & set(s.resources)
            and any(
                var == variable
                and test.startswith("StringNotEquals")
                and (values is None or given == values)
                for test, var, given in s.conditions
            )
            for s in denies
        )

    if not denies_puts_unless("s3:x-amz-server-side-encryption", ("aws:kms",)):
        findings.append(
            f"{where}: the bucket policy does not deny uploads encrypted with another algorithm."
        )
    if not denies_puts_unless("s3:x-amz-server-side-encryption-aws-kms-key-id"):
        findings.append(f"{where}: the bucket policy does not deny uploads with another KMS key.")
    return findings


def _anyone(statement: Statement) -> bool:
    return any(kind in ("*", "AWS") and "*" in ids for kind, ids in statement.principals)


# ------------------------------------------------------------------------------------------------
# KMS
# ------------------------------------------------------------------------------------------------


def kms_findings(module: Module) -> list[str]:
    findings = []
    for key, body in module.resources_of("aws_kms_key").items():
        where = f"{module.name}: aws_kms_key.{key}"
        if body.get("enable_key_rotation") is not True:
            findings.append(f"{where} does not rotate its key material (enable_key_rotation).")
        if "policy" not in body:
            findings.append(f"{where} has no key policy of its own.")
        if body.get("is_enabled") is False:
            findings.append(f"{where} is disabled.")
    return findings


# ------------------------------------------------------------------------------------------------
# IAM documents
# ------------------------------------------------------------------------------------------------

# Actions whose API has no resource-level permissions: Resource "*" is the only way to grant them.
RESOURCE_STAR_ACTIONS = frozenset(
    {
        "cloudwatch:PutMetricData",
        "athena:ListWorkGroups",
        "athena:ListDataCatalogs",
        "athena:ListEngineVersions",
        # Step Functions' log delivery (vended logs) and X-Ray tracing (iceberg_maintenance).
        "logs:CreateLogDelivery",
        "logs:GetLogDelivery",
        "logs:UpdateLogDelivery",
        "logs:DeleteLogDelivery",
        "logs:ListLogDeliveries",
        "logs:PutResourcePolicy",
        "logs:DescribeResourcePolicies",
        "logs:DescribeLogGroups",
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "xray:GetSamplingRules",
        "xray:GetSamplingTargets",
        # The daily run's dbt container pulls its image (ECR's login has no resource).
        "ecr:GetAuthorizationToken",
    }
)

POLICY_ATTRIBUTES = {
    "aws_iam_role": ("assume_role_policy",),
    "aws_iam_role_policy": ("policy",),
    "aws_iam_policy": ("policy",),
    "aws_s3_bucket_policy": ("policy",),
    "aws_kms_key": ("policy",),
}


def _key_policy_documents(module: Module) -> set[str]:
    names = set()
    for body in module.resources_of("aws_kms_key").values():
        match = re.fullmatch(
            r"\$\{data\.aws_iam_policy_document\.(\w+)\.json\}", str(body.get("policy", ""))
        )
        if match:
            names.add(match.group(1))
    return names


def all_statements(module: Module) -> list[Statement]:
    statements = []
    for dtype, name in module.data:
        if dtype == "aws_iam_policy_document":
            statements.extend(
                s
                for s in module.document_statements(name)
                if s.doc == name or s.doc.startswith(name + "[")
            )
    return statements


def iam_findings(module: Module) -> list[str]:
    """No Allow of `*` on `*`; no bare `*` or service-wide `svc:*` action outside key policies;
    Resource `*` only for actions that have no resource-level permissions, with a comment; every
    policy attribute built from an aws_iam_policy_document."""
    findings = []
    key_policies = _key_policy_documents(module)
    for dtype, name in module.data:
        if dtype != "aws_iam_policy_document":
            continue
        body = module.data[(dtype, name)]
        for banned in ("not_actions", "not_resources", "not_principals"):
            if any(banned in raw for raw in module.blocks_of(body, "statement")):
                findings.append(
                    f"{module.name}: {name} uses {banned}; list what is allowed instead."
                )
    for statement in all_statements(module):
        if statement.effect != "Allow":
            continue
        where = f"{module.name}: {statement.label}"
        actions, resources = set(statement.actions), set(statement.resources)
        if ("*" in actions or "*:*" in actions) and "*" in resources:
            findings.append(f"{where} allows action * on resource *.")
            continue
        in_key_policy = statement.doc in key_policies
        if "*" in actions:
            findings.append(f"{where} allows every action (*).")
        if not in_key_policy:
            wide = sorted(a for a in actions if a.endswith(":*"))
            if wide:
                findings.append(f"{where} allows whole services {wide}; list the actions.")
        if "*" in resources:
            if not in_key_policy and not actions <= RESOURCE_STAR_ACTIONS:
                findings.append(
                    f"{where} grants {sorted(actions - RESOURCE_STAR_ACTIONS)} on Resource '*'; "
                    "those actions support resource-level permissions."
                )
            if not statement.comments:
                findings.append(f"{where} uses Resource '*' without a comment saying why.")
    for rtype, attributes in POLICY_ATTRIBUTES.items():
        for name, body in module.resources_of(rtype).items():
            for attribute in attributes:
                raw = body.get(attribute)
                if raw is None:
                    continue
                try:
                    module.statements(raw)
                except UnsupportedExpression:
                    findings.append(
                        f"{module.name}: {rtype}.{name}.{attribute} is not built with aws_iam_policy_document."
                    )
    return findings


def trust_findings(module: Module) -> list[str]:
    """Roles are assumed only by Glue (from this account) or by listed principals."""
    findings = []
    for role, body in module.resources_of("aws_iam_role").items():
        for statement in module.statements(body.get("assume_role_policy", "")):
            where = f"{module.name}: aws_iam_role.{role} trust {statement.label}"
            if statement.effect != "Allow":
                continue
            if set(statement.actions) - {"sts:AssumeRole", "sts:TagSession"}:
                findings.append(f"{where} allows {statement.actions}; only sts:AssumeRole.")
            for kind, identifiers in statement.principals:
                if "*" in identifiers:
                    findings.append(f"{where} trusts every principal (*).")
                if kind == "Service":
                    if set(identifiers) != {"glue.amazonaws.com"}:
                        findings.append(
                            f"{where} trusts services {identifiers}; only Glue is expected."
                        )
                    if not statement.condition_values("aws:SourceAccount"):
                        findings.append(
                            f"{where} trusts a service without an aws:SourceAccount condition."
                        )
                elif kind == "AWS":
                    if not all(re.fullmatch(r"\$\{var\.\w+(?:\.\w+)?\}", i) for i in identifiers):
                        findings.append(
                            f"{where} trusts principals {identifiers} not taken from a variable."
                        )
                else:
                    findings.append(f"{where} trusts principal type {kind}.")
    return findings


# ------------------------------------------------------------------------------------------------
# Role scopes
# ------------------------------------------------------------------------------------------------

LAKE = "${var.lake.bucket_arn}"
RESULTS = "${var.lake.results_bucket_arn}"
KMS_KEY = "${var.lake.kms_key_arn}"
BUCKET_ACTIONS = frozenset(
    {
        "s3:ListBucket",
        "s3:GetBucketLocation",
        "s3:ListBucketMultipartUploads",
        "s3:ListBucketVersions",
    }
)
GLUE_DATABASE_LISTING = frozenset({"glue:GetDatabases"})
ATHENA_DEFAULT_DATABASE = frozenset({"glue:GetDatabase", "glue:CreateDatabase"})
_GLUE_ARN = re.compile(
    r"^arn:\$\{[^}]+\}:glue:\$\{[^}]+\}:\$\{[^}]+\}:(?P<kind>catalog|database|table)(?:/(?P<rest>.*))?$"
)
# A layer's database, or one of its write-audit-publish slots (var.slot_database_names.gold__blue),
# which belongs to the layer's scope.
_DATABASE_VAR = re.compile(
    r"^\$\{var\.(?:database_names\.(\w+)|slot_database_names\.(\w+?)__(?:blue|green))\}$"
)


@dataclass(frozen=True)
class RoleScope:
    """What one role may reach. Prefixes end with '/'; tables map database layer -> names
    ('*' for any table)."""

    s3_read: frozenset[str]
    s3_write: frozenset[str] = frozenset()
    glue_read: frozenset[str] = frozenset()
    glue_write: dict[str, frozenset[str]] = field(default_factory=dict)
    workgroup: str | None = None  # the variable holding {arn, results_prefix}
    glue_service: bool = False  # may write Glue's CloudWatch log groups and job metrics


WRITE_VERBS = ("Put", "Delete", "Abort", "Restore", "Replicate", "Create", "Update", "Batch")


def is_write(action: str) -> bool:
    """s3:PutObject, glue:BatchCreatePartition, ... (BatchGet* reads)."""
    verb = action.split(":", 1)[1]
    return verb.startswith(WRITE_VERBS) and not verb.startswith("BatchGet")


def role_scope_findings(module: Module, scopes: dict[str, RoleScope]) -> list[str]:
    """Every role's permissions stay inside its scope: S3 prefixes, Glue databases, the lake
    key, its own Athena workgroup and results prefix."""
    findings = []
    roles = module.resources_of("aws_iam_role")
    for role in sorted(set(roles) - set(scopes)):
        findings.append(
            f"{module.name}: aws_iam_role.{role} has no declared scope to check against."
        )
    attached: dict[str, list[Statement]] = {}
    for name, body in module.resources_of("aws_iam_role_policy").items():
        role = reference_name(body.get("role"), "aws_iam_role")
        if role is None:
            findings.append(
                f"{module.name}: aws_iam_role_policy.{name} is not attached to a role of this module."
            )
            continue
        attached.setdefault(role, []).extend(module.statements(body.get("policy", "")))
    for role, scope in scopes.items():
        if role not in roles:
            findings.append(f"{module.name}: expected role {role} does not exist.")
            continue
        for statement in attached.get(role, []):
            if statement.effect == "Allow":
                findings.extend(_statement_scope_findings(module, role, scope, statement))
    return findings


def _statement_scope_findings(
    module: Module, role: str, scope: RoleScope, statement: Statement
) -> list[str]:
    where = f"{module.name}: role {role}, {statement.label}"
    findings = []
    services = {action.split(":", 1)[0] for action in statement.actions}
    if len(services) != 1:
        return [f"{where} mixes services {sorted(services)}; keep one service per statement."]
    service = services.pop()
    actions = set(statement.actions)
    if service == "s3":
        findings.extend(_s3_scope_findings(role, scope, statement, where))
    elif service == "kms":
        if statement.resources != (KMS_KEY,):
            findings.append(f"{where} uses KMS on {statement.resources}; only the lake key.")
    elif service == "glue":
        findings.extend(_glue_scope_findings(scope, statement, where))
    elif service == "athena":
        allowed = {f"${{var.{scope.workgroup}.arn}}"} if scope.workgroup else set()
        for resource in statement.resources:
            if resource in allowed or resource.endswith(":datacatalog/AwsDataCatalog"):
                continue
            if resource == "*" and actions <= RESOURCE_STAR_ACTIONS:
                continue
            findings.append(f"{where} reaches Athena resource {resource}; only its own workgroup.")
    elif service == "logs":
        if not scope.glue_service:
            findings.append(f"{where}: only Glue service roles write CloudWatch logs.")
        for resource in statement.resources:
            if ":log-group:/aws-glue/" not in resource:
                findings.append(
                    f"{where} writes log group {resource}; only Glue's /aws-glue/ groups."
                )
    elif service == "cloudwatch":
        if not scope.glue_service or actions != {"cloudwatch:PutMetricData"}:
            findings.append(f"{where}: only Glue service roles publish metrics (PutMetricData).")
        if statement.condition_values("cloudwatch:namespace") != ("Glue",):
            findings.append(
                f"{where}: PutMetricData without a cloudwatch:namespace = Glue condition."
            )
    else:
        findings.append(f"{where} grants {service} actions, which no finlake role needs.")
    return findings


def _s3_scope_findings(role: str, scope: RoleScope, statement: Statement, where: str) -> list[str]:
    findings = []
    actions = set(statement.actions)
    bucket_actions = actions & BUCKET_ACTIONS
    object_actions = actions - BUCKET_ACTIONS
    writes = {a for a in object_actions if is_write(a)}
    results_prefix = f"${{var.{scope.workgroup}.results_prefix}}" if scope.workgroup else None
    for resource in statement.resources:
        if resource in (LAKE, RESULTS):
            if object_actions:
                findings.append(
                    f"{where} grants object actions {sorted(object_actions)} on a whole bucket."
                )
            if resource == RESULTS and results_prefix is None:
                findings.append(
                    f"{where} reaches the Athena results bucket but {role} runs no queries."
                )
            if "s3:ListBucket" in bucket_actions:
                prefixes = statement.condition_values("s3:prefix")
                if not prefixes:
                    findings.append(f"{where} lists the whole bucket (no s3:prefix condition).")
                for prefix in prefixes:
                    bare = prefix.rstrip("*").rstrip("/")
                    if resource == LAKE:
                        ok = any((bare + "/").startswith(p) for p in scope.s3_read)
                    else:
                        ok = results_prefix is not None and prefix.startswith(results_prefix)
                    if not ok:
                        findings.append(f"{where} lists prefix {prefix!r} outside its zones.")
            continue
        if resource.startswith(LAKE + "/"):
            key = resource[len(LAKE) + 1 :]
            if bucket_actions:
                findings.append(f"{where} grants bucket actions on objects ({resource}).")
            if not any(key.startswith(p) for p in scope.s3_read | scope.s3_write):
                findings.append(
                    f"{where} reaches {key!r} of the lake, outside {sorted(scope.s3_read)}."
                )
            if writes and not any(key.startswith(p) for p in scope.s3_write):
                findings.append(
                    f"{where} writes {key!r} of the lake; {role} may write only {sorted(scope.s3_write) or 'nothing'}."
                )
            continue
        if resource.startswith(RESULTS + "/"):
            key = resource[len(RESULTS) + 1 :]
            if results_prefix is None or not key.startswith(results_prefix):
                findings.append(
                    f"{where} reaches {key!r} of the results bucket; only its own workgroup's prefix."
                )
            continue
        findings.append(
            f"{where} grants S3 actions on {resource}, which is neither the lake nor the results bucket."
        )
    return findings


def _glue_scope_findings(scope: RoleScope, statement: Statement, where: str) -> list[str]:
    findings = []
    actions = set(statement.actions)
    writes = {a for a in actions if is_write(a)}
    readable = scope.glue_read | set(scope.glue_write)
    for resource in statement.resources:
        match = _GLUE_ARN.match(resource)
        if match is None:
            findings.append(
                f"{where} reaches Glue resource {resource}, not this account's catalog."
            )
            continue
        kind, rest = match.group("kind"), match.group("rest") or ""
        if kind == "catalog":
            continue
        database, _, table = rest.partition("/")
        if kind == "database" and database == "default":
            if not actions <= ATHENA_DEFAULT_DATABASE:
                findings.append(f"{where} grants {sorted(actions)} on the default database.")
            continue
        if kind == "database" and database == "*":
            if not actions <= GLUE_DATABASE_LISTING:
                findings.append(
                    f"{where} grants {sorted(actions)} on every database; only GetDatabases."
                )
            continue
        layer = _DATABASE_VAR.match(database)
        if layer is None:
            findings.append(f"{where} reaches database {database!r}, not one of the layers.")
            continue
        layer_name = layer.group(1) or layer.group(2)
        if layer_name not in readable:
            findings.append(
                f"{where} reaches the {layer_name} database, outside {sorted(readable)}."
            )
        if writes:
            tables = scope.glue_write.get(layer_name, frozenset())
            if not tables:
                findings.append(
                    f"{where} writes to the {layer_name} database ({sorted(writes)}); read only."
                )
            elif kind == "table" and "*" not in tables and table not in tables:
                findings.append(
                    f"{where} writes table {table!r} of {layer_name}; only {sorted(tables)}."
                )
    return findings


# ------------------------------------------------------------------------------------------------
# Athena and Glue
# ------------------------------------------------------------------------------------------------


def workgroup_findings(module: Module) -> list[str]:
    findings = []
    for name, body in module.resources_of("aws_athena_workgroup").items():
        where = f"{module.name}: aws_athena_workgroup.{name}"
        configs = blocks(body, "configuration")
        if not configs:
            findings.append(f"{where} has no configuration.")
        for config in configs:
            if config.get("enforce_workgroup_configuration") is not True:
                findings.append(
                    f"{where} lets clients override its settings (enforce_workgroup_configuration)."
                )
            if config.get("publish_cloudwatch_metrics_enabled") is not True:
                findings.append(f"{where} publishes no CloudWatch metrics.")
            if config.get("bytes_scanned_cutoff_per_query") in (None, 0):
                findings.append(f"{where} sets no bytes_scanned_cutoff_per_query.")
            engines = [e.get("selected_engine_version") for e in blocks(config, "engine_version")]
            if engines != ["Athena engine version 3"]:
                findings.append(f"{where} is not pinned to Athena engine version 3.")
            results = blocks(config, "result_configuration")
            encryption = [e for r in results for e in blocks(r, "encryption_configuration")]
            if not encryption:
                findings.append(f"{where} does not encrypt query results.")
            for setting in encryption:
                if setting.get("encryption_option") != "SSE_KMS":
                    findings.append(
                        f"{where} encrypts results with {setting.get('encryption_option')!r}, not SSE_KMS."
                    )
                if not _is_cmk_reference(module, setting.get("kms_key_arn")):
                    findings.append(f"{where} does not encrypt results with the lake key.")
            if not any(r.get("output_location") for r in results):
                findings.append(f"{where} has no output_location of its own.")
    return findings


PROTECTED_JOB_ARGUMENTS = (
    "--job-bookmark-option",
    "--landing_uri",
    "--bronze_uri",
    "--extra-py-files",
)


def job_arguments(module: Module, raw: object) -> tuple[dict, list[str]]:
    """The job's arguments that are always set, and the text of parts that are conditional."""
    text = str(raw)
    match = re.fullmatch(r"\$\{merge\((.*)\)\}", text, re.S)
    parts = [p.strip() for p in match.group(1).split(",")] if match else [text]
    fixed: dict = {}
    conditional: list[str] = []
    for part in parts:
        value = module.value(part if part.startswith("${") else "${" + part + "}")
        if isinstance(value, dict):
            fixed.update({k: v for k, v in value.items() if not k.startswith("__")})
        else:
            conditional.append(str(value))
    return fixed, conditional


def glue_findings(module: Module) -> list[str]:
    """Glue 5.0 Spark jobs with bookmarks off and a KMS security configuration; crawlers with one."""
    findings = []
    security_configs = module.resources_of("aws_glue_security_configuration")
    for name, body in security_configs.items():
        where = f"{module.name}: aws_glue_security_configuration.{name}"
        for config in blocks(body, "encryption_configuration"):
            expected = {
                "cloudwatch_encryption": ("cloudwatch_encryption_mode", "SSE-KMS"),
                "job_bookmarks_encryption": ("job_bookmarks_encryption_mode", "CSE-KMS"),
                "s3_encryption": ("s3_encryption_mode", "SSE-KMS"),
            }
            for block_name, (attribute, mode) in expected.items():
                settings = blocks(config, block_name)
                if [s.get(attribute) for s in settings] != [mode]:
                    findings.append(f"{where}: {block_name} is not {mode}.")
                if not all(_is_cmk_reference(module, s.get("kms_key_arn")) for s in settings):
                    findings.append(f"{where}: {block_name} does not use the lake key.")
    for name, body in module.resources_of("aws_glue_job").items():
        where = f"{module.name}: aws_glue_job.{name}"
        if body.get("glue_version") != "5.0":
            findings.append(f"{where} runs Glue {body.get('glue_version')!r}, not 5.0.")
        commands = blocks(body, "command")
        if [(c.get("name"), c.get("python_version")) for c in commands] != [("glueetl", "3")]:
            findings.append(f"{where} is not a Python 3 Spark (glueetl) job.")
        config = reference_name(
            body.get("security_configuration"), "aws_glue_security_configuration"
        )
        if config not in security_configs:
            findings.append(f"{where} has no security configuration of this module attached.")
        fixed, conditional = job_arguments(module, body.get("default_arguments", {}))
        if fixed.get("--job-bookmark-option") != "job-bookmark-disable":
            findings.append(
                f"{where} does not disable job bookmarks (the job keeps its own ledger)."
            )
        for text in conditional:
            for argument in PROTECTED_JOB_ARGUMENTS:
                if argument in text:
                    findings.append(
                        f"{where}: {argument} may be overridden by a conditional argument."
                    )
    for name, body in module.resources_of("aws_glue_crawler").items():
        if reference_name(
            body.get("security_configuration"), "aws_glue_security_configuration"
        ) is None and not str(body.get("security_configuration", "")).startswith("${var."):
            findings.append(
                f"{module.name}: aws_glue_crawler.{name} has no security configuration."
            )
    return findings


# ------------------------------------------------------------------------------------------------
# Conventions
# ------------------------------------------------------------------------------------------------


def variable_findings(module: Module, numbers_need_validation: bool = True) -> list[str]:
    findings = []
    for name, body in module.variables.items():
        where = f"{module.name}: variable {name}"
        if not body.get("type"):
            findings.append(f"{where} has no type.")
        elif body["type"] in ("${any}", "any"):
            findings.append(f"{where} is typed any; use the tightest type.")
        if not str(body.get("description", "")).strip():
            findings.append(f"{where} has no description.")
        if (
            numbers_need_validation
            and body.get("type") in ("${number}", "number")
            and not blocks(body, "validation")
        ):
            findings.append(f"{where} is a number without a validation block.")
    return findings


def output_findings(module: Module) -> list[str]:
    return [
        f"{module.name}: output {name} has no description."
        for name, body in module.outputs.items()
        if not str(body.get("description", "")).strip()
    ]


NAMED_TYPES = (
    "aws_glue_job",
    "aws_glue_crawler",
    "aws_glue_trigger",
    "aws_glue_security_configuration",
    "aws_athena_workgroup",
    "aws_iam_role",
    "aws_kms_alias",
)


def naming_findings(module: Module) -> list[str]:
    """The module takes var.context (whose name_prefix is the root's project-environment), and
    named resources start from var.context.name_prefix."""
    findings = []
    if "context" not in module.variables:
        findings.append(f"{module.name}: has no variable context.")
    if "name_prefix" in module.locals:
        findings.append(
            f"{module.name}: builds its own local.name_prefix; take var.context.name_prefix."
        )
    for rtype in NAMED_TYPES:
        for name, body in module.resources_of(rtype).items():
            value = module.interpolate(str(body.get("name", "")))
            if "${var.context.name_prefix}" not in value:
                findings.append(
                    f"{module.name}: {rtype}.{name} is not named from var.context.name_prefix ({value!r})."
                )
    return findings


_ACCOUNT_ID = re.compile(r"(?<![0-9])[0-9]{12}(?![0-9])")
_REGION = re.compile(
    r"\b(?:us|eu|ap|sa|ca|me|af|il|mx|cn)(?:-gov|-iso[a-z]?)?-(?:north|south|east|west|central|northeast|northwest|southeast|southwest)-[0-9]\b"
)
_SECRETS = (
    (re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"), "an AWS access key id"),
    (
        re.compile(
            r"(?i)\b(?:aws_)?(?:secret_access_key|secret_key|access_key|session_token|token)\s*="
        ),
        "a credential attribute",
    ),
    (re.compile(r"(?i)\b(?:password|passwd)\s*=\s*\""), "a password"),
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"), "a private key"),
)
_PARTITION_LITERAL = re.compile(r"arn:aws(?:-[a-z]+)?:")


def hardcoding_findings(files: list[Path]) -> list[str]:
    """No account id, region, credential or literal ARN partition typed into the files."""
    findings = []
    for file in files:
        text = file.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), start=1):
            where = f"{file.name}:{number}"
            if _ACCOUNT_ID.search(line):
                findings.append(f"{where} holds a 12-digit number (an account id?): {line.strip()}")
            if _REGION.search(line):
                findings.append(f"{where} names an AWS region: {line.strip()}")
            for pattern, what in _SECRETS:
                if pattern.search(line):
                    findings.append(f"{where} holds {what}: {line.strip()}")
            if file.suffix == ".tf" and _PARTITION_LITERAL.search(line) and "regex(" not in line:
                findings.append(
                    f"{where} writes the ARN partition literally; use var.context.partition."
                )
    return findings


_SKIP = re.compile(r"#\s*checkov:skip=(?P<id>[A-Z0-9_]+)(?::(?P<reason>.*))?")


def checkov_skips(files: list[Path]) -> list[tuple[str, str, str]]:
    """(check id, reason, file) of every inline checkov skip."""
    skips = []
    for file in files:
        for match in _SKIP.finditer(file.read_text(encoding="utf-8")):
            skips.append((match.group("id"), (match.group("reason") or "").strip(), file.name))
    return skips
