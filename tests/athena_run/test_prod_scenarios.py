"""The prod target (dbt-athena) run for real on the offline Athena, scenario by scenario.

Each scenario is the README's AWS runbook step it names, run with dbt-athena's own
materialisations against moto's Glue and S3 with Trino as the engine (tools/athena_run). After
each: every Glue table of silver, gold and reference points at Iceberg metadata that exists, and
(first build) every silver, gold and reference table equals the dev (DuckDB) build of the same
bronze, compared as `make parity` compares them (finlake/parity.py).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import yaml

from finlake.parity import compare, read_duckdb, read_trino
from ingestion.pii import DEV_KEY
from tests.athena_run.conftest import TIMINGS
from tests.lake_copy import copy_lake
from tools.athena_run.stack import glue_tables, s3_keys
from tools.athena_run.translate import ICEBERG_CATALOG

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.offline_athena

BUILT_LAYERS = ("silver", "gold", "reference")


def dbt(account, args, work: Path, label: str, on_start=None):
    started = time.perf_counter()
    done = account.dbt(args, work, work / f"target-{label}", on_start=on_start)
    TIMINGS[label] = (
        f"{time.perf_counter() - started:.0f}s (dbt {' '.join(args)}: exit {done.returncode})"
    )
    return done


def failures(output: str) -> str:
    keep = [line for line in output.splitlines() if re.search(r"ERROR|Error|FAIL", line)]
    return "\n".join(keep[-40:])


def assert_glue_tables_point_at_metadata(account) -> None:
    lake = account.names.lake_bucket
    keys = s3_keys(account)
    problems = []
    for layer in BUILT_LAYERS:
        for name, table in glue_tables(account, layer).items():
            if table.get("TableType") == "VIRTUAL_VIEW":
                continue
            metadata = table.get("Parameters", {}).get("metadata_location", "")
            if not metadata.startswith(f"s3://{lake}/"):
                problems.append(f"{layer}.{name}: metadata_location {metadata!r}")
            elif metadata.removeprefix(f"s3://{lake}/") not in keys:
                problems.append(f"{layer}.{name}: {metadata} does not exist")
    assert not problems, "Glue tables without their metadata:\n" + "\n".join(problems)


@pytest.fixture(scope="module")
def prod_lake(account, tiny_warehouse, tmp_path_factory):
    """The tiny preset's bronze in the account, and the dev build of the same bronze."""
    lake = copy_lake(tiny_warehouse, tmp_path_factory.mktemp("athena-lake") / "lake")
    account.load_bronze(lake.root)
    return lake


def ml_source_tables() -> list[str]:
    """The tables of the `ml` source in models/silver/_sources.yml."""
    sources = yaml.safe_load((REPO / "models" / "silver" / "_sources.yml").read_text())["sources"]
    return [
        table["name"] for source in sources if source["name"] == "ml" for table in source["tables"]
    ]


@pytest.fixture(scope="module")
def first_build(account, prod_lake, tmp_path_factory):
    """Runbook: bootstrap, then `finlake build --target prod` into an empty account. The
    tokens are bronze's (made by the ingestion job), so the build needs no key: FINLAKE_PII_KEY
    is still set to a random secret, as a bank's environment might, to prove none reaches SQL."""
    work = tmp_path_factory.mktemp("athena-work")
    account.reset_recording()
    bootstrap = dbt(account, ["run-operation", "bootstrap_lake_tables"], work, "bootstrap")
    assert bootstrap.returncode == 0, failures(bootstrap.stdout)
    built = dbt(account, ["build"], work, "full build into an empty account")
    return work, built


def test_first_build_into_an_empty_account_succeeds(first_build):
    _, built = first_build
    assert built.returncode == 0, failures(built.stdout)


def test_first_build_registers_every_table_with_its_metadata(account, first_build):
    assert_glue_tables_point_at_metadata(account)


def test_first_build_equals_the_dev_build(account, prod_lake, first_build):
    prefix = f"{account.names.database('')}"
    schemas = [account.names.database(layer) for layer in BUILT_LAYERS]
    on_athena = {
        name.replace(prefix, "", 1): table
        for name, table in read_trino(
            account.trino.host, account.trino.port, ICEBERG_CATALOG, schemas
        ).items()
    }
    # The ml source's tables (scores, monitoring) are bootstrapped Iceberg tables on prod and
    # views on dev: written by the notebook, not build outputs.
    for table in ml_source_tables():
        on_athena.pop(f"gold.{table}", None)
    on_dev = read_duckdb(prod_lake.warehouse, list(BUILT_LAYERS))
    report = compare(on_dev, on_athena, "dev", "athena")
    assert report.ok, report.describe(verbose=False)


