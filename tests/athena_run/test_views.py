"""A view stays readable after dbt-athena documents it (tools/athena_run/facade.py).

dbt-athena's persist_docs writes a view's description into its Glue entry, both as the
Description and as the `comment` parameter (impl.py persist_docs_to_glue); Athena still reads
the view. Trino 476's Glue catalog recognises a view only when that parameter reads "Presto
View", so without the facade's reading of views the next statement that reads the view fails
with "UNSUPPORTED_TABLE_TYPE: Not an Iceberg table" (the first full build stopped at the gold
views that way).
"""

from __future__ import annotations

import time

import boto3
import pytest

from tools.athena_check.moto_server import DUMMY_CREDENTIALS
from tools.athena_run.stack import ACTOR_KEYS

pytestmark = pytest.mark.offline_athena


def client(account, service: str):
    """boto3 as dbt-athena has it: Athena and Glue at the facade."""
    return boto3.client(
        service,
        region_name=account.moto.region,
        endpoint_url=f"http://127.0.0.1:{account.facade_port}",
        aws_access_key_id=ACTOR_KEYS["transformation"],
        aws_secret_access_key=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )


def athena(account, sql: str) -> tuple[str, list[list[str]]]:
    """Run one statement through the Athena API; its final state and rows."""
    api = client(account, "athena")
    database = account.names.database("gold")
    started = api.start_query_execution(
        QueryString=sql,
        QueryExecutionContext={"Database": database},
        WorkGroup=account.names.workgroup,
    )["QueryExecutionId"]
    deadline = time.monotonic() + 300
    while True:
        status = api.get_query_execution(QueryExecutionId=started)["QueryExecution"]["Status"]
        if status["State"] not in ("QUEUED", "RUNNING") or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    if status["State"] != "SUCCEEDED":
        return f"{status['State']}: {status.get('StateChangeReason', '')}", []
    rows = api.get_query_results(QueryExecutionId=started)["ResultSet"]["Rows"]
    return "SUCCEEDED", [[c.get("VarCharValue") for c in r["Data"]] for r in rows[1:]]


def document_as_persist_docs_does(account, name: str, description: str) -> None:
    """persist_docs_to_glue's write: the Glue entry read back, Description and the `comment`
    parameter set to the description, UpdateTable."""
    glue = client(account, "glue")
    database = account.names.database("gold")
    table = glue.get_table(DatabaseName=database, Name=name)["Table"]
    table_input = {
        key: table[key]
        for key in (
            "Name",
            "Owner",
            "TableType",
            "Parameters",
            "StorageDescriptor",
            "PartitionKeys",
            "ViewOriginalText",
            "ViewExpandedText",
        )
        if key in table
    }
    table_input["Description"] = description
    table_input["Parameters"] = {**table.get("Parameters", {}), "comment": description}
    glue.update_table(DatabaseName=database, TableInput=table_input)


def test_a_documented_view_reads_and_keeps_its_description(account):
    state, _ = athena(account, "create or replace view documented_view as select 1 as one")
    assert state == "SUCCEEDED"
    document_as_persist_docs_does(account, "documented_view", "One row: the number one.")

    state, rows = athena(account, "select one from documented_view")
    assert (state, rows) == ("SUCCEEDED", [["1"]])
    # dbt-athena's `create or replace view` of the next run, on the documented entry
    state, _ = athena(account, "create or replace view documented_view as select 2 as one")
    assert state == "SUCCEEDED"
    assert athena(account, "select one from documented_view") == ("SUCCEEDED", [["2"]])

    # Glue keeps what dbt-athena wrote, as on AWS: only Trino's reads see the view marker.
    document_as_persist_docs_does(account, "documented_view", "One row: the number two.")
    stored = account.client("glue").get_table(
        DatabaseName=account.names.database("gold"), Name="documented_view"
    )["Table"]
    assert stored["Parameters"]["comment"] == "One row: the number two."
    assert stored["Parameters"]["presto_view"] == "true"
    assert stored["TableType"] == "VIRTUAL_VIEW"
    assert athena(account, "select one from documented_view") == ("SUCCEEDED", [["2"]])


def test_every_version_of_a_view_has_the_columns_athena_writes(account):
    """dbt-athena's view materialisation expires old Glue versions of a view and reads each
    one's StorageDescriptor.Location (expire_glue_table_versions): a version written by Trino
    without one failed the second build of every view with KeyError 'StorageDescriptor'."""
    for body in ("select 1 as one, 'a' as letter", "select 2 as one, 'b' as letter"):
        state, _ = athena(account, f"create or replace view versioned_view as {body}")
        assert state == "SUCCEEDED"
    versions = account.client("glue").get_table_versions(
        DatabaseName=account.names.database("gold"), TableName="versioned_view"
    )["TableVersions"]
    assert len(versions) >= 2
    for version in versions:
        descriptor = version["Table"].get("StorageDescriptor", {})
        assert "Location" in descriptor, version["VersionId"]
        assert [(c["Name"], c["Type"]) for c in descriptor["Columns"]] == [
            ("one", "int"),
            ("letter", "string"),
        ]
