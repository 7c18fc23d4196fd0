"""The prod target (dbt-athena) run for real on the offline Athena, scenario by scenario.

The scenarios are the README's AWS runbook, in its order, on one emulated account (each builds
on the last; tools/athena_run). The builds go through write-audit-publish, as `finlake build
--target prod` runs them (macros/publish/, FINLAKE_WRITE_AUDIT_PUBLISH on by default): each
builds the slot consumers do not read (`<database>__blue` / `__green`, Terraform's slot
databases) and re-points the views of silver, gold and reference at it only when all of it
passed.

  1. bootstrap, then a full build into an empty account, with bronze as the Glue job leaves it
     after every extract but the last day's; no model scores exist yet; slot blue published;
  2. a build that fails (Athena refuses every gold table of it), the last day delivered, a
     build killed (SIGKILL) mid-way, then run again: after the failed and the killed build,
     consumers read exactly what they read before (slot blue, the same rows); the re-run
     merges the day into slot green's incremental models and publishes green;
  3. the Iceberg maintenance operation (macros/maintenance/iceberg_maintenance.sql), on both
     slots' tables;
  4. `--full-refresh` of each incremental model of the live slot (the rename swap on the tables
     consumers read), then one stopped at its `create table` and run again (issue 13, defect 2);
  5. the notebook's scores written to the Glue Iceberg table (ml/publish_scores.py, as the ML
     role), then the build of the models that read them, in the live slot;
  and, over every call all of them made, the IAM check and the key check.

After each: every live Glue table (of the published slot) of silver, gold and reference points
at Iceberg metadata that exists and every data file of its current snapshot exists; no object
under a live table's location was deleted by a failed or interrupted step; and silver and gold,
read through the published views, equal the dev (DuckDB) build of the same bronze, compared as
`make parity` compares them (finlake/parity.py).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from pathlib import Path

import pytest
import yaml

from finlake.parity import compare, read_duckdb, read_trino
from ingestion.pii import DEV_KEY
from tests.athena_run.conftest import TIMINGS
from tests.lake_copy import copy_lake
from tools.athena_check.moto_server import DUMMY_CREDENTIALS
from tools.athena_run.stack import ACTOR_KEYS, extract_dates, glue_tables, s3_keys
from tools.athena_run.translate import ICEBERG_CATALOG, strip_comments

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.offline_athena

BUILT_LAYERS = ("silver", "gold", "reference")
INCREMENTAL = ("stg_transactions", "stg_loan_payments")
# `dbt build` without its data tests and unit tests: the builds before step 2's last one, whose
# tests run there, over the same models (a build's tests are over half its time).
MODELS_AND_SEEDS = ("build", "--exclude-resource-type", "test", "unit_test")
# Tables an interrupted materialisation leaves behind; dbt-athena drops them on the next run.
LEFTOVER = re.compile(r"__(dbt_tmp|bkp|ha)$")


# -- helpers ---------------------------------------------------------------------------------


def dbt(account, args, work: Path, label: str, on_start=None, publish: bool = False):
    """`dbt <args> --target prod` (with `publish`: `dbt build <args>` written, audited and
    published as `finlake build --target prod` does it), timed under `label`. Every step shares
    one target folder, so dbt parses the project once and reuses it (partial parsing), as a
    runner's checkout would."""
    started, offset = time.perf_counter(), recording_size(account)
    athena = len(account.facade.calls)
    done = account.dbt(args, work, work / "target", on_start=on_start, publish=publish)
    how = "finlake build, dbt build" if publish else "dbt"
    TIMINGS[label] = (
        f"{time.perf_counter() - started:.0f}s, {aws_calls(account, offset)} AWS calls, "
        f"{polls(account, athena)} query status polls "
        f"({how} {' '.join(args)}: exit {done.returncode})"
    )
    (work / f"{label.replace(' ', '-').replace(',', '')}.log").write_text(done.stdout)
    return done


def polls(account, offset: int) -> int:
    """GetQueryExecution calls dbt-athena made since the facade's `offset`-th call."""
    return sum(c["action"] == "GetQueryExecution" for c in account.facade.calls[offset:])


def recording_size(account) -> int:
    return account.recording().stat().st_size if account.recording().exists() else 0


def aws_calls(account, offset: int) -> int:
    """Glue, S3 and STS calls of the checked roles recorded since `offset`: what the IAM check
    (test_every_call_of_the_scenarios_is_allowed_to_its_role) judges."""
    from tools.athena_run.iam import recorded_calls

    time.sleep(0.2)  # moto writes its recording after answering
    try:
        return len(recorded_calls(account.recording(), account.names, offset))
    except (ValueError, KeyError, TypeError):  # a figure for the summary only, never a failure
        return -1


