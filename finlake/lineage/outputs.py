"""What `finlake lineage` writes: OpenLineage column-lineage facets (JSON) and a static HTML page.

lineage.json   {"producer", "target", "datasets": [{"namespace", "name", "facets":
               {"columnLineage": {"_producer", "_schemaURL", "fields": {column: {"inputFields":
               [{"namespace", "name", "field", "transformations": [{"type": "DIRECT",
               "subtype", "description", "masking"}]}]}}}}}], "summary": {...}}: one dataset per
               landing entity, bronze table, seed and model, the shape of OpenLineage's
               ColumnLineageDatasetFacet (spec 1-2-0), one hop per input field.
lineage.html   one self-contained file (no network): a search box over every column; for the
               column searched, where its value comes from (the origins and every hop) and which
               gold columns it reaches. The same answers are in its static tables for readers
               without JavaScript.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from finlake.lineage.graph import Lineage

PRODUCER = "https://github.com/finlake/finlake/tree/main/finlake/lineage"
SCHEMA_URL = (
    "https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json"
    "#/$defs/ColumnLineageDatasetFacet"
)
NAMESPACE = "finlake"
# A custom dataset facet (OpenLineage allows them, prefixed by the producer's name): per column,
# the landing contract's pii flag carried along the lineage (Lineage.classification).
CLASSIFICATION_FACET = "finlake_classification"
CLASSIFICATION_SCHEMA_URL = PRODUCER + "/outputs.py#classification"


def openlineage_document(lineage: Lineage, target: str) -> dict:
    datasets = []
    for name, dataset in lineage.datasets.items():
        fields = {}
        for column in dataset.columns:
            edges = lineage.edges.get((name, column), [])
            if not edges:
                continue
            fields[column] = {
                "inputFields": [
                    {
                        "namespace": f"{NAMESPACE}://{target}",
                        "name": e.input_dataset,
                        "field": e.input_column,
                        "transformations": [
                            {
                                "type": "DIRECT",
                                "subtype": e.subtype,
                                "description": e.description,
                                "masking": e.masking,
                            }
                        ],
                    }
                    for e in edges
                ]
            }
        entry = {"namespace": f"{NAMESPACE}://{target}", "name": name, "layer": dataset.layer}
        facets = {}
        if fields:
            facets["columnLineage"] = {
                "_producer": PRODUCER,
                "_schemaURL": SCHEMA_URL,
                "fields": fields,
            }
        classified = {c: lineage.classification(name, c) for c in dataset.columns}
        flagged = {c: v for c, v in classified.items() if v["pii"] or v["pii_derived"]}
        if flagged:
            facets[CLASSIFICATION_FACET] = {
                "_producer": PRODUCER,
                "_schemaURL": CLASSIFICATION_SCHEMA_URL,
                "fields": flagged,
            }
        if facets:
            entry["facets"] = facets
        datasets.append(entry)
    return {
        "producer": PRODUCER,
        "target": target,
        "datasets": datasets,
        "summary": summary(lineage),
        "critical_data_elements": lineage.cdes,
    }


def summary(lineage: Lineage) -> dict:
    gold = lineage.gold_contract_columns()
    untraced = lineage.untraced_gold()
    return {
        "models": sum(1 for d in lineage.datasets.values() if d.layer in ("silver", "gold")),
        "columns": sum(len(d.columns) for d in lineage.datasets.values()),
        "gold_contract_columns": len(gold),
        "gold_contract_columns_traced": len(gold) - len(untraced),
        "untraced": {f"{d}.{c}": reasons for (d, c), reasons in sorted(untraced.items())},
        "seconds": round(lineage.seconds, 2),
    }


def page_data(lineage: Lineage) -> dict:
    """Everything the page shows, keyed by "dataset.column"."""
    columns = {}
    gold = set(lineage.gold_contract_columns())
    for name, dataset in lineage.datasets.items():
        for column in dataset.columns:
            key = (name, column)
            columns[f"{name}.{column}"] = {
                "layer": dataset.layer,
                "origin": lineage.origins.get(key),
                "note": lineage.notes.get(key) or lineage.untraceable.get(key),
                "inputs": [
                    [f"{e.input_dataset}.{e.input_column}", e.subtype, e.masking]
                    for e in lineage.edges.get(key, [])
                ],
                "sources": sorted(f"{d}.{c}" for d, c in lineage.sources_of(*key)),
                "classification": _label(lineage.classification(*key)),
                "gold": key in gold,
            }
    return columns


def _label(classified: dict) -> str:
    return "pii" if classified["pii"] else "pii_derived" if classified["pii_derived"] else ""


def reach(lineage: Lineage, dataset: str, column: str) -> list[str]:
    """The gold contract columns a column's value reaches."""
    gold = set(lineage.gold_contract_columns())
    return sorted(f"{d}.{c}" for d, c in lineage.downstream_of(dataset, column) & gold)


