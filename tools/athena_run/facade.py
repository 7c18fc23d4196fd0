"""A small Amazon Athena API in front of a local Trino server.

pyathena and dbt-athena reach Athena with boto3's JSON protocol (`X-Amz-Target:
AmazonAthena.<Action>`). boto3 sends Athena's calls here when `AWS_ENDPOINT_URL_ATHENA` names
this server, and every other service's to the AWS emulator (`AWS_ENDPOINT_URL`). The query
calls are answered here: StartQueryExecution translates the statement (translate.py) and runs
it on Trino in a thread; GetQueryExecution reports its state as Athena does (QUEUED, RUNNING,
SUCCEEDED, FAILED with Trino's error name and message as the reason, CANCELLED);
GetQueryResults pages the rows in Athena's shape (a header row first for queries);
StopQueryExecution cancels. Every other action (GetWorkGroup, GetDataCatalog, ...) is forwarded
to the emulator unchanged.

Trino's Glue client also goes through here (hive.metastore.glue.endpoint-url), for two
reasons: moto has no Glue column statistics API (Get/Update/DeleteColumnStatisticsForTable),
which Trino calls when it creates or drops a table, so those are answered as Glue answers for a
table without statistics; and Trino recognises a view only by a `comment` parameter of "Presto
View", which dbt-athena's persist_docs overwrites with the view's description (Athena's engine
does not need it), so views are shown to Trino with that marker (_views_as_trino_reads_them).
Every other Glue call, and every answer to boto3, is forwarded unchanged.

Every statement received is kept (`statements`), as Athena's query history keeps it: tests read
them (no key material may be in any) and the IAM check reads the actions.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

from tools.athena_run.translate import (
    ATHENA_VACUUM_AGE_SECONDS,
    ICEBERG_CATALOG,
    UnsupportedStatement,
    translate,
    vacuum_age_setting,
    vacuum_table,
)

PAGE_SIZE = 1000
# GetQueryExecution on a query still running waits up to this long for it to end before it
# answers. dbt-athena polls every FINLAKE_ATHENA_POLL_SECONDS (0.05 s in the scenarios, so a
# build does not wait on its own polling): answering at once cost ~20 signed round trips a second
# per running query, a core's worth of the scenarios' CPU. The answer is still the state at the
# moment it is sent, as Athena's would be; only the polls between the start and the end are
# spared.
LONG_POLL_SECONDS = 1.0


@dataclass
class Execution:
    id: str
    query: str
    database: str
    workgroup: str
    output_location: str
    kind: str = "DML"
    state: str = "QUEUED"
    reason: str = ""
    submitted: float = field(default_factory=time.time)
    completed: float | None = None
    columns: list[dict[str, Any]] = field(default_factory=list)
    rows: list[list[str | None]] = field(default_factory=list)
    update_count: int = 0
    trino_statements: tuple[str, ...] = ()
    cursor: Any = None
    ended: threading.Event = field(default_factory=threading.Event)

    def end(self) -> None:
        self.completed = time.time()
        self.ended.set()


def athena_type(trino_type: str) -> tuple[str, int, int]:
    """Athena's ColumnInfo Type, Precision and Scale for a Trino type name."""
    name = trino_type.split("(", 1)[0].strip().lower()
    precision = scale = 0
    if "(" in trino_type and name in ("decimal", "varchar", "char", "timestamp"):
        numbers = trino_type.split("(", 1)[1].rstrip(")").split(",")
        try:
            precision = int(numbers[0])
            scale = int(numbers[1]) if len(numbers) > 1 else 0
        except ValueError:
            pass
    if name == "timestamp" and "with time zone" in trino_type:
        name = "timestamp with time zone"
    return name, precision, scale


def hive_type(trino_type: str) -> str:
    """A Trino column type as Athena writes it in Glue (Hive names)."""
    lowered = trino_type.lower()
    if lowered.startswith(("varchar", "char")):
        return "string"
    if lowered.startswith("timestamp"):
        return "timestamp"
    return {"integer": "int", "real": "float"}.get(lowered, lowered)