def test_no_statement_holds_key_material(account, first_build):
    derived = set()
    # the environment's key, and the development key bronze's tokens were made with
    for raw in (bytes.fromhex(account.pii_key), DEV_KEY):
        derived |= {raw.hex(), raw.decode("latin-1").lower()}
        for pad in (0x36, 0x5C):  # HMAC's inner and outer pads, applied to the zero-padded key
            derived.add(bytes(b ^ pad for b in raw.ljust(64, b"\0")).hex())
    found = [
        statement[:120]
        for statement in account.facade.statements
        if any(d in statement.lower() for d in derived)
    ]
    assert not found, f"{len(found)} statements sent to Athena hold the PII key, e.g. {found[0]}"


def test_interrupted_full_refresh_leaves_the_live_table_whole(account, first_build):
    """Runbook: `finlake build --target prod -- --full-refresh --select <incremental>`, stopped
    mid-way. The live table must keep every object and answer with the same rows."""
    work, built = first_build
    assert built.returncode == 0, failures(built.stdout)
    silver = account.names.database("silver")
    table = glue_tables(account, "silver")["stg_loan_payments"]
    location = table["StorageDescriptor"]["Location"]
    prefix = location.split(f"{account.names.lake_bucket}/", 1)[1].rstrip("/") + "/"
    before = s3_keys(account, prefix)
    assert before, f"no objects under {location}"
    import trino

    def count() -> int:
        cursor = trino.dbapi.connect(
            host=account.trino.host, port=account.trino.port, user="t", catalog=ICEBERG_CATALOG
        ).cursor()
        cursor.execute(f'select count(*) from "{silver}"."stg_loan_payments"')
        return cursor.fetchone()[0]

    rows = count()
    seen = len(account.facade.statements)
    # Stop the run at its first rename: the new table is built, the swap has not happened.
    account.facade.fail_when = lambda statement: " rename to " in statement.lower()
    try:
        done = dbt(
            account,
            ["run", "--full-refresh", "--select", "stg_loan_payments"],
            work,
            "full refresh of stg_loan_payments, interrupted",
        )
    finally:
        account.facade.fail_when = None
    assert done.returncode != 0, "the interruption did not happen"
    assert len(account.facade.statements) > seen
    missing = sorted(before - s3_keys(account, prefix))
    assert not missing, f"{len(missing)} objects of the live table were deleted, e.g. {missing[:3]}"
    assert count() == rows
    # And a re-run completes the refresh.
    again = dbt(
        account,
        ["run", "--full-refresh", "--select", "stg_loan_payments"],
        work,
        "full refresh of stg_loan_payments, re-run",
    )
    assert again.returncode == 0, failures(again.stdout)
    assert count() == rows
    assert_glue_tables_point_at_metadata(account)


# Calls the emulation makes that Athena does not: Trino's Hive connector deletes a table's Glue
# column statistics itself when it drops one (Glue drops them with the table).
ENGINE_ONLY = {"glue:DeleteColumnStatisticsForTable"}
# Open finding (tools/athena_run/README.md): dbt-athena lists <s3_data_dir>/<schema>/<unit
# test>__dbt_tmp/<uuid>/ to clean up a unit test's temporary table, outside the zone folders
# the transformation role may list.
UNIT_TEST_CLEANUP = re.compile(r"^finlake_ci_[a-z]+/test_[a-z0-9_]+__dbt_tmp/")


def test_every_call_of_the_scenarios_is_allowed_to_its_role(account, first_build):
    """Least privilege, checked on the scenarios' own calls (tools/athena_run/iam.py): every
    Glue, S3 and STS request of dbt, of the engine acting for it and of the bronze upload,
    against the policy terraform/modules/access_roles gives the actor's role."""
    from tools.athena_run.iam import CHECKED_ROLES, allowed, recorded_calls, role_statements

    policies = {role: role_statements(role, account.names) for role in CHECKED_ROLES}
    calls = recorded_calls(account.recording(), account.names)
    denied = sorted(
        {
            f"{call.action} on {', '.join(call.resources)} (prefix {call.prefix!r}) "
            f"denied to role {call.actor}"
            for call in calls
            if call.action not in ENGINE_ONLY
            and not (call.action == "s3:ListBucket" and UNIT_TEST_CLEANUP.match(call.prefix or ""))
            and not allowed(call, policies[call.actor])
        }
    )
    assert len(calls) > 1000, f"only {len(calls)} calls recorded"
    assert not denied, f"{len(denied)} calls denied:\n" + "\n".join(denied[:20])