_SCRIPT = """
const data = JSON.parse(document.getElementById('lineage-data').textContent);
const readers = {};
for (const [name, col] of Object.entries(data)) {
  for (const [input] of col.inputs) (readers[input] = readers[input] || []).push(name);
}
function reach(name) {
  const found = new Set(), stack = [name];
  while (stack.length) for (const r of readers[stack.pop()] || []) {
    if (!found.has(r)) { found.add(r); stack.push(r); }
  }
  return [...found].filter(n => data[n].gold).sort();
}
function path(name, depth, seen) {
  const col = data[name]; if (!col) return '';
  const pad = '  '.repeat(depth);
  let out = pad + name + (col.origin ? '  [' + col.origin + (col.note ? ': ' + col.note : '') + ']' : '') + '\\n';
  if (seen.has(name)) return out; seen.add(name);
  for (const [input, subtype, masking] of col.inputs)
    out += path(input, depth + 1, seen).replace(/^(\\s*)/, '$1' + subtype.toLowerCase() + (masking ? ' (masked)' : '') + ' <- ');
  return out;
}
function show() {
  const q = document.getElementById('q').value.trim().toLowerCase();
  const hits = Object.keys(data).filter(n => q && n.toLowerCase().includes(q)).slice(0, 50);
  const out = document.getElementById('result');
  out.textContent = '';
  for (const name of hits) {
    const col = data[name];
    const box = document.createElement('section');
    const h = document.createElement('h3'); h.textContent = name + ' (' + col.layer + (col.classification ? ', ' + col.classification : '') + ')'; box.appendChild(h);
    const from = document.createElement('p'); from.textContent = 'comes from: ' + (col.sources.join(', ') || 'nothing traced'); box.appendChild(from);
    const to = document.createElement('p'); to.textContent = 'reaches gold: ' + (reach(name).join(', ') || 'no gold contract column'); box.appendChild(to);
    const pre = document.createElement('pre'); pre.textContent = path(name, 0, new Set()); box.appendChild(pre);
    out.appendChild(box);
  }
  if (q && !hits.length) out.textContent = 'No column matches "' + q + '".';
}
document.getElementById('q').addEventListener('input', show);
"""


def render_html(lineage: Lineage, target: str) -> str:
    data = page_data(lineage)
    facts = summary(lineage)
    payload = json.dumps(data, sort_keys=True).replace("</", "<\\/")
    rows = []
    for name in sorted(k for k, v in data.items() if v["gold"]):
        rows.append(
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>".format(
                html.escape(name),
                html.escape(", ".join(data[name]["sources"]) or "NOT TRACED"),
                html.escape(data[name]["classification"]),
            )
        )
    landing_rows = []
    for name, dataset in sorted(lineage.datasets.items()):
        if dataset.layer != "landing":
            continue
        for column in dataset.columns:
            marker = " (pii)" if column in dataset.pii else ""
            landing_rows.append(
                "<tr><td>{}</td><td>{}</td></tr>".format(
                    html.escape(f"{name}.{column}{marker}"),
                    html.escape(", ".join(reach(lineage, name, column)) or "no gold column"),
                )
            )
    cde_rows = []
    for cde in lineage.cdes:
        key = f"{cde['model']}.{cde['column']}"
        origins = (data.get(key) or {}).get("sources") or []
        cde_rows.append(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>".format(
                html.escape(cde["name"]),
                html.escape(key),
                html.escape(f"{cde.get('owner_name') or ''} ({cde.get('owner')})"),
                html.escape(cde.get("definition") or ""),
                html.escape(cde.get("lineage") or "")
                + "<br>origins: "
                + html.escape(", ".join(origins) or "not traced"),
                html.escape(", ".join(cde.get("tests") or [])),
                html.escape(cde.get("reconciliation") or ""),
            )
        )
    traced = f"{facts['gold_contract_columns_traced']} of {facts['gold_contract_columns']}"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>finlake column lineage ({html.escape(target)})</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:80em}}input{{width:30em;font-size:1.1em}}
table{{border-collapse:collapse}}td{{border:1px solid #ccc;padding:2px 6px;vertical-align:top}}
pre{{background:#f6f6f6;padding:.5em;overflow-x:auto}}</style></head>
<body>
<h1>Column lineage, target {html.escape(target)}</h1>
<p id="summary">{traced} gold contract columns traced to a landing column, the ingestion job's
load metadata, a seed or a constant; {facts["models"]} models, {facts["columns"]} columns.
Lineage is direct (the columns whose values flow into a column), computed with sqlglot from the
compiled SQL.</p>
<p><label for="q">Search a column (e.g. <code>national_id</code>, <code>expected_loss_12m</code>):</label>
<input id="q" type="search" autocomplete="off"></p>
<div id="result"></div>
<h2>Critical data elements</h2>
<table id="cde"><tr><th>element</th><th>column</th><th>owner</th><th>definition</th><th>lineage</th><th>tests</th><th>reconciliation</th></tr>
{chr(10).join(cde_rows)}
</table>
<h2>Where each gold column comes from</h2>
<table id="gold"><tr><th>gold column</th><th>origins</th><th>classification</th></tr>
{chr(10).join(rows)}
</table>
<h2>Which gold columns each landing column reaches</h2>
<table id="landing"><tr><th>landing column</th><th>gold columns</th></tr>
{chr(10).join(landing_rows)}
</table>
<script type="application/json" id="lineage-data">{payload}</script>
<script>{_SCRIPT}</script>
</body></html>
"""


def write_outputs(lineage: Lineage, target: str, out_dir: Path) -> tuple[Path, Path]:
    """Write lineage.json and lineage.html into out_dir (each replaced whole, never half)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for file_name, text in (
        ("lineage.json", json.dumps(openlineage_document(lineage, target), indent=1)),
        ("lineage.html", render_html(lineage, target)),
    ):
        path = out_dir / file_name
        partial = path.with_name(path.name + ".partial")
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
        written.append(path)
    return written[0], written[1]