def failures(output: str) -> str:
    keep = [line for line in output.splitlines() if re.search(r"ERROR|Error|FAIL", line)]
    return "\n".join(keep[-40:])


def cursor(account):
    import trino

    return trino.dbapi.connect(
        host=account.trino.host, port=account.trino.port, user="t", catalog=ICEBERG_CATALOG
    ).cursor()


def query(account, sql: str) -> list[tuple]:
    handle = cursor(account)
    handle.execute(sql)
    return handle.fetchall()


def lake_key(account, uri: str) -> str:
    return uri.split(f"s3://{account.names.lake_bucket}/", 1)[1]


def published_slot(account) -> str:
    """The slot the published views read (the gold database's `finlake_publication`)."""
    gold = account.names.database("gold")
    ((slot, state),) = query(account, f'select slot, state from "{gold}".finlake_publication')
    assert state == "published", f"the publication of slot {slot} is {state}"
    return slot


def other_slot(slot: str) -> str:
    return "green" if slot == "blue" else "blue"


def slot_tables(account, layer: str, slot: str) -> dict[str, dict]:
    """Every Glue table of a layer's slot database, by name."""
    glue = account.client("glue")
    tables: dict[str, dict] = {}
    database = account.names.slot_database(layer, slot)
    for page in glue.get_paginator("get_tables").paginate(DatabaseName=database):
        tables.update({table["Name"]: table for table in page["TableList"]})
    return tables


def live_tables(account) -> dict[tuple[str, str], dict]:
    """Every Iceberg table of silver, gold and reference that a reader queries through the
    published views (the published slot's tables, not an interrupted materialisation's
    leftover), by (layer, name)."""
    slot = published_slot(account)
    return {
        (layer, name): table
        for layer in BUILT_LAYERS
        for name, table in slot_tables(account, layer, slot).items()
        if table.get("TableType") != "VIRTUAL_VIEW" and not LEFTOVER.search(name)
    }


def read_published(account, layers) -> dict:
    """Every table of the layers as consumers read them, through the published views (parity's
    read_trino, which finds the publication in FINLAKE_GOLD_SCHEMA), by `<layer>.<table>`."""
    prefix = account.names.database("")
    schemas = [account.names.database(layer) for layer in layers]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FINLAKE_GOLD_SCHEMA", account.names.database("gold"))
        tables = read_trino(account.trino.host, account.trino.port, ICEBERG_CATALOG, schemas)
    return {name.replace(prefix, "", 1): table for name, table in tables.items()}


def assert_live_tables_whole(account) -> None:
    """Every live table's metadata_location exists, and so does every data file of its
    current snapshot (read from the table's own `$files`)."""
    keys = s3_keys(account)
    problems = []
    for (layer, name), table in sorted(live_tables(account).items()):
        metadata = table.get("Parameters", {}).get("metadata_location", "")
        if not metadata.startswith(f"s3://{account.names.lake_bucket}/"):
            problems.append(f"{layer}.{name}: metadata_location {metadata!r}")
            continue
        if lake_key(account, metadata) not in keys:
            problems.append(f"{layer}.{name}: {metadata} does not exist")
            continue
        schema = table["DatabaseName"]
        files = query(account, f'select file_path from "{schema}"."{name}$files"')
        missing = [f for (f,) in files if lake_key(account, f) not in keys]
        if missing:
            problems.append(f"{layer}.{name}: {len(missing)} data files missing, e.g. {missing[0]}")
    assert not problems, "Glue tables without their metadata or data:\n" + "\n".join(problems)


def locations(account) -> dict[tuple[str, str], str]:
    return {
        key: lake_key(account, table["StorageDescriptor"]["Location"]).rstrip("/") + "/"
        for key, table in live_tables(account).items()
    }


def deleted_under_live_locations(account, before_keys: set[str], before_locations) -> list[str]:
    """Objects that were under a table's location before a step and are gone after it, for
    every table still live at that location after the step."""
    after = s3_keys(account)
    gone = []
    for key, location in locations(account).items():
        if before_locations.get(key) != location:
            continue  # swapped in by the step: its location is new
        gone += sorted(k for k in before_keys if k.startswith(location) and k not in after)
    return gone


