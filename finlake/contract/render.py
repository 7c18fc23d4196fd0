"""`finlake contract render`: write every file derived from the landing contract.

The contract (finlake/contract/landing.yml) is the one place an entity and its columns are
declared. From it, and the bronze layout (finlake/contract/bronze.py), this writes:

    macros/contract/landing_contract.sql   the contract as a dbt macro (typing, checks, and the
                                           silver entity list of quarantine and reconciliation)
    models/silver/_sources.yml             the `bronze` source (the rest of the file is kept)
    models/silver/quality/quarantine.yml   the entity names the quarantine accepts
    terraform/modules/catalog/contract.tf  the Glue columns of the bronze tables

and, for an entity with no silver models yet, starting YAML for the two models the guide
docs/add-a-landing-entity.md asks for (written once, never overwritten: they are yours to edit).
tests/contract/test_render.py fails when a committed file differs from its rendering.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from finlake.contract import CONTRACT_FILE, Contract, Entity, parse_contract
from finlake.contract import bronze as layout
from finlake.contract.dbt_macro import render as render_macro
from finlake.errors import ConfigError
from finlake.lake import BRONZE, LOAD_LOG_DIR

CONTRACT_PATH = Path("finlake") / "contract" / CONTRACT_FILE
COMMAND = "finlake contract render"
# The dbt folder of the 1:1 models over the bronze tables (a folder of models/, not the lake's
# bronze zone, which finlake/lake.py names).
ONE_TO_ONE_MODELS = Path("models", "silver", "bronze")
GENERATED = f"GENERATED from {CONTRACT_PATH} by `{COMMAND}`; do not edit by hand."
DOC_BLOCK = re.compile(r"{%-?\s*docs\s+(\w+)\s*-?%}")


@dataclass(frozen=True)
class Artefact:
    path: Path  # relative to the project root
    render: Callable[[Path, Contract, str], str]  # (project, contract, current text) -> text


def project_contract(project: Path) -> Contract:
    """The contract file of `project`, read afresh (load_contract caches by path)."""
    file = project / CONTRACT_PATH
    if not file.is_file():
        raise ConfigError(f"{file} does not exist; pass --project the folder of a finlake clone.")
    return parse_contract(file.read_text(encoding="utf-8"), str(file))


def doc_blocks(project: Path) -> set[str]:
    """Names of the dbt doc blocks of the project (models/**/*.md)."""
    return {
        name
        for path in sorted((project / "models").rglob("*.md"))
        for name in DOC_BLOCK.findall(path.read_text(encoding="utf-8"))
    }


# ---------------------------------------------------------------------------------------------
# models/silver/_sources.yml: the bronze source
# ---------------------------------------------------------------------------------------------

BRONZE_SOURCE_HEAD = f"""\
- name: bronze
  # {GENERATED}
  description: >
    The audit copy of what the bank delivered, written by the ingestion job (ingestion/): every
    landing-contract column as text exactly as delivered, plus load metadata. On the dev target,
    views over the Parquet files under <lake>/bronze (registered by the on-run-start hook
    register_lake_views); on prod, Glue tables over s3://<lake>/bronze with partition projection
    on extract_date; on trino, Hive tables over the same files.
  schema: "{{{{ env_var('FINLAKE_BRONZE_SCHEMA', 'bronze') }}}}"
  database: "{{{{ env_var('FINLAKE_BRONZE_DATABASE', '') or target.database }}}}"
  # Freshness on the business date: extract_date (the partition column), against the lake's
  # latest extract date (macros/freshness/collect_freshness.sql, finlake/freshness.py).
  loaded_at_field: extract_date
  freshness:
    warn_after:
      count: 2
      period: day
    error_after:
      count: 7
      period: day
  tables:
"""


def _scalar(value) -> str:
    """A YAML scalar: plain where YAML allows it, else double-quoted (JSON is valid YAML)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    plain = yaml.safe_dump(value, width=1_000_000, default_style=None).rstrip("\n")
    plain = plain.removesuffix("\n...")
    return json.dumps(value) if plain[:1] in ("'", '"') or "\n" in plain else plain


def _column_lines(columns: list[tuple[str, str, str]], indent: str) -> list[str]:
    lines = []
    for name, data_type, description in columns:
        lines += [
            f"{indent}- name: {_scalar(name)}",
            f"{indent}  data_type: {_scalar(data_type)}",
            f"{indent}  description: {_scalar(description)}",
        ]
    return lines


