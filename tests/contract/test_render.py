"""Every file derived from the landing contract is what `finlake contract render` writes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from finlake.cli import main
from finlake.contract.render import ARTEFACTS, CONTRACT_PATH, render_project, rendered, stale
from finlake.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("artefact", ARTEFACTS, ids=lambda a: str(a.path))
def test_committed_file_is_its_rendering(artefact):
    committed = (REPO / artefact.path).read_text(encoding="utf-8")
    assert committed == rendered(REPO)[artefact.path], (
        f"{artefact.path} differs from what the landing contract gives; run finlake contract "
        "render and commit the result."
    )


def project_copy(tmp_path: Path) -> Path:
    """The files rendering reads and writes, copied (not the whole project)."""
    shutil.copytree(REPO / "models", tmp_path / "models")
    for relative in [CONTRACT_PATH, *(a.path for a in ARTEFACTS)]:
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO / relative, tmp_path / relative)
    return tmp_path


def add_to_contract(project: Path, text: str) -> None:
    contract = project / CONTRACT_PATH
    contract.write_text(contract.read_text(encoding="utf-8") + text, encoding="utf-8")


NEW_ENTITY = """
  standing_orders:
    key: [order_id]
    version_column: updated_at
    columns:
      order_id:    {type: string, required: true}
      account_id:  {type: string, required: true, references: accounts.account_id}
      payee_name:  {type: string, pii: true}
      amount:      {type: decimal(18,2), required: true}
      updated_at:  {type: timestamp, required: true}
"""


def test_an_entity_added_to_the_contract_makes_every_derived_file_stale(tmp_path, capsys):
    project = project_copy(tmp_path)
    assert stale(project) == []
    add_to_contract(project, NEW_ENTITY)
    assert stale(project) == [a.path for a in ARTEFACTS]

    assert main(["contract", "render", "--check", "--project", str(project)]) == 1
    err = capsys.readouterr().err
    assert "models/silver/_sources.yml differs from the landing contract" in err
    assert "run finlake contract render" in err

    assert main(["contract", "render", "--project", str(project)]) == 0
    assert stale(project) == []
    sources = yaml.safe_load((project / "models/silver/_sources.yml").read_text())
    bronze = next(s for s in sources["sources"] if s["name"] == "bronze")
    table = next(t for t in bronze["tables"] if t["name"] == "standing_orders")
    names = [c["name"] for c in table["columns"]]
    assert names[:6] == [
        "order_id",
        "account_id",
        "payee_name",
        "amount",
        "updated_at",
        "payee_name_token",
    ]
    assert [s["name"] for s in sources["sources"]] == ["bronze", "ml"]  # the rest is kept
    rendered_tf = project / "terraform/modules/catalog/contract.tf"
    terraform = rendered_tf.read_text()
    assert "standing_orders = [" in terraform
    fmt = subprocess.run(
        [str(Path(sys.executable).with_name("terraform")), "fmt", "-check", str(rendered_tf)],
        capture_output=True,
        text=True,
        env={**os.environ, "CHECKPOINT_DISABLE": "1"},
    )
    assert fmt.returncode == 0, f"the rendering is not terraform fmt clean: {fmt.stdout}"
    assert '{ name = "payee_name", type = "string", pii = true,' in terraform
    quarantine = (project / "models/silver/quality/quarantine.yml").read_text()
    assert "loan_payments, standing_orders]" in quarantine
    for model in ("int_standing_orders__checked", "stg_standing_orders"):
        assert (project / "models/silver/standing_orders" / f"{model}.yml").is_file()
    one_to_one = project / "models/silver/bronze/stg_bronze__standing_orders"
    assert "typed_bronze_model('standing_orders')" in one_to_one.with_suffix(".sql").read_text()
    assert "payee_name_token" in one_to_one.with_suffix(".yml").read_text()


def test_a_column_added_to_an_entity_makes_the_files_listing_columns_stale(tmp_path):
    project = project_copy(tmp_path)
    contract = project / CONTRACT_PATH
    text = contract.read_text(encoding="utf-8")
    marker = "      payment_method:"
    assert marker in text
    contract.write_text(
        text.replace(marker, "      late_fee:          {type: decimal(18,2)}\n" + marker, 1),
        encoding="utf-8",
    )
    assert stale(project) == [
        Path("macros/contract/landing_contract.sql"),
        Path("models/silver/_sources.yml"),
        Path("terraform/modules/catalog/contract.tf"),
    ]


def test_starting_yaml_is_written_once_and_never_overwritten(tmp_path):
    project = project_copy(tmp_path)
    add_to_contract(project, NEW_ENTITY)
    _, new = render_project(project)
    assert [path.name for path in new] == [
        "int_standing_orders__checked.yml",
        "stg_standing_orders.yml",
        "stg_bronze__standing_orders.sql",
        "stg_bronze__standing_orders.yml",
    ]
    mine = project / new[0]
    mine.write_text("version: 2\nmodels: []\n", encoding="utf-8")
    changed, new_again = render_project(project)
    assert (changed, new_again) == ([], [])
    assert mine.read_text() == "version: 2\nmodels: []\n"


def test_a_broken_contract_leaves_every_file_as_it_was(tmp_path):
    project = project_copy(tmp_path)
    before = {a.path: (project / a.path).read_text() for a in ARTEFACTS}
    add_to_contract(
        project, "  broken:\n    key: [id]\n    columns:\n      id: {type: decimal(18}\n"
    )
    with pytest.raises(ConfigError, match="decimal"):
        render_project(project)
    assert {a.path: (project / a.path).read_text() for a in ARTEFACTS} == before


def glue_type_of_arrow(arrow_type) -> str:
    import pyarrow as pa

    if pa.types.is_string(arrow_type):
        return "string"
    if pa.types.is_int64(arrow_type):
        return "bigint"
    if pa.types.is_int32(arrow_type):
        return "int"
    if pa.types.is_timestamp(arrow_type):
        return "timestamp"
    if pa.types.is_date32(arrow_type):
        return "date"
    raise AssertionError(f"no Glue type for {arrow_type}")


def glue_type_of_spark(spark_type) -> str:
    return {"StringType": "string", "LongType": "bigint", "TimestampType": "timestamp"}[
        type(spark_type).__name__
    ]


def test_bronze_layout_is_what_ingestion_writes():
    """Names and types of every bronze column, as the ingestion job's own schemas declare them
    (its Spark schema of entity files, its Arrow schemas of _malformed and the ledger)."""
    from finlake.contract import bronze, load_contract
    from ingestion import schemas

    def declared(columns):
        return [(c.name, c.type) for c in columns]

    assert declared(bronze.MALFORMED_COLUMNS) == [
        (f.name, glue_type_of_arrow(f.type)) for f in schemas.MALFORMED_ARROW
    ]
    assert declared(bronze.LOAD_LOG_COLUMNS) == [
        (f.name, glue_type_of_arrow(f.type)) for f in schemas.LEDGER_ARROW
    ]
    for entity in load_contract().entities.values():
        written = [(f.name, glue_type_of_spark(f.dataType)) for f in schemas.bronze_schema(entity)]
        assert declared([*bronze.entity_columns(entity), *bronze.LOAD_COLUMNS]) == written
