"""The dbt layers a reviewer expects, read from the manifest of the session's tiny build:

- a source table is read by one model only, named for it (`stg_bronze__<table>` over bronze,
  `stg_<table>` over the model's outputs), which reads nothing else; no other model calls
  `source()`;
- every bronze entity of the landing contract has its 1:1 model, a view (so a filter on
  `extract_date` in the model reading it prunes bronze partitions on every engine), and then
  its checked table `int_<entity>__checked`;
- a model sets in `config()` only what no folder can (an incremental model's key and strategy,
  a post-hook): materialisation, contract, schema and tags come from `dbt_project.yml`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from finlake.contract import load_contract
from tests.conftest import DEV_TARGET_PATH
from tests.warehouse.warehouse import connect

REPO = Path(__file__).resolve().parents[2]
# What a folder of dbt_project.yml's `models:` block sets; a model repeating it inline hides
# the layer's convention from a reviewer reading the folder.
FOLDER_SETTINGS = ("materialized", "contract", "schema", "tags", "table_type", "s3_data_dir")
INLINE_ALLOWED = {"unique_key", "incremental_strategy", "on_schema_change", "post_hook"}


def manifest_models(lake) -> dict[str, dict]:
    manifest = json.loads((lake.root / DEV_TARGET_PATH / "manifest.json").read_text())
    return {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
    }


def source_readers(models: dict[str, dict]) -> dict[str, list[str]]:
    """model name -> the source tables it reads (`source.finlake.<source>.<table>`)."""
    return {
        name: [n for n in node["depends_on"]["nodes"] if n.startswith("source.")]
        for name, node in models.items()
        if any(n.startswith("source.") for n in node["depends_on"]["nodes"])
    }


def layering_problems(models: dict[str, dict]) -> list[str]:
    problems = []
    readers: dict[str, list[str]] = {}
    for name, sources in source_readers(models).items():
        if len(sources) != 1:
            problems.append(f"{name} reads {len(sources)} sources; a 1:1 model reads one")
            continue
        _, _, source, table = sources[0].split(".")
        readers.setdefault(f"{source}.{table}", []).append(name)
        expected = f"stg_bronze__{table}" if source == "bronze" else f"stg_{table}"
        if name != expected:
            problems.append(f"{name} reads source {source}.{table}; only {expected} may")
        if any(not n.startswith("source.") for n in models[name]["depends_on"]["nodes"]):
            problems.append(f"{name} reads a model too; a 1:1 model reads its source only")
    problems += [
        f"source {table} is read by {len(names)} models: {', '.join(sorted(names))}"
        for table, names in readers.items()
        if len(names) > 1
    ]
    for entity in load_contract().entities:
        staged, checked = f"stg_bronze__{entity}", f"int_{entity}__checked"
        if staged not in models or models[staged]["config"]["materialized"] != "view":
            problems.append(f"{staged}: the 1:1 view over bronze.{entity} is missing")
        elif (
            checked not in models
            or f"model.finlake.{staged}" not in (models[checked]["depends_on"]["nodes"])
        ):
            problems.append(f"{checked} does not read {staged}")
    return problems


def inline_config_problems(models_dir: Path) -> list[str]:
    problems = []
    for path in sorted(models_dir.rglob("*.sql")):
        text = path.read_text(encoding="utf-8")
        for call in re.finditer(r"config\((.*?)\)\s*}}", text, re.S):
            keys = set(re.findall(r"(\w+)\s*=", call[1]))
            incremental = "'incremental'" in call[1] and "unique_key" in keys
            folder_set = (keys & set(FOLDER_SETTINGS)) - (
                {"materialized"} if incremental else set()
            )
            if folder_set or keys - INLINE_ALLOWED - {"materialized"}:
                problems.append(
                    f"{path.relative_to(models_dir.parent)} sets {', '.join(sorted(keys))} "
                    "inline; set it on the folder (or the model) in dbt_project.yml"
                )
    return problems


def test_each_source_is_read_by_one_model_named_for_it(tiny_warehouse):
    assert layering_problems(manifest_models(tiny_warehouse)) == []


def test_a_model_reading_a_source_elsewhere_is_named(tiny_warehouse):
    """The check above fails on the old layout, where int_<entity>__checked read bronze."""
    models = manifest_models(tiny_warehouse)
    checked = json.loads(json.dumps(models["int_loans__checked"]))
    checked["depends_on"]["nodes"] = ["source.finlake.bronze.loans"]
    models["int_loans__checked"] = checked
    problems = layering_problems(models)
    assert "int_loans__checked reads source bronze.loans; only stg_bronze__loans may" in problems
    assert "int_loans__checked does not read stg_bronze__loans" in problems


def test_no_model_repeats_inline_what_its_folder_sets(tmp_path):
    assert inline_config_problems(REPO / "models") == []
    copy = tmp_path / "models"
    copy.mkdir()
    (copy / "int_x.sql").write_text("{{ config(materialized='table') }}\nselect 1 as x\n")
    (copy / "stg_y.sql").write_text(
        "{{\n    config(\n        materialized='incremental',\n        unique_key='id',\n"
        "    )\n}}\nselect 1 as id\n"
    )
    assert inline_config_problems(copy) == [
        "models/int_x.sql sets materialized inline; set it on the folder (or the model) in "
        "dbt_project.yml"
    ]


def test_a_filter_on_the_extract_date_prunes_bronze_through_the_1_to_1_view(tiny_warehouse):
    """DuckDB expands the view into the query and filters the hive-partitioned Parquet files:
    a model reading one extract date through stg_bronze__<entity> scans that date's files only
    (Trino and Athena expand views the same way; a window or aggregate in the view would stop
    the predicate, which is why the copy number is the checked model's)."""
    from tests.warehouse.warehouse import connect, rows

    with connect(tiny_warehouse) as con:
        for entity in load_contract().entities:
            (last,) = rows(con, f"select max(extract_date) from bronze.{entity}")[0]
            plan = "\n".join(
                text
                for _, text in rows(
                    con,
                    f"explain select count(*) from silver.stg_bronze__{entity} "
                    f"where extract_date = date '{last}'",
                )
            )
            scanned = re.search(r"Scanning Files: (\d+)/(\d+)", plan)
            assert scanned, f"no file filter in the plan of stg_bronze__{entity}: {plan}"
            assert int(scanned[1]) < int(scanned[2]), f"{entity}: {scanned[0]}"


# A mart's final CTE is the contract's select: `cast(<column> as <data_type>)` for each column of
# its YAML, written by finlake.declared_select, so a gold column's type is declared once.
CONTRACT_SELECT = re.compile(
    r"final as \(\{\{ finlake\.declared_select\('\w+'\) \}\}\)\s*select \* from final\s*$"
)
# Contracted marts that still cast by hand: their folders (models/gold/fraud, models/gold/
# regulatory) were being rewritten for incremental gold (issue 17) when the macro came; they move
# to it after that work lands, and this set empties.
CASTS_BY_HAND = {"fraud_alerts", "structuring_suspicions"}


def hand_written_final_selects(models: dict[str, dict]) -> list[str]:
    """Contracted models whose SQL does not end with the contract's select."""
    return sorted(
        name
        for name, node in models.items()
        if node["config"]["contract"]["enforced"] and not CONTRACT_SELECT.search(node["raw_code"])
    )


def test_every_contracted_mart_selects_its_final_columns_from_the_contract(tiny_warehouse):
    """Only the listed marts cast by hand; one that moves to the macro leaves the list."""
    assert hand_written_final_selects(manifest_models(tiny_warehouse)) == sorted(CASTS_BY_HAND)


def test_a_final_select_cast_by_hand_is_named(tiny_warehouse):
    """The check above fails on a mart as written before the macro (dim_accounts at 5fb15c6)."""
    models = json.loads(json.dumps(manifest_models(tiny_warehouse)))
    models["dim_accounts"]["raw_code"] = (
        "with accounts as (select * from {{ ref('stg_accounts') }}),\n\n"
        "final as (\n    select\n        cast(accounts.account_id as varchar) as account_id\n"
        "    from accounts\n)\n\nselect * from final\n"
    )
    assert hand_written_final_selects(models) == sorted(CASTS_BY_HAND | {"dim_accounts"})


def test_the_final_select_casts_each_contract_column_to_its_type(tiny_warehouse):
    """What declared_select compiled to on dev: the YAML's columns in order, each cast once."""
    manifest = json.loads((tiny_warehouse.root / DEV_TARGET_PATH / "manifest.json").read_text())
    node = manifest["nodes"]["model.finlake.dim_accounts"]
    final = node["compiled_code"].split("final as (", 1)[1]
    casts = re.findall(r"cast\((\w+) as ([^)]+\)?)\) as (\w+)", final)
    assert [(c, t) for c, t, alias in casts if c == alias] == [
        (c["name"], c["data_type"]) for c in node["columns"].values()
    ]


# A model ending with `final as ({{ finlake.declared_select('<cte>') }})`.
DECLARED_SELECT = re.compile(r"final as \(\{\{\s*finlake\.declared_select\('(\w+)'\)\s*\}\}\)")


def undeclared_columns(models: dict[str, dict], con) -> dict[str, list[str]]:
    """Per model ending with declared_select: the columns its CTE computes that its YAML does
    not declare. The macro selects only the declared ones, so a column computed but never
    declared would vanish from the table without a word; here DuckDB describes the CTE itself
    (the compiled query with `final` reading every column of it)."""
    import sqlglot

    found = {}
    for name, node in sorted(models.items()):
        relation = DECLARED_SELECT.search(node["raw_code"])
        if not relation:
            continue
        query = sqlglot.parse_one(node["compiled_code"], dialect="duckdb")
        (final,) = [cte for cte in query.find_all(sqlglot.exp.CTE) if cte.alias == "final"]
        final.set("this", sqlglot.select("*").from_(relation.group(1)))
        described = con.execute(f"describe {query.sql(dialect='duckdb')}").fetchall()
        declared = {column.lower() for column in node["columns"]}
        extra = [column for column, *_ in described if column.lower() not in declared]
        if extra:
            found[name] = extra
    return found


# Columns a CTE carries on purpose to the last one (through `*`) and the mart leaves out.
INTERMEDIATE = {
    # the inputs of probability_of_default, probability_source, risk_band and reason_<n>: the
    # mart publishes the resolved values, not the model's raw ones beside them
    "customer_risk": [
        "is_defaulted",
        "model_probability",
        "model_risk_band",
        "model_reason_1",
        "model_reason_2",
        "model_reason_3",
    ],
}


def test_no_model_computes_a_column_its_yaml_does_not_declare(tiny_warehouse):
    models = manifest_models(tiny_warehouse)
    assert sum(bool(DECLARED_SELECT.search(n["raw_code"])) for n in models.values()) >= 10
    with connect(tiny_warehouse) as con:
        assert undeclared_columns(models, con) == INTERMEDIATE


def test_a_computed_column_left_out_of_the_yaml_is_named(tiny_warehouse):
    """The check above fails when a YAML loses a column the SQL still computes."""
    models = json.loads(json.dumps(manifest_models(tiny_warehouse)))
    del models["dim_accounts"]["columns"]["opened_date"]
    with connect(tiny_warehouse) as con:
        assert undeclared_columns({"dim_accounts": models["dim_accounts"]}, con) == {
            "dim_accounts": ["opened_date"]
        }
