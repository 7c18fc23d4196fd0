"""`finlake lineage --write-meta` edits the model YAML as text (governance._rewrite_meta): both
layouts of the project's YAML -- lists indented under their key as written by hand, and not
indented as PyYAML writes the starting files of finlake/contract (the silver int_*__checked and
stg_bronze__* files) -- get the same meta, hand-written meta (`cde:`) stays, a flag the lineage
no longer gives goes, and a second run changes nothing."""

from __future__ import annotations

import yaml

from finlake.lineage.governance import _rewrite_meta

TOKEN = {
    "pii": False,
    "pii_derived": True,
    "classification": "confidential",
    "pii_sources": ["landing.customers.email"],
}
EXPECTED = {("stg_x", "email_token"): TOKEN}

INDENTED = """version: 2

models:
  - name: stg_x
    description: One row per customer.
    columns:
      - name: customer_id
        description: The key.
        data_tests: [unique, not_null]
        meta:
          pii: true
          classification: restricted
      - name: email_token
        description: >
          A token.
      - name: balance
        description: A balance.
        meta:
          cde:
            name: balance
  - name: other
    columns:
      - name: email_token
        description: Not ours to rewrite.

unit_tests:
  - name: stg_x_unit
    model: stg_x
"""

COMPACT = """version: 2
models:
- name: stg_x
  description: 'One row per customer.'
  data_tests:
  - unique_combination_of_columns:
      arguments:
        combination_of_columns: [_batch_id, _line_number]
  columns:
  - name: customer_id
    description: The key.
    meta:
      pii: true
      classification: restricted
  - name: email_token
    description: A token, written on
      two lines.
    data_tests:
    - not_null
  - name: balance
    description: A balance.
    meta:
      cde:
        name: balance
"""


def _columns(text: str, model: str = "stg_x") -> dict[str, dict]:
    document = yaml.safe_load(text)
    node = next(m for m in document["models"] if m["name"] == model)
    return {c["name"]: c for c in node["columns"]}


def test_both_layouts_get_the_lineages_meta_and_keep_the_rest():
    for text in (INDENTED, COMPACT):
        new = _rewrite_meta(text, {"stg_x"}, EXPECTED)
        columns = _columns(new)
        assert columns["email_token"]["meta"] == TOKEN, new
        assert "meta" not in columns["customer_id"], new  # a flag the lineage no longer gives
        assert columns["balance"]["meta"] == {"cde": {"name": "balance"}}, new
        assert columns["email_token"]["description"].startswith("A token"), new
        assert _rewrite_meta(new, {"stg_x"}, EXPECTED) == new  # a second run changes nothing
        before, after = yaml.safe_load(text), yaml.safe_load(new)
        for document in (before, after):
            for model in document["models"]:
                for column in model.get("columns", []):
                    column.pop("meta", None)
        assert before == after  # nothing but meta changed


def test_a_model_not_asked_for_and_other_sections_are_left_as_they_are():
    new = _rewrite_meta(INDENTED, {"stg_x"}, EXPECTED)
    assert "meta" not in _columns(new, "other")["email_token"]
    assert new.endswith(INDENTED[INDENTED.index("unit_tests:") :])
