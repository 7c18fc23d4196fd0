"""Render the landing contract as a dbt macro, so SQL is generated from the one contract file.

`finlake contract render` (finlake/contract/render.py) writes it to
macros/contract/landing_contract.sql; tests/contract/test_render.py fails when the committed
macro and the contract disagree.
"""

from __future__ import annotations

import json

from finlake.contract import Contract, load_contract

HEADER = """{#-
    GENERATED from finlake/contract/landing.yml by `finlake contract render`; do not edit by
    hand. landing_contract() returns the contract as a dict:
    entity -> {key, version_column, event_time, columns: [{name, type, base_type, required,
    pii, values, range, references, precision, scale}]}.
-#}
"""


def contract_dict(contract: Contract) -> dict:
    out = {}
    for name, entity in contract.entities.items():
        columns = []
        for c in entity.columns:
            ps = c.precision_scale
            columns.append(
                {
                    "name": c.name,
                    "type": c.type,
                    "base_type": c.base_type,
                    "required": c.required,
                    "pii": c.pii,
                    "values": list(c.values),
                    "range": list(c.range) if c.range else None,
                    "references": c.references,
                    "precision": ps[0] if ps else None,
                    "scale": ps[1] if ps else None,
                }
            )
        out[name] = {
            "key": list(entity.key),
            "version_column": entity.version_column,
            "event_time": entity.event_time,
            "columns": columns,
        }
    return out


def jinja_literal(value, indent: int = 0) -> str:
    """A Jinja literal for plain data (JSON, except that null is spelled none)."""
    pad, inner = "  " * indent, "  " * (indent + 1)
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return json.dumps(value)
    if isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value):
            return "[" + ", ".join(jinja_literal(v) for v in value) + "]"
        return (
            "[\n"
            + ",\n".join(inner + jinja_literal(v, indent + 1) for v in value)
            + "\n"
            + pad
            + "]"
        )
    items = [f"{inner}{json.dumps(k)}: {jinja_literal(v, indent + 1)}" for k, v in value.items()]
    return "{\n" + ",\n".join(items) + "\n" + pad + "}"


def render(contract: Contract | None = None) -> str:
    data = jinja_literal(contract_dict(contract or load_contract()))
    return f"{HEADER}{{% macro landing_contract() %}}\n{{{{ return({data}) }}}}\n{{% endmacro %}}\n"
