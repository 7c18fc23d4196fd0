"""The alert rules file (alerts/rules.yml): read, check, render.

Each rule: name, description, model (the gold or silver model it reads), topic, severity,
optional threshold, message (a template over the query's columns) and sql (with ${gold},
${silver}, ${threshold}). The Lambda reads the same rules as JSON (Terraform's
`jsonencode(yamldecode(...))` of this file), so the loader takes either.
"""

from __future__ import annotations

import json
import os
import re
import string
from dataclasses import dataclass
from pathlib import Path

from finlake.errors import ConfigError

RULES_FILE = Path(__file__).resolve().parents[2] / "alerts" / "rules.yml"
SEVERITIES = ("info", "warning", "high", "critical")
TOPICS = ("risk", "fraud", "compliance", "data-quality")
KEY_COLUMN = "occurrence_key"
# The layers a rule may read, and the variable that names each one's schema on an engine (the
# same variables generate_schema_name reads: macros/schema/generate_schema_name.sql).
LAYERS = ("gold", "silver")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_FIELDS = {"name", "description", "model", "topic", "severity", "threshold", "message", "sql"}


@dataclass(frozen=True)
class Rule:
    name: str
    description: str
    model: str
    topic: str
    severity: str
    message: str
    sql: str
    threshold: float | None = None

    def render(self, schemas: dict[str, str]) -> str:
        """The rule's SQL with ${gold}, ${silver} and ${threshold} filled in."""
        values = {**schemas}
        if self.threshold is not None:
            values["threshold"] = _number(self.threshold)
        return string.Template(self.sql).substitute(values).strip().rstrip(";")

    def describe(self, row: dict[str, object]) -> str:
        """The message for one occurrence; a column the template names but the row lacks is
        a broken rule, reported by name."""
        values = {k: "" if v is None else v for k, v in row.items()}
        if self.threshold is not None:
            values.setdefault("threshold", _number(self.threshold))
        try:
            return self.message.format_map(values)
        except (KeyError, IndexError, ValueError) as exc:
            raise ConfigError(
                f"Alert rule {self.name}: its message names {exc} which its query does not "
                "return; add the column to the query or fix the message in the rules file."
            ) from None


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def schemas_from_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The schema (Athena: Glue database) of each layer: FINLAKE_<LAYER>_SCHEMA, else the
    layer's name (the dev warehouse's)."""
    env = os.environ if env is None else env
    return {layer: env.get(f"FINLAKE_{layer.upper()}_SCHEMA") or layer for layer in LAYERS}


def _parse(path: Path) -> object:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return json.loads(text)
    import yaml  # only for the YAML source; the Lambda reads the JSON rendering

    return yaml.safe_load(text)


def load_rules(path: Path | str = RULES_FILE) -> list[Rule]:
    """The rules of a rules file (YAML or JSON), checked; ConfigError names the rule and field."""
    path = Path(path)
    try:
        data = _parse(path)
    except FileNotFoundError:
        raise ConfigError(f"No alert rules file at {path}; pass --rules FILE.") from None
    except Exception as exc:  # a YAML or JSON syntax error, whichever parser
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ConfigError(f"{path} is not valid YAML/JSON ({first}); fix the file.") from None
    return rules_from_data(data, str(path))


def rules_from_data(data: object, source: str) -> list[Rule]:
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise ConfigError(f"{source} must hold a `rules:` list; see alerts/rules.yml.")
    rules: list[Rule] = []
    for index, raw in enumerate(data["rules"], start=1):
        rules.append(_rule(raw, f"{source}, rule {index}"))
    names = [r.name for r in rules]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ConfigError(f"{source}: rule names must be unique; {', '.join(duplicates)} repeat.")
    return rules


def _rule(raw: object, where: str) -> Rule:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where} is not a mapping of fields; see alerts/rules.yml.")
    unknown = sorted(set(raw) - _FIELDS)
    if unknown:
        raise ConfigError(
            f"{where}: unknown field {', '.join(unknown)}; allowed: {sorted(_FIELDS)}."
        )
    for field in ("name", "description", "model", "topic", "severity", "message", "sql"):
        if not isinstance(raw.get(field), str) or not raw[field].strip():
            raise ConfigError(f"{where}: `{field}` is missing or empty; give it as text.")
    name = raw["name"]
    where = f"{where} ({name})"
    if not _NAME.match(name):
        raise ConfigError(f"{where}: the name must be lowercase letters, digits and _.")
    if raw["severity"] not in SEVERITIES:
        raise ConfigError(f"{where}: severity {raw['severity']!r} is not one of {SEVERITIES}.")
    if raw["topic"] not in TOPICS:
        raise ConfigError(f"{where}: topic {raw['topic']!r} is not one of {TOPICS}.")
    threshold = raw.get("threshold")
    if threshold is not None and (
        isinstance(threshold, bool) or not isinstance(threshold, int | float)
    ):
        raise ConfigError(f"{where}: threshold {threshold!r} must be a number.")
    placeholders = _placeholders(raw["sql"])
    allowed = set(LAYERS) | ({"threshold"} if threshold is not None else set())
    if placeholders - allowed:
        missing = ", ".join(sorted(placeholders - allowed))
        raise ConfigError(
            f"{where}: the sql uses ${{{missing}}}, which is not one of "
            f"{sorted(allowed)}; a ${{threshold}} needs a `threshold:` field."
        )
    if not placeholders & set(LAYERS):
        raise ConfigError(
            f"{where}: the sql names no layer; read models as ${{gold}}.<model> or "
            "${silver}.<model> so that the schema follows the engine."
        )
    if KEY_COLUMN not in raw["sql"]:
        raise ConfigError(f"{where}: the sql must return a column `{KEY_COLUMN}`.")
    return Rule(
        name=name,
        description=" ".join(raw["description"].split()),
        model=raw["model"],
        topic=raw["topic"],
        severity=raw["severity"],
        message=raw["message"],
        sql=raw["sql"],
        threshold=None if threshold is None else float(threshold),
    )


def _placeholders(sql: str) -> set[str]:
    found = set()
    for match in string.Template.pattern.finditer(sql):
        if match.group("invalid") is not None:
            raise ConfigError(f"A lone `$` in a rule's sql: {sql[match.start() :][:40]!r}.")
        name = match.group("named") or match.group("braced")
        if name:
            found.add(name)
    return found