def wait_for_queries(account, timeout: float = 300) -> None:
    """Athena runs a query to its end even when its client died: wait until the facade's have."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(e.state not in ("QUEUED", "RUNNING") for e in account.facade.executions.values()):
            return
        time.sleep(0.5)
    raise AssertionError("queries still running on the facade after the interruption")


def compare_with_dev(account, lake, tables: list[str] | None = None):
    """finlake/parity.py over silver, gold and reference (or the named layer.table only)."""
    on_athena = read_published(account, BUILT_LAYERS)
    # The ml source's tables (scores, monitoring) are bootstrapped Iceberg tables on prod and
    # views on dev: written by the notebook, not build outputs.
    for table in ml_source_tables():
        on_athena.pop(f"gold.{table}", None)
    on_dev = read_duckdb(lake.warehouse, list(BUILT_LAYERS))
    if tables is not None:
        on_athena = {k: v for k, v in on_athena.items() if k in tables}
        on_dev = {k: v for k, v in on_dev.items() if k in tables}
        assert set(on_dev) == set(tables), f"dev has no {set(tables) - set(on_dev)}"
    return compare(on_dev, on_athena, "dev", "athena")


def ml_source_tables() -> list[str]:
    """The tables of the `ml` source in models/silver/_sources.yml."""
    sources = yaml.safe_load((REPO / "models" / "silver" / "_sources.yml").read_text())["sources"]
    return [
        table["name"] for source in sources if source["name"] == "ml" for table in source["tables"]
    ]


def count(account, layer: str, table: str, where: str = "true") -> int:
    schema = account.names.database(layer)
    return query(account, f'select count(*) from "{schema}"."{table}" where {where}')[0][0]


# -- 1. bootstrap and the first build into an empty account ----------------------------------


@pytest.fixture(scope="module")
def prod_lake(account, tiny_warehouse, tmp_path_factory):
    """The tiny preset: its dev build (every extract), and the account's bronze as the Glue job
    leaves it before the last day's extracts arrive."""
    lake = copy_lake(tiny_warehouse, tmp_path_factory.mktemp("athena-lake") / "lake")
    dates = extract_dates(lake.root)
    offset = recording_size(account)
    account.load_bronze(lake.root, set(dates[:-1]))
    TIMINGS["1 bronze uploaded, but the last day's"] = (
        f"{aws_calls(account, offset)} AWS calls (ingestion role)"
    )
    return lake


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("athena-work")


@pytest.fixture(scope="module")
def first_build(account, prod_lake, work):
    """Runbook: bootstrap, then the first build into an empty account: its seeds, tables and
    views (MODELS_AND_SEEDS); the data tests and unit tests of the build run in step 2's build,
    over the same models with one more day. The tokens are bronze's (made by the ingestion job), so the
    build needs no key: FINLAKE_PII_KEY is still set to a random secret, as a bank's
    environment might, to prove none reaches SQL."""
    bootstrap = dbt(account, ["run-operation", "bootstrap_lake_tables"], work, "1 bootstrap")
    assert bootstrap.returncode == 0, failures(bootstrap.stdout)
    built = dbt(
        account, [*MODELS_AND_SEEDS[1:]], work, "1 first build into an empty account", publish=True
    )
    return built


def test_first_build_into_an_empty_account_succeeds(first_build):
    assert first_build.returncode == 0, failures(first_build.stdout)


def test_first_build_is_published_as_views_over_slot_blue(account, first_build):
    assert first_build.returncode == 0, failures(first_build.stdout)
    assert published_slot(account) == "blue"
    for layer in BUILT_LAYERS:
        tables = glue_tables(account, layer)
        kinds = {t["TableType"] for n, t in tables.items() if n not in ml_source_tables()}
        assert kinds == {"VIRTUAL_VIEW"}, f"{layer}: {kinds}"
        assert set(tables) - set(ml_source_tables()) - {"finlake_publication"} == {
            n for n, t in slot_tables(account, layer, "blue").items() if not LEFTOVER.search(n)
        }


def test_first_build_registers_every_table_with_its_metadata(account, first_build):
    assert_live_tables_whole(account)


def test_before_any_scores_exist_customer_risk_is_built_without_them(account, first_build):
    assert count(account, "gold", "customer_default_scores") == 0
    assert count(account, "gold", "customer_risk") > 0
    assert count(account, "gold", "customer_risk", "probability_source = 'model'") == 0


# -- 2. a failed build; the next day's delivery; a build killed mid-way, and run again -------