def athena_text(value: Any) -> str | None:
    """A value as Athena's VarCharValue text (None stays None)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join("null" if v is None else str(athena_text(v)) for v in value) + "]"
    return str(value)


class Facade:
    def __init__(
        self,
        trino_host: str,
        trino_port: int,
        moto_endpoint: str,
        region: str = "eu-west-1",
        access_key: str = "AKIAFINLAKETRANSFORM",
    ) -> None:
        self.region = region
        self.access_key = access_key  # the Athena engine acts as the caller (dbt's role)
        self.trino_host = trino_host
        self.trino_port = trino_port
        self.moto_endpoint = moto_endpoint
        self.executions: dict[str, Execution] = {}
        self.statements: list[str] = []  # every QueryString received, in order
        self.calls: list[dict[str, Any]] = []  # every Athena action received
        self.lock = threading.Lock()
        # Tests: a predicate on the statement text; a statement it matches fails as an
        # interrupted query would, and the run stops there (an interruption mid-way).
        self.fail_when: Any = None
        # vacuum_max_snapshot_age_seconds set on a table (ALTER TABLE ... SET TBLPROPERTIES),
        # which Athena's VACUUM honours and Trino has no property for.
        self.vacuum_ages: dict[str, int] = {}
        self.server: ThreadingHTTPServer | None = None

    # -- the actions ------------------------------------------------------------------------

    def start_query_execution(self, request: dict[str, Any]) -> dict[str, Any]:
        context = request.get("QueryExecutionContext", {})
        execution = Execution(
            id=str(uuid.uuid4()),
            query=request["QueryString"],
            database=context.get("Database", "default"),
            workgroup=request.get("WorkGroup", "primary"),
            output_location=request.get("ResultConfiguration", {}).get("OutputLocation", ""),
        )
        with self.lock:
            self.statements.append(execution.query)
            self.executions[execution.id] = execution
            interrupted = self.fail_when is not None and self.fail_when(execution.query)
        if interrupted:
            execution.state, execution.reason = (
                "FAILED",
                "INTERRUPTED: the test stopped the build here",
            )
            execution.end()
        else:
            threading.Thread(target=self._run, args=(execution,), daemon=True).start()
        return {"QueryExecutionId": execution.id}

    def _run(self, execution: Execution) -> None:
        import trino

        execution.state = "RUNNING"
        try:
            if setting := vacuum_age_setting(execution.query):
                self.vacuum_ages[setting[0]] = setting[1]
            vacuumed = vacuum_table(execution.query)
            age = self.vacuum_ages.get(vacuumed or "", ATHENA_VACUUM_AGE_SECONDS)
            translation = translate(execution.query, vacuum_retention=f"{age}s")
            execution.kind = translation.kind
            execution.trino_statements = translation.statements
            connection = trino.dbapi.connect(
                host=self.trino_host,
                port=self.trino_port,
                user="athena",
                catalog=ICEBERG_CATALOG,
                schema=execution.database,
                legacy_primitive_types=True,
            )
            try:
                for statement in translation.statements:
                    cursor = connection.cursor()
                    execution.cursor = cursor
                    cursor.execute(statement)
                    rows = cursor.fetchall()
                    description = cursor.description or []
                    execution.columns = [
                        {"name": column[0], "type": column[1]} for column in description
                    ]
                    execution.rows = [[athena_text(v) for v in row] for row in rows]
                    execution.update_count = cursor.rowcount if cursor.rowcount > 0 else 0
            finally:
                connection.close()
            if execution.state != "CANCELLED":
                execution.state = "SUCCEEDED"
        except UnsupportedStatement as error:
            execution.state, execution.reason = "FAILED", f"NOT_SUPPORTED: {error}"
        except Exception as error:
            if execution.state != "CANCELLED":
                name = getattr(error, "error_name", None) or type(error).__name__
                message = getattr(error, "message", None) or str(error)
                execution.state, execution.reason = "FAILED", f"{name}: {message}"
        execution.end()

    def wait_for_query_execution(self, request: dict[str, Any]) -> dict[str, Any]:
        """GetQueryExecution: the state once the query has ended, or after LONG_POLL_SECONDS."""
        self.executions[request["QueryExecutionId"]].ended.wait(LONG_POLL_SECONDS)
        return self.get_query_execution(request)

    def get_query_execution(self, request: dict[str, Any]) -> dict[str, Any]:
        execution = self.executions[request["QueryExecutionId"]]
        status: dict[str, Any] = {
            "State": execution.state,
            "SubmissionDateTime": execution.submitted,
        }
        if execution.reason:
            status["StateChangeReason"] = execution.reason
            status["AthenaError"] = {"ErrorCategory": 2, "ErrorMessage": execution.reason}
        if execution.completed:
            status["CompletionDateTime"] = execution.completed
        elapsed = int(((execution.completed or time.time()) - execution.submitted) * 1000)
        return {
            "QueryExecution": {
                "QueryExecutionId": execution.id,
                "Query": execution.query,
                "StatementType": execution.kind,
                "ResultConfiguration": {
                    "OutputLocation": f"{execution.output_location}{execution.id}.csv"
                },
                "QueryExecutionContext": {
                    "Database": execution.database,
                    "Catalog": ICEBERG_CATALOG,
                },
                "Status": status,
                "Statistics": {
                    "EngineExecutionTimeInMillis": elapsed,
                    "TotalExecutionTimeInMillis": elapsed,
                    "DataScannedInBytes": 0,
                },
                "WorkGroup": execution.workgroup,
                "EngineVersion": {
                    "SelectedEngineVersion": "Athena engine version 3",
                    "EffectiveEngineVersion": "Athena engine version 3",
                },
            }
        }

    def get_query_results(self, request: dict[str, Any]) -> dict[str, Any]:
        execution = self.executions[request["QueryExecutionId"]]
        if execution.state != "SUCCEEDED":
            raise FacadeError(
                "InvalidRequestException",
                f"Query has not yet finished. Current state: {execution.state}",
            )
        start = int(request.get("NextToken") or 0)
        size = int(request.get("MaxResults") or PAGE_SIZE)
        header = []
        if start == 0 and execution.kind == "DML" and execution.columns:
            header = [{"Data": [{"VarCharValue": c["name"]} for c in execution.columns]}]
        rows = execution.rows[start : start + size]
        page = header + [
            {"Data": [{} if v is None else {"VarCharValue": v} for v in row]} for row in rows
        ]
        columns = []
        for column in execution.columns:
            name, precision, scale = athena_type(column["type"])
            columns.append(
                {
                    "CatalogName": "hive",
                    "SchemaName": "",
                    "TableName": "",
                    "Name": column["name"],
                    "Label": column["name"],
                    "Type": name,
                    "Precision": precision,
                    "Scale": scale,
                    "Nullable": "UNKNOWN",
                    "CaseSensitive": name == "varchar",
                }
            )
        answer: dict[str, Any] = {
            "UpdateCount": execution.update_count,
            "ResultSet": {"Rows": page, "ResultSetMetadata": {"ColumnInfo": columns}},
        }
        if start + size < len(execution.rows):
            answer["NextToken"] = str(start + size)
        return answer

    def stop_query_execution(self, request: dict[str, Any]) -> dict[str, Any]:
        execution = self.executions[request["QueryExecutionId"]]
        if execution.state in ("QUEUED", "RUNNING"):
            execution.state, execution.reason = "CANCELLED", "Query was cancelled by the user"
            if execution.cursor is not None:
                with contextlib.suppress(Exception):  # the query may have ended meanwhile
                    execution.cursor.cancel()
        return {}

    def batch_get_query_execution(self, request: dict[str, Any]) -> dict[str, Any]:
        return {
            "QueryExecutions": [
                self.get_query_execution({"QueryExecutionId": i})["QueryExecution"]
                for i in request["QueryExecutionIds"]
                if i in self.executions
            ],
            "UnprocessedQueryExecutionIds": [],
        }

    ACTIONS: ClassVar[dict[str, str]] = {
        "StartQueryExecution": "start_query_execution",
        "GetQueryExecution": "wait_for_query_execution",
        "GetQueryResults": "get_query_results",
        "StopQueryExecution": "stop_query_execution",
        "BatchGetQueryExecution": "batch_get_query_execution",
    }

    # -- HTTP -------------------------------------------------------------------------------

    def handle(self, target: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        action = target.split(".", 1)[-1]
        request = json.loads(body or b"{}")
        with self.lock:
            self.calls.append({"action": action, "request": request, "headers": headers})
        method = self.ACTIONS.get(action) if target.startswith("AmazonAthena.") else None
        if method is None:
            if target in ("AWSGlue.CreateTable", "AWSGlue.UpdateTable"):
                body = _view_with_its_columns(body)
            status, answer = self._forward(body, headers)
            if status == 200 and action in ("GetTable", "GetTables") and _from_trino(headers):
                answer = _views_as_trino_reads_them(answer)
            if status >= 400 and target.startswith("AWSGlue.") and "ColumnStatistics" in action:
                # Glue's column statistics API, which Trino's Hive and Iceberg connectors call
                # when they create or drop a table, is not in moto: answer as Glue does for a
                # table without statistics.
                return 200, json.dumps(
                    {"ColumnStatisticsList": [], "Errors": []} if action.startswith("Get") else {}
                ).encode()
            return status, answer
        try:
            answer = getattr(self, method)(request)
        except FacadeError as error:
            return 400, json.dumps({"__type": error.code, "Message": str(error)}).encode()
        except KeyError as error:
            return 400, json.dumps(
                {"__type": "InvalidRequestException", "Message": f"unknown {error}"}
            ).encode()
        return 200, json.dumps(answer, default=str).encode()

    def _forward(self, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        request = urllib.request.Request(self.moto_endpoint + "/", data=body, method="POST")
        for key, value in headers.items():
            if key.lower() not in ("host", "content-length"):
                request.add_header(key, value)
        try:
            with urllib.request.urlopen(request, timeout=60) as reply:
                return reply.status, reply.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def serve(self, port: int = 0) -> int:
        facade = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status, answer = facade.handle(
                    self.headers.get("X-Amz-Target", ""), body, dict(self.headers.items())
                )
                self.send_response(status)
                self.send_header("Content-Type", "application/x-amz-json-1.1")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return int(self.server.server_address[1])

    def close(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


# How Trino 476 recognises a view it can read in Glue (ViewReaderUtil.isTrinoView): TableType
# VIRTUAL_VIEW, parameter presto_view=true and parameter comment="Presto View" (any case). Athena
# writes the same markers when it creates a view, but its engine reads a view by the first two:
# a view whose `comment` parameter holds its description, as dbt-athena's persist_docs writes it
# (impl.py persist_docs_to_glue), still reads on Athena, while Trino's Glue catalog calls it "Not
# an Iceberg table" (UNSUPPORTED_TABLE_TYPE).
PRESTO_VIEW_COMMENT = "Presto View"


def _from_trino(headers: dict[str, str]) -> bool:
    """Trino's Glue client (the AWS SDK for Java), not boto3 (dbt-athena, tests)."""
    agent = next((v for k, v in headers.items() if k.lower() == "user-agent"), "")
    return "aws-sdk-java" in agent.lower()


