"""Documentation lives with the code: every silver and gold model, and every column it really
outputs, has a description in its YAML (what `dbt docs` shows an auditor)."""

from __future__ import annotations

import json

from tests.conftest import DEV_TARGET_PATH
from tests.warehouse.warehouse import connect, rows


def test_every_model_and_every_output_column_is_described(tiny_warehouse):
    manifest = json.loads((tiny_warehouse.root / DEV_TARGET_PATH / "manifest.json").read_text())
    models = {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
    }
    assert sorted(name for name, node in models.items() if not node["description"].strip()) == []
    with connect(tiny_warehouse) as con:
        columns = rows(
            con,
            "select table_name, column_name from information_schema.columns "
            "where table_schema in ('silver', 'gold') order by table_name, ordinal_position",
        )
    built = {table for table, _ in columns}
    assert built >= {"stg_transactions", "loan_default_features"}  # the query sees the models
    undescribed = [
        f"{table}.{column}"
        for table, column in columns
        if table in models
        and not (models[table]["columns"].get(column.lower(), {}).get("description") or "").strip()
    ]
    assert undescribed == []


def test_descriptions_render_as_plain_text(tiny_warehouse):
    """A description written as `\\"{{ doc(...) }}\\"` in YAML keeps its backslashes and quotes
    in the manifest, so the docs site and the persisted column comments show them literally."""
    manifest = json.loads((tiny_warehouse.root / DEV_TARGET_PATH / "manifest.json").read_text())
    nodes = [*manifest["nodes"].values(), *manifest["sources"].values()]
    texts = {
        f"{node['name']}{'.' + name if name else ''}": description
        for node in nodes
        for name, description in [
            ("", node.get("description") or ""),
            *(
                (column, spec.get("description") or "")
                for column, spec in node.get("columns", {}).items()
            ),
        ]
    }
    assert len(texts) > 500  # every model, source and column was read
    literal = sorted(key for key, text in texts.items() if '\\"' in text or "{{" in text)
    assert literal == []