# Every gold table statement of the slot being built: Athena refuses them (the build fails).
def fails_gold_tables(account, slot: str):
    gold = re.compile(
        rf'create\s+table\s+\S*"?{account.names.slot_database("gold", slot)}"?\.', re.IGNORECASE
    )
    return lambda statement: bool(gold.search(statement))


@pytest.fixture(scope="module")
def second_build(account, prod_lake, work, first_build):
    """Runbook, the next days. A build fails: Athena refuses every gold table it writes, after
    silver (incremental models included) was built into the idle slot. Then the Glue job lands
    the last extract date; a build is killed (SIGKILL, as a lost runner) half-way through the
    models' statements, Athena finishing the queries it had; then `finlake build --target prod`
    is run again, tests and all. After the failed and the killed build, consumers must read
    exactly what they read before."""
    assert first_build.returncode == 0, failures(first_build.stdout)
    statements_per_build = len(account.facade.statements)
    rows_before = {t: count(account, "silver", t) for t in INCREMENTAL}
    gold_before = read_published(account, ["gold"])
    live_before = published_slot(account)
    idle = other_slot(live_before)

    account.facade.fail_when = fails_gold_tables(account, idle)
    try:
        failed = dbt(
            account, [*MODELS_AND_SEEDS[1:]], work, "2 build whose gold fails", publish=True
        )
    finally:
        account.facade.fail_when = None
    after_failure = {
        "returncode": failed.returncode,
        "output": failed.stdout,
        "slot": published_slot(account),
        "gold": compare(gold_before, read_published(account, ["gold"]), "before", "after"),
        "idle_silver": {t: t in slot_tables(account, "silver", idle) for t in INCREMENTAL},
    }

    offset = recording_size(account)
    account.load_bronze(prod_lake.root, {extract_dates(prod_lake.root)[-1]})
    TIMINGS["2 the last day's bronze uploaded"] = (
        f"{aws_calls(account, offset)} AWS calls (ingestion role)"
    )
    keys, where = s3_keys(account), locations(account)
    seen = len(account.facade.statements)

    def kill_half_way(process):
        def watch():
            while process.poll() is None:
                if len(account.facade.statements) - seen >= statements_per_build // 2:
                    process.kill()
                    return
                time.sleep(0.05)

        threading.Thread(target=watch, daemon=True).start()

    killed = dbt(
        account,
        [*MODELS_AND_SEEDS[1:]],
        work,
        "2 build after the delivery, killed",
        kill_half_way,
        publish=True,
    )
    wait_for_queries(account)
    interrupted = {
        "returncode": killed.returncode,
        "statements": len(account.facade.statements) - seen,
        "deleted": deleted_under_live_locations(account, keys, where),
        "slot": published_slot(account),
        "gold": compare(gold_before, read_published(account, ["gold"]), "before", "after"),
    }
    try:
        assert_live_tables_whole(account)
        interrupted["whole"] = ""
    except AssertionError as error:
        interrupted["whole"] = str(error)
    again = dbt(account, [], work, "2 build after the delivery, run again", publish=True)
    merges = [s.lower() for s in account.facade.statements[seen:] if "merge into" in s.lower()]
    return {
        "live_before": live_before,
        "failed": after_failure,
        "interrupted": interrupted,
        "again": again,
        "merged": {t: any(f'"{t}"' in m or f".{t} " in m for m in merges) for t in INCREMENTAL},
        "rows_before": rows_before,
    }


def test_a_failed_build_publishes_nothing(second_build):
    failed = second_build["failed"]
    assert failed["returncode"] == 1, failures(failed["output"])
    assert "nothing was published: consumers still read slot blue" in failed["output"]
    # silver reached the idle slot before gold failed: there was something not to publish
    assert all(failed["idle_silver"].values()), failed["idle_silver"]
    assert failed["slot"] == second_build["live_before"] == "blue"
    assert failed["gold"].ok, failed["gold"].describe(verbose=False)


def test_a_killed_build_leaves_the_published_gold_unchanged(second_build):
    interrupted = second_build["interrupted"]
    assert interrupted["returncode"] not in (0, 1, None), "the build was not killed"
    assert interrupted["slot"] == "blue"
    # The killed build had the new day's rows: any of them reaching consumers differs here.
    assert interrupted["gold"].ok, interrupted["gold"].describe(verbose=False)


def test_a_killed_build_deletes_nothing_under_a_live_table(second_build):
    interrupted = second_build["interrupted"]
    assert interrupted["returncode"] not in (0, None), "the build was not interrupted"
    assert interrupted["statements"] > 0
    gone = interrupted["deleted"]
    assert not gone, f"{len(gone)} objects of live tables deleted, e.g. {gone[:3]}"