def bronze_tables(contract: Contract, docs: set[str]) -> str:
    lines: list[str] = []
    for name, entity in contract.entities.items():
        columns = [
            (c.name, c.dbt_type, c.dbt_description)
            for c in [*layout.entity_columns(entity, docs), *layout.LOAD_COLUMNS]
        ]
        columns.append(
            (layout.PARTITION_COLUMN, "date", "{{ doc('extract_date') }} Partition column.")
        )
        lines += [
            f"  - name: {name}",
            "    meta:",
            f"      lake_path: {BRONZE}/{name}/*/*.parquet",
            f"    description: {_scalar(layout.entity_table_description(entity))}",
            "    columns:",
            *_column_lines(columns, "    "),
        ]
    lines += [
        "  - name: load_log",
        "    identifier: _load_log",
        "    description: >",
        "      The ingestion ledger: one row per landing file and load attempt, with lines read,",
        "      rows written, malformed lines and the status (loaded, skipped_duplicate, rejected,",
        "      failed).",
        "    loaded_at_field: finished_at",
        "    freshness: null",
        "    meta:",
        f"      lake_path: {BRONZE}/{LOAD_LOG_DIR}/*.parquet",
        "      hive_partitioning: false",
        "    columns:",
        *_column_lines(
            [(c.name, c.dbt_type, c.dbt_description) for c in layout.LOAD_LOG_COLUMNS], "    "
        ),
    ]
    return "\n".join(lines) + "\n"


def render_sources(project: Path, contract: Contract, current: str) -> str:
    """The file with its `bronze` source rendered; every other source kept as written."""
    lines = current.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.startswith("- name:")]
    bronze = [i for i in starts if lines[i].strip() == "- name: bronze"]
    if len(bronze) != 1:
        raise ConfigError(
            "models/silver/_sources.yml has no top-level `- name: bronze` source; restore it "
            f"from the repository and run {COMMAND}."
        )
    begin = bronze[0]
    end = next((i for i in starts if i > begin), len(lines))
    block = BRONZE_SOURCE_HEAD + bronze_tables(contract, doc_blocks(project))
    return "".join(lines[:begin]) + block + "".join(lines[end:])


# ---------------------------------------------------------------------------------------------
# models/silver/quality/quarantine.yml: the entity names
# ---------------------------------------------------------------------------------------------

ENTITY_VALUES = re.compile(r"^(\s*arguments: \{values: \[)[^\]]*(\]\}.*)$")


def render_quarantine(project: Path, contract: Contract, current: str) -> str:
    lines = current.splitlines(keepends=True)
    at = next((i for i, line in enumerate(lines) if line.strip() == "- name: entity"), None)
    hit = None
    if at is not None:
        hit = next(
            (i for i in range(at + 1, min(at + 8, len(lines))) if ENTITY_VALUES.match(lines[i])),
            None,
        )
    if hit is None:
        raise ConfigError(
            "models/silver/quality/quarantine.yml has no `arguments: {values: [...]}` under its "
            f"`entity` column; restore it from the repository and run {COMMAND}."
        )
    match = ENTITY_VALUES.match(lines[hit])
    names = ", ".join(contract.entities)
    lines[hit] = f"{match.group(1)}{names}{match.group(2)}\n"
    return "".join(lines)


# ---------------------------------------------------------------------------------------------
# terraform/modules/catalog/contract.tf
# ---------------------------------------------------------------------------------------------


def _hcl_object(column: layout.LayoutColumn) -> str:
    return (
        f"{{ name = {json.dumps(column.name)}, type = {json.dumps(column.type)}, "
        f"pii = {'true' if column.pii else 'false'}, comment = {json.dumps(column.comment)} }}"
    )


def _hcl_list(columns, indent: str) -> list[str]:
    return [f"{indent}  {_hcl_object(c)}," for c in columns]


def render_terraform(project: Path, contract: Contract, current: str) -> str:
    lines = [
        f"# {GENERATED}",
        "# The bronze schema: the columns of each entity table (the contract's, as text, then a",
        "# token of each pii column) and the load metadata the ingestion job appends, described in",
        "# finlake/contract/bronze.py. main.tf builds the Glue tables from these locals.",
        "",
        "locals {",
        "  # Per entity, in the order of its bronze files; the load columns follow.",
        "  bronze_entity_columns = {",
    ]
    for name, entity in contract.entities.items():
        lines += [f"    {name} = [", *_hcl_list(layout.entity_columns(entity), "    "), "    ]"]
    lines += [
        "  }",
        "",
        "  # Appended by the ingestion job after every entity's columns, in this order.",
        "  # `_extra_columns` holds values of columns the contract does not know: flagged PII.",
        "  bronze_load_columns = [",
        *_hcl_list(layout.LOAD_COLUMNS, "  "),
        "  ]",
        "",
        "  # bronze/_malformed/<entity>/extract_date=YYYY-MM-DD/: lines that could not be parsed.",
        "  # `_raw_line` is a whole delivered record: flagged PII.",
        "  bronze_malformed_columns = [",
        *_hcl_list(layout.MALFORMED_COLUMNS, "  "),
        "  ]",
        "",
        "  # bronze/_load_log/: the load ledger, one row per landed file and attempt.",
        "  bronze_load_log_columns = [",
        *_hcl_list(layout.LOAD_LOG_COLUMNS, "  "),
        "  ]",
        "}",
    ]
    return "\n".join(lines) + "\n"


