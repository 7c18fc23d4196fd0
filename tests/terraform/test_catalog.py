"""The bronze Glue tables match the layout the ingestion job writes and the landing contract."""

from __future__ import annotations

import pytest

from finlake.contract import bronze, load_contract
from tests.terraform.tfconfig import ROOT, blocks, parse_file
from tools.athena_run.terraform_catalog import bronze_tables

# The load metadata the ingestion job appends, in order (tests/contract/test_render.py checks
# finlake/contract/bronze.py, which contract.tf is rendered from, against the job's schemas).
LOAD_COLUMNS = [(c.name, c.type) for c in bronze.LOAD_COLUMNS]


@pytest.fixture(scope="module")
def catalog(modules):
    return modules["catalog"]


def columns(local: list[dict]) -> list[tuple[str, str]]:
    return [(c["name"], c["type"]) for c in local]


def test_entity_columns_are_the_contract_columns_then_the_pii_tokens(catalog):
    contract = load_contract()
    declared = catalog.locals["bronze_entity_columns"]
    assert list(declared) == list(contract.entities)
    for name, entity in contract.entities.items():
        tokens = [f"{c}_token" for c in entity.pii_columns]
        assert [c["name"] for c in declared[name]] == [*entity.column_names, *tokens], name
        assert all(c["type"] == "string" for c in declared[name]), name


def test_pii_columns_are_the_contracts(catalog):
    contract = load_contract()
    flagged = {
        name: [c["name"] for c in columns if c["pii"] is True]
        for name, columns in catalog.locals["bronze_entity_columns"].items()
    }
    assert flagged == contract.pii_columns


def test_columns_holding_whole_records_or_unknown_columns_are_flagged_pii(catalog):
    flagged = {
        c["name"]
        for c in catalog.locals["bronze_load_columns"] + catalog.locals["bronze_malformed_columns"]
        if c["pii"] is True
    }
    assert flagged == {"_extra_columns", "_raw_line"}
    assert catalog.locals["bronze_ingestion_tables"]["_malformed"]["pii_parameter"] is True
    table = catalog.resources[("aws_glue_catalog_table", "bronze")]
    assert '"finlake.pii" = tostring(columns.value.pii)' in str(table)


def test_entity_tables_are_the_rendered_columns_then_the_load_metadata(catalog):
    table_columns = str(catalog.locals["bronze_entity_tables"])
    assert "columns = concat(columns, local.bronze_load_columns)" in table_columns


def test_every_bronze_table_is_one_resource_that_only_data_tells_apart(catalog):
    """The entity tables, _malformed and _load_log are aws_glue_catalog_table.bronze, one
    instance each (local.bronze_tables); the three blocks it replaces are moved, not recreated."""
    assert set(catalog.resources_of("aws_glue_catalog_table")) == {"bronze"}
    table = catalog.resources[("aws_glue_catalog_table", "bronze")]
    assert table["for_each"] == "${local.bronze_tables}"
    assert catalog.locals["bronze_tables"] == (
        "${merge(local.bronze_entity_tables, local.bronze_ingestion_tables)}"
    )
    # The moves live in the root's moved.tf, addressed through module.catalog.
    moved = {
        (m["from"].replace("module.catalog.", ""), m["to"].replace("module.catalog.", ""))
        for m in parse_file(ROOT / "moved.tf").get("moved", [])
        if "module.catalog." in m["from"]
    }
    assert moved == {
        ("${aws_glue_catalog_table.entity}", "${aws_glue_catalog_table.bronze}"),
        ("${aws_glue_catalog_table.malformed}", '${aws_glue_catalog_table.bronze["_malformed"]}'),
        ("${aws_glue_catalog_table.load_log}", '${aws_glue_catalog_table.bronze["_load_log"]}'),
    }


def test_the_athena_stand_in_creates_the_bronze_tables_terraform_declares():
    """tools/athena_run reads the Glue tables from this module's HCL: every entity table has
    the rendered columns, the tokens flagged not-PII and the load metadata as declared."""
    from tools.athena_run.terraform_catalog import bronze_table_inputs

    contract = load_contract()
    tables = {t["Name"]: t for t in bronze_table_inputs("lake-bucket", "2024-01-01")}
    assert set(tables) == {*contract.entities, "_malformed", "_load_log"}
    customers = tables["customers"]["StorageDescriptor"]
    assert customers["Location"] == "s3://lake-bucket/bronze/customers/"
    by_name = {c["Name"]: c for c in customers["Columns"]}
    assert [c["Name"] for c in customers["Columns"]][-6:] == [n for n, _ in LOAD_COLUMNS]
    assert by_name["email"]["Parameters"] == {"finlake.pii": "true"}
    assert by_name["email_token"]["Parameters"] == {"finlake.pii": "false"}
    assert by_name["_extra_columns"]["Parameters"] == {"finlake.pii": "true"}
    assert by_name["_line_number"]["Type"] == "bigint"
    assert by_name["city"]["Comment"] == "As delivered; typed in silver."
    # As Terraform declares them: _malformed's columns flagged, _load_log's without parameters.
    malformed = {c["Name"]: c for c in tables["_malformed"]["StorageDescriptor"]["Columns"]}
    assert malformed["_raw_line"]["Parameters"] == {"finlake.pii": "true"}
    assert malformed["_reason"]["Parameters"] == {"finlake.pii": "false"}
    assert all("Parameters" not in c for c in tables["_load_log"]["StorageDescriptor"]["Columns"])
    # Without a start date it takes prod's: envs/prod.tfvars, else the root's default.
    (default,) = [t for t in bronze_table_inputs("b") if t["Name"] == "customers"]
    assert default["Parameters"]["projection.extract_date.range"] == "2023-01-01,NOW"