def _views_as_trino_reads_them(answer: bytes) -> bytes:
    """Glue's answer with every Athena/Trino view's `comment` parameter read as Trino expects
    it. Glue itself keeps what was written (the description, as on AWS): only Trino, standing
    in for Athena's engine, sees the marker."""
    document = json.loads(answer)
    tables = [document["Table"]] if "Table" in document else document.get("TableList", [])
    changed = False
    for table in tables:
        parameters = table.get("Parameters") or {}
        if (
            table.get("TableType") == "VIRTUAL_VIEW"
            and parameters.get("presto_view") == "true"
            and (parameters.get("comment") or "").lower() != PRESTO_VIEW_COMMENT.lower()
        ):
            parameters["comment"] = PRESTO_VIEW_COMMENT
            changed = True
    return json.dumps(document).encode() if changed else answer


_PRESTO_VIEW = re.compile(r"/\*\s*Presto View:\s*(?P<encoded>[A-Za-z0-9+/=]+)\s*\*/")


def _view_with_its_columns(body: bytes) -> bytes:
    """A Glue CreateTable/UpdateTable of a view, with the StorageDescriptor Athena writes.

    Athena stores every version of a view in Glue with its columns (Hive types) in a
    StorageDescriptor, and dbt-athena reads them (get_columns_in_relation, persist_docs, and
    expire_glue_table_versions, which reads each old version's StorageDescriptor.Location).
    Trino writes a view without one; its columns are in the Presto view definition it stores
    in ViewOriginalText. Every other request goes unchanged."""
    import base64

    request = json.loads(body or b"{}")
    table = request.get("TableInput") or {}
    if table.get("TableType") != "VIRTUAL_VIEW" or (table.get("StorageDescriptor") or {}).get(
        "Columns"
    ):
        return body
    match = _PRESTO_VIEW.search(table.get("ViewOriginalText") or "")
    if match is None:
        return body
    view = json.loads(base64.b64decode(match["encoded"]))
    table["StorageDescriptor"] = {
        **(table.get("StorageDescriptor") or {}),
        "Columns": [
            {"Name": column["name"], "Type": hive_type(column["type"]), "Comment": ""}
            for column in view.get("columns", [])
        ],
        "Location": "",
        "SerdeInfo": {},
    }
    return json.dumps(request).encode()


class FacadeError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
