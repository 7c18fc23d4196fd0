"""The columns of bronze beyond the contract's own, described once for every reader.

The ingestion job writes, for every landing entity, the contract columns as text, then a token
of each pii column, then the load metadata (ingestion/schemas.py writes them; tests check that it
writes these). `finlake contract render` turns this layout and the contract into the dbt sources
of bronze and the Terraform Glue columns, so a column is named, typed and described here only.

Each column has a plain `comment` (Glue, Athena) and a dbt `description`, which may use the
project's doc blocks (models/docs/columns.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from finlake.contract import Entity

PARTITION_COLUMN = "extract_date"
TOKEN_SUFFIX = "_token"
KEY_SETTING = "FINLAKE_PII_KEY"

# What each token hashes, as ingestion/pii.py normalises the value; any other pii column: trimmed.
TOKEN_INPUT = {
    "email": "the trimmed, lower-cased e-mail",
    "phone": "the phone number in E.164 form (silver's normalise_phone)",
    "national_id": "the national identifier's digits (null when it has none)",
}

# Glue types -> the data_type a dbt source declares (DuckDB, Trino and Athena read them alike).
DBT_TYPE = {"string": "varchar", "int": "integer"}


@dataclass(frozen=True)
class LayoutColumn:
    name: str
    type: str  # Glue type
    comment: str
    description: str | None = None  # dbt description; the comment when None
    pii: bool = False

    @property
    def dbt_type(self) -> str:
        return DBT_TYPE.get(self.type, self.type)

    @property
    def dbt_description(self) -> str:
        return self.description or self.comment


def _doc(name: str) -> str:
    return "{{ doc('" + name + "') }}"


# Appended by the ingestion job after the contract columns and the tokens, in this order.
LOAD_COLUMNS = (
    LayoutColumn(
        "_extra_columns",
        "string",
        "PII (may hold personal data): JSON object of columns the contract does not define; "
        "null when there were none.",
        "Unexpected columns of the landing file, as a JSON object {header as written: value}; "
        "null when none (schema drift).",
        pii=True,
    ),
    LayoutColumn(
        "_source_file", "string", "Landing object the row was read from.", _doc("_source_file")
    ),
    LayoutColumn("_file_checksum", "string", "SHA-256 (hex) of the landed file's bytes."),
    LayoutColumn(
        "_line_number", "bigint", "Line of the row in the landed file.", _doc("_line_number")
    ),
    LayoutColumn("_batch_id", "string", "Ingestion batch that loaded the row.", _doc("_batch_id")),
    LayoutColumn("_loaded_at", "timestamp", "When the row was loaded (UTC).", _doc("_loaded_at")),
)

# bronze/_malformed/<entity>/extract_date=YYYY-MM-DD/: lines that could not be parsed.
MALFORMED_COLUMNS = (
    LayoutColumn("_source_file", "string", "Landing object the line was read from."),
    LayoutColumn("_file_checksum", "string", "SHA-256 (hex) of the landed file."),
    LayoutColumn("_line_number", "bigint", "Line number in the landed file."),
    LayoutColumn(
        "_raw_line",
        "string",
        "PII: the line exactly as delivered (whole records with names, e-mails, national ids).",
        pii=True,
    ),
    LayoutColumn("_reason", "string", "Why the line could not be parsed."),
    LayoutColumn("_batch_id", "string", "Ingestion batch that captured the line."),
    LayoutColumn("_loaded_at", "timestamp", "When the line was captured (UTC)."),
)

# bronze/_load_log/: the load ledger, one row per landed file and attempt (not partitioned).
LOAD_LOG_COLUMNS = (
    LayoutColumn("batch_id", "string", "Ingestion batch.", _doc("_batch_id")),
    LayoutColumn("entity", "string", "Landing entity of the file."),
    LayoutColumn("source_file", "string", "Landing file name."),
    LayoutColumn(
        "file_checksum",
        "string",
        "SHA-256 (hex) of the landed file; a file already loaded with this checksum is skipped.",
    ),
    LayoutColumn("extract_date", "date", "Extract (business) date from the file name."),
    LayoutColumn("attempt", "int", "Load attempt number of this file, from 1."),
    LayoutColumn(
        "status",
        "string",
        "loaded, skipped_duplicate (same bytes already loaded), rejected (e.g. a required column "
        "missing), empty (0 bytes or only a byte order mark) or failed.",
    ),
    LayoutColumn(
        "lines_read",
        "bigint",
        "Records read from the file (a quoted field with a newline makes one record on two "
        "lines); of a duplicate, its first copy's; of a rejected file, its physical lines after "
        "the header.",
    ),
    LayoutColumn("rows_written", "bigint", "Rows written to bronze."),
    LayoutColumn("malformed_count", "bigint", "Records captured in bronze/_malformed."),
    LayoutColumn(
        "reject_reason",
        "string",
        "Why the file was rejected, in one sentence; null when it was loaded.",
    ),
    LayoutColumn(
        "schema_drift", "string", "Unexpected columns of the file as a JSON list; null when none."
    ),
    LayoutColumn("started_at", "timestamp", "When the attempt started (UTC)."),
    LayoutColumn("finished_at", "timestamp", "When the attempt finished (UTC)."),
)


def token_column(entity: Entity, column: str) -> LayoutColumn:
    """`<column>_token`: the keyed hash of a pii column the ingestion job writes."""
    hashed = TOKEN_INPUT.get(column, f"the trimmed {column}")
    return LayoutColumn(
        column + TOKEN_SUFFIX,
        "string",
        f"HMAC-SHA256 token (hex) of {hashed}, computed by the ingestion job (the key stays in "
        "Secrets Manager); null when blank.",
        f"HMAC-SHA256 token (hex) of {hashed}, computed by the ingestion job under "
        f"{KEY_SETTING} (ingestion/pii.py); null when blank.",
    )


def contract_column(entity: Entity, column: str, docs: set[str]) -> LayoutColumn:
    """A contract column as bronze holds it: text as delivered.

    Its dbt description reuses the project's doc block of the column: `<entity singular>_<column>`
    when there is one (accounts.status -> account_status), else `<column>`, else the contract's
    note.
    """
    spec = entity.column(column)
    pii = spec.pii
    comment = (
        "PII (landing contract): as delivered; tokenised or dropped before gold."
        if pii
        else "As delivered; typed in silver."
    )
    singular = entity.name[:-1] if entity.name.endswith("s") else entity.name
    doc = next((d for d in (f"{singular}_{column}", column) if d in docs), None)
    if doc:
        described = f"As delivered (text). {_doc(doc)}"
    elif spec.note:
        described = f"As delivered (text). {spec.note}."
    else:
        described = "As delivered (text)."
    return LayoutColumn(column, "string", comment, described, pii=pii)


def entity_columns(entity: Entity, docs: set[str] = frozenset()) -> list[LayoutColumn]:
    """Contract columns, then the tokens of the pii columns: every bronze file's columns before
    the load metadata (LOAD_COLUMNS)."""
    return [contract_column(entity, c, docs) for c in entity.column_names] + [
        token_column(entity, c) for c in entity.pii_columns
    ]


def record_name(entity: Entity) -> str:
    """`loan_payments` -> `loan payment`."""
    singular = entity.name[:-1] if entity.name.endswith("s") else entity.name
    return singular.replace("_", " ")


def entity_table_description(entity: Entity) -> str:
    record = record_name(entity)
    if entity.is_master_data:
        return (
            f"One row per delivered {record} record (a snapshot row or a change record), as text."
        )
    return f"One row per delivered {record} event, as text; a re-sent event appears again."