def test_load_metadata_columns_follow_the_contract_columns(catalog):
    assert columns(catalog.locals["bronze_load_columns"]) == LOAD_COLUMNS


def test_malformed_and_load_log_columns_match_the_job(catalog):
    assert columns(catalog.locals["bronze_malformed_columns"]) == [
        (c.name, c.type) for c in bronze.MALFORMED_COLUMNS
    ]
    assert columns(catalog.locals["bronze_load_log_columns"]) == [
        (c.name, c.type) for c in bronze.LOAD_LOG_COLUMNS
    ]


def test_entity_tables_are_parquet_partitioned_by_a_projected_extract_date(catalog):
    table = catalog.resources[("aws_glue_catalog_table", "bronze")]
    assert table["name"] == "${each.key}"
    (customers,) = [t for name, t in bronze_tables(catalog).items() if name == "customers"]
    keys = [catalog.value(k) for k in customers["partition_keys"]]
    assert [(k["name"], k["type"]) for k in keys] == [("extract_date", "date")]
    parameters = catalog.value(customers["parameters"])
    assert parameters["projection.enabled"] == "true"
    assert parameters["projection.extract_date.type"] == "date"
    assert parameters["projection.extract_date.format"] == "yyyy-MM-dd"
    assert parameters["projection.extract_date.range"] == "${var.projection_start_date},NOW"
    assert (
        parameters["storage.location.template"]
        == "${local.bronze_uri}/customers/extract_date=$${extract_date}/"
    )
    storage = blocks(table, "storage_descriptor")[0]
    assert storage["location"] == "${local.bronze_uri}/${each.key}/"
    assert storage["input_format"] == "${local.parquet.input_format}"
    assert catalog.locals["parquet"]["serialization_library"].endswith("ParquetHiveSerDe")


def test_malformed_table_projects_entity_and_extract_date(catalog):
    table = catalog.locals["bronze_ingestion_tables"]["_malformed"]
    keys = [catalog.value(k) for k in table["partition_keys"]]
    assert [(k["name"], k["type"]) for k in keys] == [
        ("entity", "string"),
        ("extract_date", "date"),
    ]
    parameters = catalog.value(table["parameters"])
    assert parameters["projection.entity.type"] == "enum"
    assert (
        parameters["projection.entity.values"]
        == '${join(",", sort(keys(local.bronze_entity_columns)))}'
    )
    assert parameters["projection.extract_date.type"] == "date"
    assert parameters["storage.location.template"] == (
        "${local.bronze_uri}/_malformed/$${entity}/extract_date=$${extract_date}/"
    )


def test_load_log_table_is_not_partitioned(catalog):
    table = catalog.locals["bronze_ingestion_tables"]["_load_log"]
    assert table["partition_keys"] == []
    assert table["parameters"] == {}
    assert table["pii_parameter"] is False


def test_bronze_is_read_from_the_lake_bucket(catalog):
    assert catalog.locals["bronze_uri"] == "s3://${var.lake.bucket_name}/bronze"


def test_database_names_are_lowercase_with_underscores(catalog):
    assert catalog.locals["database_prefix"] == '${replace(var.context.name_prefix, "-", "_")}'
    assert catalog.locals["layers"] == ["bronze", "silver", "gold", "reference"]
    assert (
        catalog.locals["database_names"]
        == '${{for layer in local.layers : layer => "${local.database_prefix}_${layer}"}}'
    )


def test_crawler_is_optional_and_off_by_default(catalog):
    assert catalog.variables["enable_crawler"]["default"] is False
    crawler = catalog.resources[("aws_glue_crawler", "this")]
    assert crawler["count"] == "${var.enable_crawler ? 1 : 0}"
    policy = blocks(crawler, "schema_change_policy")[0]
    assert (policy["update_behavior"], policy["delete_behavior"]) == ("LOG", "LOG")


def test_database_names_are_checked_once_where_they_are_made(modules, catalog):
    """catalog's output database_names checks every name it makes, the layers' and their
    slots' (Athena's rule); the modules that take them do not check them again."""
    (check,) = blocks(catalog.outputs["database_names"], "precondition")
    condition = str(check["condition"])
    assert "values(local.database_names)" in condition
    assert "values(local.slot_database_names)" in condition
    assert '"^[a-z0-9_]{1,255}$"' in condition
    for module, variable in (
        ("access_roles", "database_names"),
        ("access_roles", "slot_database_names"),
        ("iceberg_maintenance", "database_name"),
    ):
        assert not blocks(modules[module].variables[variable], "validation"), module