def test_a_killed_build_leaves_every_live_table_whole(account, second_build):
    assert not second_build["interrupted"]["whole"], second_build["interrupted"]["whole"]
    assert_live_tables_whole(account)  # and after the re-run


def test_the_rerun_after_the_delivery_merges_the_new_rows_and_publishes(account, second_build):
    assert second_build["again"].returncode == 0, failures(second_build["again"].stdout)
    # The runner's prod build audits with the data tests and leaves the unit tests to CI.
    assert " START test " in second_build["again"].stdout
    assert " START unit_test " not in second_build["again"].stdout
    assert published_slot(account) == "green"
    # The failed build created slot green's incremental tables before the delivery; the killed
    # build and the re-run merged the day into them.
    assert all(second_build["merged"].values()), f"no merge into {second_build['merged']}"
    # The day's extracts add transactions; a day may bring no loan payment.
    after = {t: count(account, "silver", t) for t in INCREMENTAL}
    assert after["stg_transactions"] > second_build["rows_before"]["stg_transactions"]
    assert all(after[t] >= second_build["rows_before"][t] for t in INCREMENTAL), after


def test_the_build_after_the_delivery_equals_the_dev_build(account, prod_lake, second_build):
    assert second_build["again"].returncode == 0, failures(second_build["again"].stdout)
    report = compare_with_dev(account, prod_lake)
    assert report.ok, report.describe(verbose=False)


# -- 3. Iceberg maintenance -------------------------------------------------------------------


def table_files(account, table: str) -> tuple[int, int]:
    """(data files of the current snapshot, snapshots) of a silver table of the live slot."""
    schema = account.names.slot_database("silver", published_slot(account))
    files = query(account, f'select count(*) from "{schema}"."{table}$files"')[0][0]
    snapshots = query(account, f'select count(*) from "{schema}"."{table}$snapshots"')[0][0]
    return files, snapshots


def data_file_keys(account, table: str) -> set[str]:
    """The lake keys of a silver table's data files in its current snapshot (live slot)."""
    schema = account.names.slot_database("silver", published_slot(account))
    files = query(account, f'select file_path from "{schema}"."{table}$files"')
    return {lake_key(account, path) for (path,) in files}


@pytest.fixture(scope="module")
def maintained(account, work, second_build):
    """Runbook (weekly, after a build): `dbt run-operation iceberg_maintenance --target prod`,
    here with a snapshot age of 0 days so that every snapshot but the current one expires. The
    incremental tables hold the first build's files and snapshot and the merge's."""
    assert second_build["again"].returncode == 0, failures(second_build["again"].stdout)
    before = {t: table_files(account, t) for t in INCREMENTAL}
    rows = {t: count(account, "silver", t) for t in INCREMENTAL}
    data_files = {t: data_file_keys(account, t) for t in INCREMENTAL}
    seen = len(account.facade.statements)
    done = dbt(
        account,
        ["run-operation", "iceberg_maintenance", "--args", "{snapshot_age_days: 0}"],
        work,
        "3 Iceberg maintenance",
    )
    sent = [" ".join(strip_comments(s).split()) for s in account.facade.statements[seen:]]
    return {"done": done, "before": before, "rows": rows, "data_files": data_files, "sent": sent}


def terraform_incremental_tables() -> dict[str, list[str]]:
    """The tables the root module gives the maintenance schedule, by layer
    (local.incremental_silver_tables and local.incremental_gold_tables)."""
    text = (REPO / "terraform" / "main.tf").read_text()
    tables = {}
    for layer in ("silver", "gold"):
        listed = re.search(rf"incremental_{layer}_tables = \[(.*?)\]", text, re.S)
        assert listed, f"terraform/main.tf no longer defines local.incremental_{layer}_tables"
        tables[layer] = re.findall(r'"([a-z0-9_]+)"', listed.group(1))
    return tables


def scheduled_statements(tables: list[str], snapshot_age_days: int) -> list[str]:
    """The statements terraform/modules/iceberg_maintenance runs on its schedule, rendered
    from its `format(...)` templates for `tables`."""
    text = (REPO / "terraform" / "modules" / "iceberg_maintenance" / "main.tf").read_text()
    templates = [
        t.replace('\\"', '"') for t in re.findall(r'sql = format\("((?:[^"\\]|\\.)*)"', text)
    ]
    assert len(templates) == 3, templates
    seconds = snapshot_age_days * 86400
    return [
        template % ((table, seconds) if "%d" in template else (table,))
        for table in tables
        for template in templates
    ]


