"""Render the landing contract as a dbt macro, so SQL is generated from the one contract file.

`finlake contract render` (finlake/contract/render.py) writes it to
macros/contract/landing_contract.sql; tests/contract/test_render.py fails when the committed
macro and the contract disagree, and tests/contract/test_dbt_macro.py that what the macro returns
is `contract_dict` of the contract.

The macro holds the contract as data in the contract's own words, one line a column naming only
what landing.yml says of it; macros/contract/expand_landing_contract.sql (written by hand) fills
in the rest the way finlake.contract does: the defaults (not required, not personal data, no
values, range or reference) and what the type implies (`decimal(18,2)`: base type `decimal`,
precision 18, scale 2).
"""

from __future__ import annotations

import json

from finlake.contract import Column, Contract, load_contract

HEADER = """{#-
    GENERATED from finlake/contract/landing.yml by `finlake contract render`; do not edit by
    hand. landing_contract() returns the contract as a dict:
    entity -> {key, version_column, event_time, columns: [{name, type, base_type, required,
    pii, values, range, references, precision, scale}]}.
-#}
"""

# What a column spec leaves out is what the contract's defaults say (expand_landing_contract).
COLUMN_DEFAULTS = {"required": False, "pii": False, "values": [], "range": None, "references": None}


def contract_dict(contract: Contract) -> dict:
    """The value landing_contract() returns."""
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


def jinja_literal(value) -> str:
    """A one-line Jinja literal for plain data (JSON, except that null is spelled none)."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(jinja_literal(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)}: {jinja_literal(v)}" for k, v in value.items()) + "}"


def column_spec(column: Column) -> dict:
    """What the contract says of a column: its name, its type, and what differs from a default."""
    said = {
        "required": column.required,
        "pii": column.pii,
        "values": list(column.values),
        "range": list(column.range) if column.range else None,
        "references": column.references,
    }
    return {
        "name": column.name,
        "type": column.type,
        **{k: v for k, v in said.items() if v != COLUMN_DEFAULTS[k]},
    }


def render(contract: Contract | None = None) -> str:
    contract = contract or load_contract()
    lines = [HEADER.rstrip("\n"), "{% macro landing_contract() %}", "{%- set entities = {"]
    for name, entity in contract.entities.items():
        head = {"key": list(entity.key)}
        if entity.version_column:
            head["version_column"] = entity.version_column
        if entity.event_time:
            head["event_time"] = entity.event_time
        lines.append(f'    {json.dumps(name)}: {jinja_literal(head)[:-1]}, "columns": [')
        lines += [f"        {jinja_literal(column_spec(c))}," for c in entity.columns]
        lines.append("    ]},")
    lines += ["} -%}", "{{ return(finlake.expand_landing_contract(entities)) }}", "{% endmacro %}"]
    return "\n".join(lines) + "\n"
