"""Materialisation checks: Iceberg tables or views, merge incrementals with a key, explicit
data locations under the layer's zone of the lake, contract types Athena returns."""

from __future__ import annotations

from tools.athena_check.check import check_node_config

DATA_DIR = "s3://finlake-ci-lake/"


def model(layer: str = "silver", **config) -> dict:
    base = {
        "materialized": "table",
        "table_type": "iceberg",
        "s3_data_dir": f"{DATA_DIR}{layer}/",
        "contract": {"enforced": False},
    }
    return {
        "unique_id": "model.finlake.m",
        "name": "m",
        "resource_type": "model",
        "fqn": ["finlake", layer, "m"],
        "original_file_path": f"models/{layer}/m.sql",
        "config": {**base, **config},
        "columns": {},
    }


def messages(node: dict) -> list[str]:
    return [f.message for f in check_node_config(node, DATA_DIR)]


def test_an_iceberg_table_in_its_zone_passes():
    assert messages(model()) == []
    assert messages(model("gold")) == []


def test_a_view_needs_no_table_type_or_location():
    assert messages(model(materialized="view", table_type=None, s3_data_dir=None)) == []


def test_a_hive_table_fails():
    assert messages(model(table_type="hive")) == [
        "table_type='hive'; Athena tables here must be table_type='iceberg'"
    ]


def test_a_table_without_table_type_is_the_adapters_default_hive_and_fails():
    assert "Athena tables here must be table_type='iceberg'" in messages(model(table_type=None))[0]


def test_an_incremental_needs_merge_and_a_unique_key():
    found = messages(
        model(materialized="incremental", incremental_strategy="append", unique_key=None)
    )
    assert "incremental_strategy='append'; Iceberg incrementals must use 'merge'" in found
    assert "is incremental without a unique_key; merge needs one" in found
    ok = model(materialized="incremental", incremental_strategy="merge", unique_key="id")
    assert messages(ok) == []


def test_the_data_location_must_be_explicit_and_in_the_models_zone():
    assert messages(model(s3_data_dir=None)) == [
        f"has no explicit s3_data_dir; set +s3_data_dir to {DATA_DIR}silver/ (from FINLAKE_S3_DATA_DIR)"
    ]
    assert (
        "is not its zone of the lake"
        in messages(model("gold", s3_data_dir=f"{DATA_DIR}silver/"))[0]
    )
    assert "is not its zone of the lake" in messages(model(s3_data_dir="s3://elsewhere/silver/"))[0]
    outside = model(external_location="s3://elsewhere/t/")
    assert "external_location='s3://elsewhere/t/' is outside its zone" in messages(outside)[0]


def test_a_model_outside_the_layer_folders_has_no_zone():
    node = model()
    node["fqn"] = ["finlake", "scratch", "m"]
    assert "has no zone of the lake" in messages(node)[0]


def test_unsupported_materializations_fail():
    assert "is not one Athena supports" in messages(model(materialized="materialized_view"))[0]


def test_seeds_are_iceberg_tables_in_a_writable_zone():
    seed = {
        "unique_id": "seed.finlake.s",
        "name": "s",
        "resource_type": "seed",
        "fqn": ["finlake", "s"],
        "original_file_path": "seeds/s.csv",
        "config": {"table_type": "iceberg", "s3_data_dir": f"{DATA_DIR}silver/"},
    }
    assert messages(seed) == []
    seed["config"]["table_type"] = "hive"
    assert messages(seed) == ["table_type='hive'; Athena tables here must be table_type='iceberg'"]


def test_contract_data_types_must_be_athena_types():
    node = model("gold", contract={"enforced": True})
    node["columns"] = {
        "a": {"name": "a", "data_type": "decimal(18, 2)"},
        "b": {"name": "b", "data_type": "varchar"},
        "c": {"name": "c", "data_type": "string"},
        "d": {"name": "d", "data_type": ""},
    }
    assert messages(node) == [
        "contract column c has data_type 'string', not an Athena (Trino) type",
        "contract column d has no data_type",
    ]
