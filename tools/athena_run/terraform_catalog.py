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

from typing import Any

from tests.terraform.tfconfig import MODULES, ROOT, load_module, load_tfvars


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


def bronze_table_inputs(lake_bucket: str, start_date: str | None = None) -> list[dict[str, Any]]:
    """Glue TableInput of every bronze table (aws_glue_catalog_table.* of the catalog module)."""
    module = load_module(MODULES / "catalog")
    entities = module.value(module.locals["bronze_entity_columns"])
    replacements = {
        "${local.bronze_uri}": f"s3://{lake_bucket}/bronze",
        "${var.lake.bucket_name}": lake_bucket,
        "${var.projection_start_date}": start_date or projection_start_date(),
        '${join(",", sort(keys(local.bronze_entity_columns)))}': ",".join(sorted(entities)),
    }
    parquet = module.value(module.locals["parquet"])
    tables = []
    resources = module.resources_of("aws_glue_catalog_table")
    # The module's bronze_entity_table_columns is each entity's rendered columns (contract.tf,
    # written by `finlake contract render`) followed by the load metadata: read both as declared.
    load_columns = module.value(module.locals["bronze_load_columns"])
    columns_of = {
        entity: [_glue_column(c) for c in [*columns, *load_columns]]
        for entity, columns in entities.items()
    }
    for key, body in resources.items():
        if key == "entity":
            instances = [(entity, columns_of[entity]) for entity in entities]
        else:
            local = {
                "malformed": "bronze_malformed_columns",
                "load_log": "bronze_load_log_columns",
            }[key]
            columns = [
                {"Name": c["name"], "Type": c["type"], "Comment": c["comment"]}
                for c in module.value(module.locals[local])
            ]
            instances = [(None, columns)]
        for each_key, columns in instances:
            names = {"${each.key}": each_key} if each_key else {}
            resolve = {**replacements, **names}
            storage = (
                body["storage_descriptor"][0]
                if isinstance(body["storage_descriptor"], list)
                else body["storage_descriptor"]
            )
            parameters = _resolve(module.value(body["parameters"]), resolve)
            table = {
                "Name": _resolve(body["name"], resolve),
                "Description": _resolve(body["description"], resolve),
                "TableType": body["table_type"],
                "Parameters": {k: str(v) for k, v in parameters.items()},
                "PartitionKeys": [
                    {"Name": p["name"], "Type": p["type"], "Comment": p.get("comment", "")}
                    for p in _blocks(body, "partition_keys")
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
                    "Columns": columns,
                },
            }
            tables.append(table)
    return tables


def _glue_column(column: dict[str, Any]) -> dict[str, Any]:
    """One item of the module's column lists as Glue's Column (the dynamic "columns" block)."""
    return {
        "Name": column["name"],
        "Type": column["type"],
        "Comment": column["comment"],
        "Parameters": {"finlake.pii": "true" if column["pii"] is True else "false"},
    }


def _blocks(body: dict[str, Any], name: str) -> list[dict[str, Any]]:
    found = body.get(name, [])
    return found if isinstance(found, list) else [found]
