"""The bronze Glue tables exactly as terraform/modules/catalog declares them, as Glue API input.

Read from the module's HCL (python-hcl2, through tests/terraform/tfconfig.py, which evaluates
the locals and merge() calls the module uses): names, columns with their types, comments and
parameters, partition keys, the partition projection properties and the storage descriptor.
The bronze entity columns are read as rendered from the landing contract into the module's
contract.tf (`finlake contract render`), so nothing here rebuilds a Terraform expression.
The only inputs are what Terraform gets from variables: the lake bucket and
`projection_start_date` (the prod environment's).
"""

from __future__ import annotations

import re
from typing import Any

from tests.terraform.tfconfig import (
    MODULES,
    ROOT,
    Module,
    UnsupportedExpression,
    load_module,
    load_tfvars,
    parse_value,
)

_ENTITY_TABLES = re.compile(
    r"\$\{\{for entity, columns in local\.bronze_entity_columns : entity => (\{.*\})\}\}", re.S
)


def _resolve(text: Any, replacements: dict[str, str]) -> Any:
    if isinstance(text, dict):
        return {k: _resolve(v, replacements) for k, v in text.items()}
    if isinstance(text, list):
        return [_resolve(v, replacements) for v in text]
    if not isinstance(text, str):
        return text
    for old, new in replacements.items():
        text = text.replace(old, new)
    return text.replace("$${", "${")  # Terraform's escape for a literal ${


def projection_start_date() -> str:
    """Prod's setting: envs/prod.tfvars when it sets one, else the root's default."""
    prod = load_tfvars("prod")
    if "projection_start_date" in prod:
        return str(prod["projection_start_date"])
    return str(load_module(ROOT).variables["projection_start_date"]["default"])


def bronze_tables(module: Module) -> dict[str, dict[str, Any]]:
    """The catalog module's local.bronze_tables, by table name: what differs between the bronze
    tables of its one aws_glue_catalog_table.bronze. The entity tables come from the for
    expression of bronze_entity_tables, one per entity of contract.tf (its columns, then the load
    metadata); _malformed and _load_log from bronze_ingestion_tables, as declared."""
    entities = module.value(module.locals["bronze_entity_columns"])
    load_columns = module.value(module.locals["bronze_load_columns"])
    match = _ENTITY_TABLES.fullmatch(str(module.locals["bronze_entity_tables"]))
    if match is None:
        raise UnsupportedExpression(
            "catalog: bronze_entity_tables is not `{for entity, columns in "
            "local.bronze_entity_columns : entity => {...}}`; teach tools/athena_run/"
            "terraform_catalog.py its new form."
        )
    template = parse_value(match.group(1))
    tables = {}
    for entity, columns in entities.items():
        table = _substitute(template, {"${entity}": entity})
        table["columns"] = [*columns, *load_columns]
        tables[entity] = table
    tables.update(module.locals["bronze_ingestion_tables"])
    return tables


def bronze_table_inputs(lake_bucket: str, start_date: str | None = None) -> list[dict[str, Any]]:
    """Glue TableInput of every bronze table (aws_glue_catalog_table.bronze of the catalog module)."""
    module = load_module(MODULES / "catalog")
    entities = module.value(module.locals["bronze_entity_columns"])
    replacements = {
        "${local.bronze_uri}": f"s3://{lake_bucket}/bronze",
        "${var.lake.bucket_name}": lake_bucket,
        "${var.projection_start_date}": start_date or projection_start_date(),
        '${join(",", sort(keys(local.bronze_entity_columns)))}': ",".join(sorted(entities)),
    }
    parquet = module.value(module.locals["parquet"])
    body = module.resources[("aws_glue_catalog_table", "bronze")]
    # parameters = merge({<every table's>}, each.value.parameters)
    merged = re.fullmatch(r"\$\{merge\((.*), each\.value\.parameters\)\}", body["parameters"], re.S)
    if merged is None:
        raise UnsupportedExpression(
            "catalog: aws_glue_catalog_table.bronze's parameters are not "
            "merge({...}, each.value.parameters)."
        )
    common = module.value("${" + merged.group(1) + "}")
    storage = _blocks(body, "storage_descriptor")[0]
    tables = []
    for name, table in bronze_tables(module).items():
        resolve = {**replacements, "${each.key}": name}
        parameters = {**common, **_resolve(module.value(table["parameters"]), resolve)}
        columns = module.value(table["columns"])
        keys = [module.value(k) if isinstance(k, str) else k for k in table["partition_keys"]]
        tables.append(
            {
                "Name": name,
                "Description": _resolve(table["description"], resolve),
                "TableType": body["table_type"],
                "Parameters": {k: str(v) for k, v in parameters.items()},
                "PartitionKeys": [
                    {"Name": k["name"], "Type": k["type"], "Comment": k.get("comment", "")}
                    for k in keys
                ],
                "StorageDescriptor": {
                    "Location": _resolve(module.value(storage["location"]), resolve),
                    "InputFormat": parquet["input_format"],
                    "OutputFormat": parquet["output_format"],
                    "SerdeInfo": {
                        "Name": "parquet",
                        "SerializationLibrary": parquet["serialization_library"],
                        "Parameters": {"serialization.format": "1"},
                    },
                    "Columns": [_glue_column(c, table["pii_parameter"]) for c in columns],
                },
            }
        )
    return tables


def _substitute(value: Any, replacements: dict[str, str]) -> Any:
    """`value` with each placeholder of `replacements` replaced, in every string it holds."""
    if isinstance(value, dict):
        return {k: _substitute(v, replacements) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, replacements) for v in value]
    if isinstance(value, str):
        for old, new in replacements.items():
            value = value.replace(old, new)
    return value


def _glue_column(column: dict[str, Any], pii_parameter: bool) -> dict[str, Any]:
    """One item of the module's column lists as Glue's Column (the dynamic "columns" block):
    with the parameter finlake.pii where the table sets pii_parameter."""
    glue = {"Name": column["name"], "Type": column["type"], "Comment": column["comment"]}
    if pii_parameter:
        glue["Parameters"] = {"finlake.pii": "true" if column["pii"] is True else "false"}
    return glue


def _blocks(body: dict[str, Any], name: str) -> list[dict[str, Any]]:
    found = body.get(name, [])
    return found if isinstance(found, list) else [found]