def test_maintenance_compacts_the_incremental_tables_and_expires_their_snapshots(
    account, maintained
):
    assert maintained["done"].returncode == 0, failures(maintained["done"].stdout)
    # A day's delivery may bring no rows for one of the tables (the merge then adds no file), so
    # compaction is judged on the tables that had more than one data file, and there must be one.
    before = maintained["before"]
    compacted = [t for t in INCREMENTAL if before[t][0] > 1]
    assert compacted, f"no incremental table had more than one data file: {before}"
    assert any(snapshots > 1 for _, snapshots in before.values()), f"nothing to expire: {before}"
    for table in INCREMENTAL:
        (files, _), rows = before[table], maintained["rows"][table]
        after_files, after_snapshots = table_files(account, table)
        assert after_snapshots == 1, f"{table}: {after_snapshots} snapshots after VACUUM"
        assert count(account, "silver", table) == rows
        if table not in compacted:
            continue
        assert after_files < files, (
            f"{table}: {files} data files before OPTIMIZE, {after_files} after"
        )
        # The files OPTIMIZE replaced were referenced only by the snapshots VACUUM expired.
        replaced = maintained["data_files"][table] - data_file_keys(account, table)
        assert replaced, f"{table}: OPTIMIZE replaced no data file"
        left = sorted(replaced & s3_keys(account, locations(account)[("silver", table)]))
        assert not left, f"{table}: VACUUM left {len(left)} replaced files, e.g. {left[:2]}"
    assert_live_tables_whole(account)


def test_the_schedule_in_terraform_runs_the_statements_of_the_operation(account, maintained):
    """terraform/modules/iceberg_maintenance runs on a schedule what the dbt operation ran: the
    incremental tables of silver and gold in both write-audit-publish slots of their layer (the
    layers themselves hold views)."""
    assert maintained["done"].returncode == 0, failures(maintained["done"].stdout)
    maintenance = [
        s for s in maintained["sent"] if s.startswith(("alter table", "optimize", "vacuum"))
    ]
    tables = [s.split()[2] for s in maintenance if s.startswith("alter table")]
    assert sorted(tables) == sorted(
        f"{account.names.slot_database(layer, slot)}.{t}"
        for layer, names in terraform_incremental_tables().items()
        for slot in ("blue", "green")
        for t in names
    ), "terraform/main.tf's incremental_<layer>_tables differ from dbt's incremental models"
    assert maintenance == scheduled_statements(tables, 0)


# -- 4. --full-refresh of each incremental model; one stopped at its create table -------------


def recorded_since(account, offset: int) -> list[dict]:
    """moto's recorded requests after byte `offset` of its recording, in the order received."""
    from tools.athena_run.iam import recorded_entries

    return list(recorded_entries(account.recording(), offset))


def live_data_deleted_before_the_swap(account, entries, table: str, old_location: str) -> list[str]:
    """Objects under the refreshed table's previous location deleted before Glue's entry of
    `table` pointed elsewhere: a reader of the live table would have found them gone."""
    import base64
    import json

    from tools.athena_run.iam import s3_calls

    swapped = False
    early = []
    for entry in entries:
        headers = entry["headers"]
        raw = entry.get("body") or ""
        body = base64.b64decode(raw) if entry.get("body_encoded") else raw.encode()
        target = headers.get("X-Amz-Target", "")
        if target in ("AWSGlue.CreateTable", "AWSGlue.UpdateTable"):
            table_input = json.loads(body or b"{}").get("TableInput", {})
            metadata = (table_input.get("Parameters") or {}).get("metadata_location", "")
            if table_input.get("Name") == table and old_location not in metadata:
                swapped = True
        elif not target and not swapped:
            for action, resources, _ in s3_calls(entry["method"], entry["url"], headers, body):
                if action == "s3:DeleteObject":
                    early += [r for r in resources if f"/{old_location}" in r]
    return early


def in_live_slot(account) -> list[str]:
    """dbt's --vars writing into the slot consumers read (macros/schema/generate_schema_name.sql):
    a `dbt run` there is not published (only a whole `build` is), it is read at once."""
    return ["--vars", json.dumps({"finlake_build_slot": published_slot(account)})]