def render_macro_file(project: Path, contract: Contract, current: str) -> str:
    return render_macro(contract)


ARTEFACTS = (
    Artefact(Path("macros/contract/landing_contract.sql"), render_macro_file),
    Artefact(Path("models/silver/_sources.yml"), render_sources),
    Artefact(Path("models/silver/quality/quarantine.yml"), render_quarantine),
    Artefact(Path("terraform/modules/catalog/contract.tf"), render_terraform),
)


def rendered(project: Path, contract: Contract | None = None) -> dict[Path, str]:
    """Each derived file (relative path) -> the text the contract gives it."""
    contract = contract or project_contract(project)
    out = {}
    for artefact in ARTEFACTS:
        file = project / artefact.path
        current = file.read_text(encoding="utf-8") if file.is_file() else ""
        out[artefact.path] = artefact.render(project, contract, current)
    return out


def stale(project: Path) -> list[Path]:
    """The derived files whose committed text differs from their rendering."""
    return [
        path
        for path, text in rendered(project).items()
        if not (project / path).is_file() or (project / path).read_text(encoding="utf-8") != text
    ]


# ---------------------------------------------------------------------------------------------
# Starting YAML for a new entity's two silver models
# ---------------------------------------------------------------------------------------------

CHECKED_TAIL = [
    ("has_corrected_amount", ["not_null"]),
    ("_copy_number", ["not_null"]),
    ("_contract_problems", []),
    ("_raw_record", []),
    ("_reason_codes", []),
    ("_disposition", ["not_null"]),
    ("extract_date", ["not_null"]),
    ("_batch_id", ["not_null"]),
    ("_source_file", ["not_null"]),
    ("_line_number", ["not_null"]),
    ("_loaded_at", []),
]
LINEAGE = ["_extract_date", "_batch_id", "_source_file", "_line_number", "_loaded_at"]


def _described(entity: Entity, column: str, docs: set[str]) -> str:
    """The column's doc block or contract note; else what the contract says of it."""
    text = layout.contract_column(entity, column, docs).dbt_description
    if text != "As delivered (text).":
        return text.removeprefix("As delivered (text). ")
    spec = entity.column(column)
    kind = f"{spec.type}: {', '.join(spec.values)}" if spec.values else spec.type
    return f"Landing-contract column {column} ({kind})."


def _column_tests(entity: Entity, column: str) -> list:
    spec = entity.column(column)
    tests: list = []
    if list(entity.key) == [column]:
        tests.append("unique")
    if spec.required:
        tests.append("not_null")
    if spec.values:
        tests.append({"accepted_values": {"arguments": {"values": list(spec.values)}}})
    if spec.range:
        low, high = spec.range
        tests.append({"accepted_range": {"arguments": {"min_value": low, "max_value": high}}})
    if spec.references:
        parent, key = spec.references.split(".", 1)
        tests.append({"relationships": {"arguments": {"to": f"ref('stg_{parent}')", "field": key}}})
    return tests


def starting_yaml(entity: Entity, docs: set[str]) -> dict[Path, str]:
    """int_<entity>__checked.yml and stg_<entity>.yml, derived from the contract, and the 1:1
    model over bronze (bronze_model)."""
    name = entity.name
    checked_columns = [
        {"name": c, "description": _described(entity, c, docs)} for c in entity.column_names
    ]
    for column, tests in CHECKED_TAIL:
        entry = {"name": column, "description": "{{ doc('" + column + "') }}"}
        if tests:
            entry["data_tests"] = list(tests)
        checked_columns.append(entry)
    checked = {
        "version": 2,
        "models": [
            {
                "name": f"int_{name}__checked",
                "description": (
                    f"One row per {layout.record_name(entity)} record delivered: every contract "
                    "column typed (null "
                    "where the text does not parse), the problems found, and where the row goes "
                    "(_disposition). Silver, the quarantine and the reconciliation read it."
                ),
                "data_tests": [
                    {
                        "unique_combination_of_columns": {
                            "arguments": {"combination_of_columns": ["_batch_id", "_line_number"]}
                        }
                    }
                ],
                "columns": checked_columns,
            }
        ],
    }
    stg_columns = []
    for column in entity.column_names:
        entry = {"name": column, "description": _described(entity, column, docs)}
        tests = _column_tests(entity, column)
        if tests:
            entry["data_tests"] = tests
        stg_columns.append(entry)
    stg_columns.append(
        {"name": "has_corrected_amount", "description": "{{ doc('has_corrected_amount') }}"}
    )
    stg_columns += [{"name": c, "description": "{{ doc('" + c + "') }}"} for c in LINEAGE]
    key = ", ".join(entity.key)
    grain = (
        f"One row per {key}: its latest valid version by {entity.version_column}."
        if entity.is_master_data
        else f"One row per {key}: the first valid delivery of each."
    )
    stg = {
        "version": 2,
        "models": [{"name": f"stg_{name}", "description": grain, "columns": stg_columns}],
    }
    folder = Path("models") / "silver" / name
    return {
        folder / f"int_{name}__checked.yml": _yaml(checked),
        folder / f"stg_{name}.yml": _yaml(stg),
        **bronze_model(entity, docs),
    }


