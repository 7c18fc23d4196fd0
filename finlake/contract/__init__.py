"""The landing-zone contract (contract/landing.yml) as typed Python objects.

Every stage reads the contract from here: the generator writes files that satisfy it, the
ingestion job matches headers against it, and the tests check gold against its PII list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import yaml

from finlake.errors import ConfigError

CONTRACT_FILE = "landing.yml"
FILE_NAME_PATTERN = re.compile(r"^(?P<entity>[a-z_]+?)_(?P<date>\d{8})(?:_(?P<seq>\d+))?\.csv$")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool = False
    pii: bool = False
    values: tuple[str, ...] = ()
    range: tuple[int, int] | None = None
    references: str | None = None
    note: str | None = None

    @property
    def base_type(self) -> str:
        """`decimal(18,2)` -> `decimal`; other types unchanged."""
        return self.type.split("(", 1)[0]

    @property
    def precision_scale(self) -> tuple[int, int] | None:
        match = re.fullmatch(r"decimal\((\d+),\s*(\d+)\)", self.type)
        return (int(match.group(1)), int(match.group(2))) if match else None


@dataclass(frozen=True)
class Entity:
    name: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    version_column: str | None = None
    event_time: str | None = None
    column_index: dict[str, Column] = field(default_factory=dict, compare=False, repr=False)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    @property
    def pii_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.pii]

    @property
    def is_master_data(self) -> bool:
        """Master data arrives as change records (latest version wins); events are append-only."""
        return self.version_column is not None

    def column(self, name: str) -> Column:
        return self.column_index[name]


@dataclass(frozen=True)
class Contract:
    version: int
    entities: dict[str, Entity]

    def entity(self, name: str) -> Entity:
        try:
            return self.entities[name]
        except KeyError:
            known = ", ".join(self.entities)
            raise ConfigError(f"Unknown entity '{name}'; the contract defines: {known}.") from None

    @property
    def pii_columns(self) -> dict[str, list[str]]:
        return {name: e.pii_columns for name, e in self.entities.items()}


def parse_contract(text: str, source: str = CONTRACT_FILE) -> Contract:
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source} is not valid YAML: {exc}.") from None
    if not isinstance(raw, dict) or "entities" not in raw:
        raise ConfigError(f"{source} has no 'entities' mapping; restore it from the repository.")
    entities: dict[str, Entity] = {}
    for name, spec in raw["entities"].items():
        columns = tuple(
            Column(
                name=col_name,
                type=_column_type(col),
                required=bool(col.get("required", False)),
                pii=bool(col.get("pii", False)),
                values=tuple(col.get("values", ())),
                range=tuple(col["range"]) if "range" in col else None,
                references=col.get("references"),
                note=col.get("note"),
            )
            for col_name, col in spec["columns"].items()
        )
        entities[name] = Entity(
            name=name,
            key=tuple(spec["key"]),
            columns=columns,
            version_column=spec.get("version_column"),
            event_time=spec.get("event_time"),
            column_index={c.name: c for c in columns},
        )
    return Contract(version=1, entities=entities)


def _column_type(col: dict) -> str:
    """The declared type, repairing `{type: decimal(18,2)}`.

    In a YAML flow mapping the comma inside `decimal(18,2)` ends the value, so the parser yields
    type `decimal(18` and a stray key `2)`. The contract is the bank's file, written that way;
    read it as meant rather than ask every reader to know the quirk.
    """
    declared = str(col["type"])
    if declared.count("(") > declared.count(")"):
        rest = [k for k in col if isinstance(k, str) and re.fullmatch(r"\s*\d+\)", k)]
        if len(rest) != 1:
            raise ConfigError(
                f"Column type '{declared}' in the contract is not closed; write it as decimal(p,s)."
            )
        declared = f"{declared},{rest[0].strip()}"
    return declared


@cache
def load_contract(path: str | None = None) -> Contract:
    """The contract shipped with the package, or the file at `path`."""
    if path is not None:
        file = Path(path)
        if not file.is_file():
            raise ConfigError(f"Contract file {file} does not exist; pass an existing landing.yml.")
        return parse_contract(file.read_text(encoding="utf-8"), str(file))
    text = resources.files("finlake.contract").joinpath(CONTRACT_FILE).read_text(encoding="utf-8")
    return parse_contract(text)


def landing_file_name(entity: str, extract_date: str, seq: int | None = None) -> str:
    """`transactions`, `20250601`, 2 -> `transactions_20250601_2.csv` (the contract's naming)."""
    return f"{entity}_{extract_date}{'' if seq is None else f'_{seq}'}.csv"
