"""Athena DDL to Trino, on the statements dbt-athena 1.11.1 sends (copied from its macros)."""

from __future__ import annotations

import pytest

from tools.athena_run.translate import (
    UnsupportedStatement,
    translate,
    vacuum_age_setting,
    vacuum_table,
)

COMMENT = '-- /* {"app": "dbt", "node_id": "model.finlake.x"} */\n'


def test_iceberg_ctas_keeps_location_and_partitioning_and_drops_athena_only_properties():
    sql = (
        COMMENT
        + 'create table "awsdatacatalog"."s"."t"\n    with (\n      table_type=\'iceberg\',\n'
        "      is_external=false,\n      location='s3://lake/silver/s/t/0a1b',\n"
        "      partitioning=ARRAY['month(transaction_date)'],\n      format='parquet'\n    )\n"
        "    as\n      select 1 as a"
    )
    (statement,) = translate(sql).statements
    assert statement.startswith('create table "awsdatacatalog"."s"."t" with (')
    assert "location = 's3://lake/silver/s/t/0a1b'" in statement
    assert "partitioning = ARRAY['month(transaction_date)']" in statement
    assert "format = 'PARQUET'" in statement
    assert "table_type" not in statement and "is_external" not in statement
    assert statement.endswith("select 1 as a")


def test_hive_ctas_of_a_unit_test_becomes_an_iceberg_ctas():
    # dbt-athena's unit test materialisation, as it sent it on the first full build
    translation = translate(
        'create table "awsdatacatalog"."finlake_ci_silver"."t__dbt_tmp"\n'
        "    with (\n      table_type='hive',\n      is_external=true,\n"
        "      format='parquet'\n    )\n    as\n      select 1 as a"
    )
    (statement,) = translation.statements
    assert statement.startswith('create table "awsdatacatalog"."finlake_ci_silver"."t__dbt_tmp"')
    assert "format = 'PARQUET'" in statement
    assert "table_type" not in statement and "is_external" not in statement
    assert statement.endswith("select 1 as a")


def test_ctas_with_a_property_trino_has_not_is_refused_not_changed():
    with pytest.raises(UnsupportedStatement, match="field_delimiter"):
        translate("create table s.t with (table_type='hive', field_delimiter=',') as select 1")
    with pytest.raises(UnsupportedStatement, match="table_type=delta"):
        translate("create table s.t with (table_type='delta') as select 1")


def test_csv_staging_table_of_a_seed_becomes_a_hive_table():
    sql = (
        "create external table `ref`.`mcc__dbt_tmp` (`code` string, `label` string)\n"
        "    row format serde 'org.apache.hadoop.hive.serde2.OpenCSVSerde'\n"
        "    location 's3://lake/silver/ref/mcc__dbt_tmp'\n"
        "    tblproperties (\n      'skip.header.line.count'='1'\n    )"
    )
    (statement,) = translate(sql).statements
    assert statement == (
        'create table awsdatacatalog_hive."ref"."mcc__dbt_tmp" ("code" varchar, "label" varchar) '
        "with (format = 'CSV', external_location = 's3://lake/silver/ref/mcc__dbt_tmp', "
        "skip_header_line_count = 1)"
    )


def test_rename_with_backticks():
    (statement,) = translate("alter table `s`.`t__ha` rename to `s`.`t`").statements
    assert statement == 'alter table "s"."t__ha" rename to "s"."t"'


def test_maintenance_statements():
    (optimize,) = translate(
        "optimize s.t rewrite data using bin_pack where d > date '2024-01-01'"
    ).statements
    assert optimize == "alter table s.t execute optimize where d > date '2024-01-01'"
    expire, orphans = translate("vacuum s.t").statements
    assert "expire_snapshots" in expire and "remove_orphan_files" in orphans
    # Athena's default snapshot age (5 days), unless the table sets its own.
    assert "retention_threshold => '432000s'" in expire
    (statement,) = translate("vacuum s.t", vacuum_retention="0s").statements[:1]
    assert "retention_threshold => '0s'" in statement


def test_vacuum_age_set_on_a_table_is_read_back_for_its_vacuum():
    setting = "alter table `S`.`T` set tblproperties ('vacuum_max_snapshot_age_seconds' = '86400')"
    assert vacuum_age_setting(setting) == ("s.t", 86400)
    assert translate(setting).statements == ()
    assert vacuum_table('vacuum "awsdatacatalog"."s"."t"') == "s.t"
    assert (
        vacuum_age_setting("alter table s.t set tblproperties ('classification' = 'csv')") is None
    )


def test_queries_go_unchanged_but_for_a_trailing_semicolon():
    assert translate("select 'x';").statements == ("select 'x'",)
    merge = "merge into s.t as target using s.t__dbt_tmp as src on target.k = src.k when matched then update set v = src.v"
    assert translate(merge).statements == (merge,)
    assert translate(merge).kind == "DML"


def test_a_view_written_by_trino_gets_the_storage_descriptor_athena_writes():
    import base64
    import json

    from tools.athena_run.facade import _view_with_its_columns

    definition = {
        "originalSql": "select 1",
        "columns": [
            {"name": "amount", "type": "decimal(18,2)"},
            {"name": "name", "type": "varchar"},
        ],
    }
    encoded = base64.b64encode(json.dumps(definition).encode()).decode()
    request = {
        "DatabaseName": "gold",
        "TableInput": {
            "Name": "v",
            "TableType": "VIRTUAL_VIEW",
            "ViewOriginalText": f"/* Presto View: {encoded} */",
        },
    }
    written = json.loads(_view_with_its_columns(json.dumps(request).encode()))
    descriptor = written["TableInput"]["StorageDescriptor"]
    assert descriptor["Location"] == ""
    assert [(c["Name"], c["Type"]) for c in descriptor["Columns"]] == [
        ("amount", "decimal(18,2)"),
        ("name", "string"),
    ]
    table = {"DatabaseName": "gold", "TableInput": {"Name": "t", "TableType": "EXTERNAL_TABLE"}}
    assert _view_with_its_columns(json.dumps(table).encode()) == json.dumps(table).encode()