@pytest.fixture(scope="module")
def full_refresh(account, prod_lake, work, maintained):
    """A full refresh of each incremental model, done in the live slot: the rename swap on the
    very tables consumers read through the views (`finlake build --target prod --full-refresh`
    refreshes the idle slot and publishes it; the swap must keep a live table whole anyway)."""
    before = locations(account)
    offset = account.recording().stat().st_size
    done = dbt(
        account,
        ["run", "--full-refresh", "--select", *INCREMENTAL, *in_live_slot(account)],
        work,
        "4 full refresh of the incremental models",
    )
    return {"done": done, "before": before, "entries": recorded_since(account, offset)}


def test_full_refresh_builds_each_incremental_beside_the_live_one(account, full_refresh):
    assert full_refresh["done"].returncode == 0, failures(full_refresh["done"].stdout)
    after = locations(account)
    for table in INCREMENTAL:
        old = full_refresh["before"][("silver", table)]
        assert after[("silver", table)] != old, f"{table} was rebuilt at its live location"
        early = live_data_deleted_before_the_swap(account, full_refresh["entries"], table, old)
        assert not early, (
            f"{len(early)} objects of the live {table} deleted before the new table replaced "
            f"it, e.g. {early[:2]}"
        )
    assert_live_tables_whole(account)


def test_full_refresh_equals_the_dev_build(account, prod_lake, full_refresh):
    assert full_refresh["done"].returncode == 0, failures(full_refresh["done"].stdout)
    report = compare_with_dev(account, prod_lake, [f"silver.{t}" for t in INCREMENTAL])
    assert report.ok, report.describe(verbose=False)


def test_a_full_refresh_stopped_at_its_create_table_leaves_the_live_table_whole(
    account, work, full_refresh
):
    """Defect 2: dbt-athena's own materialisation (without macros/athena/incremental.sql)
    drops the live table, objects and all, before its `create table`; stopped there, the
    table is gone. Here the refresh fails at that statement, and the live table must still be
    registered, whole, with every object and row it had (a re-run then completes the refresh,
    as the full refresh above did)."""
    table = "stg_loan_payments"
    slot = published_slot(account)
    location = locations(account)[("silver", table)]
    before = s3_keys(account, location)
    rows = count(account, "silver", table)
    create = re.compile(rf'create\s+table\s+\S*"?{table}(__dbt_tmp)?"?\s', re.IGNORECASE)
    account.facade.fail_when = lambda statement: bool(create.search(statement))
    try:
        stopped = dbt(
            account,
            ["run", "--full-refresh", "--select", table, *in_live_slot(account)],
            work,
            "4 full refresh stopped at its create table",
        )
    finally:
        account.facade.fail_when = None
    assert stopped.returncode != 0, "the refresh was not stopped"
    assert "INTERRUPTED" in stopped.stdout
    assert table in slot_tables(account, "silver", slot), f"{table} is no longer in Glue"
    missing = sorted(before - s3_keys(account, location))
    assert not missing, f"{len(missing)} objects of the live {table} deleted, e.g. {missing[:3]}"
    assert count(account, "silver", table) == rows
    assert_live_tables_whole(account)


# -- 5. the notebook's scores in the Glue Iceberg table; the models that read them -----------


def scores_frame(spark, lake):
    """Scores for every customer of the tiny preset, as the notebook's SCORES_SCHEMA has them
    (values from a hash of the id, not a model: the scenario is about where they go)."""
    import datetime as dt

    import duckdb

    from ml.scoring import SCORES_SCHEMA, risk_band

    with duckdb.connect(str(lake.warehouse), read_only=True) as con:
        customers = [
            c for (c,) in con.execute("select customer_id from gold.customer_summary").fetchall()
        ]
    rows = []
    for customer in sorted(customers):
        pd = int(hashlib.sha256(customer.encode()).hexdigest()[:6], 16) / 0xFFFFFF * 0.4
        rows.append(
            (
                customer,
                dt.date(2025, 7, 1),
                pd,
                risk_band(pd),
                "scenario-1",
                dt.datetime(2025, 7, 1),
                "Months on book" if pd > 0.1 else None,
                None,
                None,
            )
        )
    return spark.createDataFrame(rows, SCORES_SCHEMA)