BRONZE_MODEL_TAIL = [
    "has_corrected_amount",
    "_contract_problems",
    "_raw_record",
    "extract_date",
    "_source_file",
    "_line_number",
    "_batch_id",
    "_loaded_at",
]


def bronze_model(entity: Entity, docs: set[str]) -> dict[Path, str]:
    """The 1:1 model over the entity's bronze table, stg_bronze__<entity> (SQL and YAML): the
    only model that reads the source; it types and checks every delivered row (typed_bronze).
    The SQL is one macro call, as the other entities' are (`typed_bronze_model`); an entity with
    personal data writes its model out instead to reduce it there (see stg_bronze__customers.sql:
    typed_bronze keeps only the tokens until it does)."""
    name = entity.name
    sql = (
        f"{{#- The bronze {name}, one row per delivered record, typed and checked against the "
        "contract (macros/cleaning/typed_bronze.sql). -#}\n\n"
        f"{{{{ finlake.typed_bronze_model('{name}') }}}}\n"
    )
    columns = [
        {"name": c, "description": _described(entity, c, docs)}
        for c in entity.column_names
        if not entity.column(c).pii
    ]
    columns += [
        {"name": f"{c}_token", "description": f"Keyed-hash token of {c} (bronze {c}_token)."}
        for c in entity.column_names
        if entity.column(c).pii
    ]
    columns += [{"name": c, "description": "{{ doc('" + c + "') }}"} for c in BRONZE_MODEL_TAIL]
    model = {
        "name": f"stg_bronze__{name}",
        "description": (
            f"One row per {layout.record_name(entity)} record in bronze: the 1:1 model of the "
            "bronze table, the only model that reads it. Every contract column typed (null where "
            "the text does not parse), the contract problems, the raw record and the lineage; no "
            f"filter, window or aggregate (int_{name}__checked decides where each row goes)."
        ),
        "columns": columns,
    }
    folder = ONE_TO_ONE_MODELS
    return {
        folder / f"stg_bronze__{name}.sql": sql,
        folder / f"stg_bronze__{name}.yml": _yaml({"version": 2, "models": [model]}),
    }


class _Dumper(yaml.SafeDumper):
    """Jinja in a string ({{ doc('x') }}) double-quoted, as the project writes it."""


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = '"' if "'" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _represent_text)


def _yaml(document: dict) -> str:
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, width=100)


def described_models(project: Path) -> set[str]:
    """Names of the models some YAML file under models/ describes."""
    names = set()
    for path in (project / "models").rglob("*.yml"):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        names |= {m["name"] for m in document.get("models") or [] if "name" in m}
    return names


def render_project(project: Path) -> tuple[list[Path], list[Path]]:
    """Write every derived file that differs, and the starting files of new entities.

    Returns (rewritten derived files, new starting files). Every text is computed before the
    first write, so a contract error leaves every file as it was."""
    contract = project_contract(project)
    texts = rendered(project, contract)
    docs = doc_blocks(project)
    described = described_models(project)
    new: dict[Path, str] = {}
    for entity in contract.entities.values():
        for path, text in starting_yaml(entity, docs).items():
            if path.stem not in described and not (project / path).exists():
                new[path] = text
    changed = []
    for path, text in texts.items():
        file = project / path
        if not file.is_file() or file.read_text(encoding="utf-8") != text:
            _write(file, text)
            changed.append(path)
    for path, text in new.items():
        _write(project / path, text)
    return changed, list(new)


def _write(file: Path, text: str) -> None:
    """Write through a sibling temporary file and a rename, so no reader sees half a file."""
    file.parent.mkdir(parents=True, exist_ok=True)
    temporary = file.with_name(f".{file.name}.rendering")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(file)
