"""docs/add-a-landing-entity.md, followed end to end with its sixth entity (standing orders).

In a copy of the dbt project: the contract snippet and the two SQL files are taken from the
guide's code blocks (a block whose info string names a file), `finlake contract render` runs,
a small landing file with good and bad lines is ingested by the Spark job into a copy of the
session's built tiny lake, and dbt builds the new models and the quality models on DuckDB. The
entity must reach silver, the quarantine and the reconciliation, with every line accounted for.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest

from finlake.cli import main
from finlake.contract import FILE_NAME_PATTERN
from finlake.contract.render import CONTRACT_PATH, project_contract
from tests.lake_copy import copy_lake

REPO = Path(__file__).resolve().parents[2]
GUIDE = REPO / "docs" / "add-a-landing-entity.md"
ENTITY = "standing_orders"
# What a dbt build of the project reads; the rest of the clone plays no part.
PROJECT_PARTS = [
    "dbt_project.yml",
    "profiles.yml.example",
    "models",
    "macros",
    "seeds",
    "tests/dbt",
]
BLOCK = re.compile(r"^```(?P<lang>\w+) (?P<path>\S+)\n(?P<body>.*?)^```$", re.M | re.S)


def guide_files() -> dict[str, str]:
    """The guide's code blocks that name a file: path -> text."""
    return {m["path"]: m["body"] for m in BLOCK.finditer(GUIDE.read_text(encoding="utf-8"))}


def test_the_guide_asks_for_one_yaml_edit_and_two_sql_files():
    files = guide_files()
    assert list(files) == [
        str(CONTRACT_PATH),
        f"models/silver/{ENTITY}/int_{ENTITY}__checked.sql",
        f"models/silver/{ENTITY}/stg_{ENTITY}.sql",
    ]
    assert "```sh\nfinlake contract render\n```" in GUIDE.read_text(encoding="utf-8")


def project_copy(target: Path) -> Path:
    for part in PROJECT_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            (target / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target / part)
    (target / CONTRACT_PATH).parent.mkdir(parents=True)
    shutil.copyfile(REPO / CONTRACT_PATH, target / CONTRACT_PATH)
    shutil.copytree(
        REPO / "terraform" / "modules" / "catalog", target / "terraform/modules/catalog"
    )
    return target


def follow_the_guide(project: Path) -> None:
    files = guide_files()
    contract = project / CONTRACT_PATH
    contract.write_text(
        contract.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + files.pop(str(CONTRACT_PATH)),
        encoding="utf-8",
    )
    assert main(["contract", "render", "--project", str(project)]) == 0
    for path, text in files.items():
        (project / path).parent.mkdir(parents=True, exist_ok=True)
        (project / path).write_text(text, encoding="utf-8")


def dbt(project: Path, lake: Path, args: list[str]) -> None:
    """dbt in-process on the dev target over `lake`, as finlake build runs it."""
    from dbt.cli.main import dbtRunner

    from finlake.build import dbt_process

    profiles = lake / ".dbt"
    profiles.mkdir(exist_ok=True)
    shutil.copyfile(project / "profiles.yml.example", profiles / "profiles.yml")
    env = {"FINLAKE_LAKE": str(lake), "FINLAKE_TARGET": "dev", "FINLAKE_WAREHOUSE": None}
    with dbt_process(project, env):
        outcome = dbtRunner().invoke(
            [
                *args,
                "--project-dir",
                str(project),
                "--profiles-dir",
                str(profiles),
                "--target",
                "dev",
                "--quiet",
                "--target-path",
                str(project / "target"),
            ]
        )
    failed = [
        f"{r.node.name}: {r.message}"
        for r in (outcome.result or [])
        if str(r.status) in ("error", "fail")
    ]
    assert outcome.success and not failed, failed or outcome.exception


def test_a_sixth_entity_added_by_the_guide_is_built_and_reconciled(tiny_warehouse, spark, tmp_path):
    from ingestion.load import load_landing as ingest
    from ingestion.report import raise_for_problems

    project = project_copy(tmp_path / "project")
    follow_the_guide(project)
    contract = project_contract(project)
    assert ENTITY in contract.entities

    lake = copy_lake(tiny_warehouse, tmp_path / "lake")
    with duckdb.connect(str(lake.warehouse), read_only=True) as db:
        schema = db.execute(
            "select table_schema from information_schema.tables where table_name = 'stg_accounts'"
        ).fetchone()[0]
        account = db.execute(f"select min(account_id) from {schema}.stg_accounts").fetchone()[0]
    day = max(  # the latest extract date delivered
        FILE_NAME_PATTERN.match(p.name)["date"] for p in (lake.landing / "accounts").glob("*.csv")
    )
    stamp = f"{day[:4]}-{day[4:6]}-{day[6:]}T08:00:00Z"
    landing = lake.landing / ENTITY
    landing.mkdir()
    (landing / f"{ENTITY}_{day}.csv").write_text(
        "order_id,account_id,frequency,payment_amount,next_run_date,updated_at\n"
        f"SO1,{account},monthly,250.00,,{stamp}\n"
        f"SO2,{account},weekly,12.50,,{stamp}\n"
        f"SO3,{account},fortnightly,40.00,,{stamp}\n"  # not an allowed frequency
        f"SO4,A99999999,monthly,10.00,,{stamp}\n"  # an account never delivered
        f"SO1,{account},monthly,250.00,,{stamp}\n",  # sent twice
        encoding="utf-8",
    )
    report = ingest(spark, str(lake.landing), str(lake.bronze), [ENTITY], contract=contract)
    raise_for_problems(report, str(lake.load_log))

    dbt(
        project,
        lake.root,
        [
            "build",
            "--select",
            f"stg_bronze__{ENTITY}",
            f"int_{ENTITY}__checked",
            f"stg_{ENTITY}",
            "quarantine",
            "pass_rates",
            "reconciliation",
        ],
    )

    with duckdb.connect(str(lake.warehouse), read_only=True) as db:
        silver = db.execute(f"select order_id from {schema}.stg_{ENTITY} order by 1").fetchall()
        held = db.execute(
            f"select business_key, primary_reason_code from {schema}.quarantine "
            f"where entity = '{ENTITY}' order by 1"
        ).fetchall()
        reconciled = db.execute(
            f"select * from {schema}.reconciliation where entity = '{ENTITY}'"
        ).fetchdf()
    assert silver == [("SO1",), ("SO2",)]
    assert [key for key, _ in held] == ["SO3", "SO4"]
    assert {code for _, code in held} == {"invalid_enum", "orphan_key"}
    assert len(reconciled) == 1
    row = reconciled.iloc[0]
    assert (row["landed_records"], row["silver_rows"], row["quarantined_rows"]) == (5, 2, 2)
    assert row["exact_duplicate_rows"] == 1
    assert bool(row["is_balanced"])


@pytest.fixture(autouse=True)
def _no_stray_contract_cache():
    """The copy's contract is read by path; the package's own stays the one other tests see."""
    yield
    from finlake.contract import load_contract

    assert "standing_orders" not in load_contract().entities