@pytest.fixture(scope="module")
def scored(account, prod_lake, work, spark, full_refresh):
    """Runbook: the notebook writes its scores (ml/store.py → ml/publish_scores.py, as the ML
    role, to `glue:<gold>.customer_default_scores`), then the models that read them are built.
    `finlake build --target prod` builds, audits and publishes the whole project (the next
    daily build); here, to save a whole build, `dbt build --select customer_risk+` in the live
    slot, which its on-run-end hook publishes again. The dev lake gets the same scores and
    build."""
    from finlake.build import run_dbt
    from ml import store

    scores = scores_frame(spark, prod_lake)
    table = f"glue:{account.names.database('gold')}.customer_default_scores"
    environment = {
        "AWS_ACCESS_KEY_ID": ACTOR_KEYS["ml"],
        "AWS_SECRET_ACCESS_KEY": DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        "AWS_ENDPOINT_URL": account.moto.endpoint,
        "AWS_REGION": account.moto.region,
    }
    started, offset = time.perf_counter(), recording_size(account)
    with pytest.MonkeyPatch.context() as patch:
        for key, value in environment.items():
            patch.setenv(key, value)
        patch.delenv("AWS_SESSION_TOKEN", raising=False)
        written = store.write_scores_table(scores, table)
    TIMINGS["5 scores written to the Glue Iceberg table"] = (
        f"{time.perf_counter() - started:.0f}s, {aws_calls(account, offset)} AWS calls (ML role)"
    )
    built = dbt(
        account,
        ["build", "--select", "stg_customer_default_scores+", *in_live_slot(account)],
        work,
        "5 build of the models that read the scores",
    )
    store.write_scores_parquet(scores, prod_lake.root / "gold" / "customer_default_scores")
    run_dbt(
        prod_lake,
        extra_args=["--select", "stg_customer_default_scores+"],
        quiet=True,
    )
    return {"written": written, "built": built, "rows": scores.count()}


def test_scores_written_by_the_notebook_are_read_by_customer_risk(account, scored):
    assert scored["built"].returncode == 0, failures(scored["built"].stdout)
    assert count(account, "gold", "customer_default_scores") == scored["rows"]
    assert count(account, "gold", "customer_risk", "probability_source = 'model'") > 0
    assert_live_tables_whole(account)


def test_scores_are_an_iceberg_table_athena_reads(account, scored):
    table = glue_tables(account, "gold")["customer_default_scores"]
    assert table["Parameters"].get("table_type", "").upper() == "ICEBERG"
    metadata = table["Parameters"]["metadata_location"]
    assert lake_key(account, metadata).startswith("gold/customer_default_scores/metadata/")
    schema = account.names.database("gold")
    (operation,) = query(
        account,
        f'select operation from "{schema}"."customer_default_scores$snapshots" '
        "order by committed_at desc limit 1",
    )[0]
    assert operation in ("append", "overwrite")


def test_customer_risk_with_scores_equals_the_dev_build(account, prod_lake, scored):
    assert scored["built"].returncode == 0, failures(scored["built"].stdout)
    report = compare_with_dev(account, prod_lake, ["gold.customer_risk"])
    assert report.ok, report.describe(verbose=False)


# -- over every scenario: least privilege, and no key in any statement -----------------------

# Calls the emulation makes that Athena does not: Trino's Hive connector deletes a table's Glue
# column statistics itself when it drops one (Glue drops them with the table).
ENGINE_ONLY = {"glue:DeleteColumnStatisticsForTable"}


def test_every_call_of_the_scenarios_is_allowed_to_its_role(account, first_build):
    """Least privilege, checked on the scenarios' own calls (tools/athena_run/iam.py): every
    Glue, S3 and STS request of dbt and of the engine acting for it (transformation), of the
    bronze upload (ingestion) and of the scores write (ml), against the policy
    terraform/modules/access_roles gives the actor's role."""
    from tools.athena_run.iam import CHECKED_ROLES, allowed, recorded_calls, role_statements

    policies = {role: role_statements(role, account.names) for role in CHECKED_ROLES}
    calls = recorded_calls(account.recording(), account.names)
    denied = sorted(
        {
            f"{call.action} on {', '.join(call.resources)} (prefix {call.prefix!r}) "
            f"denied to role {call.actor}"
            for call in calls
            if call.action not in ENGINE_ONLY and not allowed(call, policies[call.actor])
        }
    )
    by_role = {role: sum(c.actor == role for c in calls) for role in CHECKED_ROLES}
    TIMINGS["AWS calls checked against IAM"] = ", ".join(f"{r} {n}" for r, n in by_role.items())
    assert by_role["transformation"] > 1000 and by_role["ml"] > 0, by_role
    assert not denied, f"{len(denied)} calls denied:\n" + "\n".join(denied[:20])


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
    assert len(account.facade.statements) > 500
    assert not found, f"{len(found)} statements sent to Athena hold the PII key, e.g. {found[0]}"
