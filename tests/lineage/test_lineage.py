"""`finlake lineage` on the shared tiny warehouse: every gold contract column traced to its
origins, known paths and reaches checked against dbt's own manifest and the landing contract,
and the check failing on a model that reads a relation nothing declares."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from finlake.cli import main
from finlake.contract import load_contract
from finlake.lineage import UntracedColumns, run_lineage
from finlake.lineage.graph import read_manifest
from finlake.lineage.outputs import reach
from tests.conftest import DEV_TARGET_PATH


@pytest.fixture(scope="module")
def manifest_path(tiny_warehouse) -> Path:
    return tiny_warehouse.root / DEV_TARGET_PATH / "manifest.json"


@pytest.fixture(scope="module")
def lineage_run(tiny_warehouse, manifest_path, tmp_path_factory):
    out = tmp_path_factory.mktemp("lineage")
    return run_lineage(
        tiny_warehouse, "dev", manifest=manifest_path, out_dir=out, show_progress=False
    )


def _contract_columns(manifest: dict) -> set[tuple[str, str]]:
    """Gold columns as dbt's contracts declare them (the YAML), not as the lineage found them."""
    return {
        (node["name"], column)
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and (node.get("contract") or {}).get("enforced")
        for column in node["columns"]
    }


def _facets(json_path: Path) -> dict[tuple[str, str], list[tuple[str, str, dict]]]:
    """(dataset, column) -> its input fields, read back from the OpenLineage document."""
    document = json.loads(json_path.read_text())
    out = {}
    for dataset in document["datasets"]:
        fields = dataset.get("facets", {}).get("columnLineage", {}).get("fields", {})
        for column, lineage in fields.items():
            out[(dataset["name"], column)] = [
                (f["name"], f["field"], f["transformations"][0]) for f in lineage["inputFields"]
            ]
    return out


def _reaches(facets, start, goal, subtypes=None) -> list[tuple[str, str]]:
    """A path of input fields from start up to goal in the document (through hops of the given
    subtypes only, when given), or []."""
    stack = [(start, [start])]
    seen = set()
    while stack:
        node, path = stack.pop()
        if node == goal:
            return path
        if node in seen:
            continue
        seen.add(node)
        for name, field, how in facets.get(node, []):
            if subtypes and how["subtype"] not in subtypes:
                continue
            stack.append(((name, field), [*path, (name, field)]))
    return []


def test_every_gold_contract_column_is_traced(lineage_run, manifest_path):
    declared = _contract_columns(read_manifest(manifest_path))
    lineage = lineage_run.lineage
    assert len(declared) > 150
    found = set(lineage.gold_contract_columns())
    assert declared <= found, f"columns the lineage does not know: {sorted(declared - found)[:5]}"
    assert not lineage.untraced_gold()
    for key in declared:
        kinds = {lineage.origins[o] for o in lineage.sources_of(*key)}
        assert kinds, f"{key} reaches no origin"


def test_a_gold_amount_comes_from_transactions_amount(lineage_run):
    facets = _facets(lineage_run.json_path)
    path = _reaches(
        facets, ("ctr_candidates", "cash_in_amount"), ("landing.transactions", "amount")
    )
    assert path, "ctr_candidates.cash_in_amount does not reach landing transactions.amount"
    assert ("stg_transactions", "amount") in path and ("bronze.transactions", "amount") in path
    # The exposure in customer_risk comes from the loans' principal and the LGD seed.
    sources = lineage_run.lineage.sources_of("customer_risk", "expected_loss_12m")
    assert ("landing.loans", "principal_amount") in sources
    assert ("seed.loss_given_default_by_product", "loss_given_default") in sources
    # ... and, through the default model's scores, from the features it reads.
    assert ("landing.loan_payments", "amount_paid") in sources


def test_national_id_reaches_gold_only_as_a_token(lineage_run):
    lineage = lineage_run.lineage
    reached = reach(lineage, "landing.customers", "national_id")
    assert "dim_customers.national_id_token" in reached
    facets = _facets(lineage_run.json_path)
    token = facets[("bronze.customers", "national_id_token")]
    assert token[0][:2] == ("landing.customers", "national_id") and token[0][2]["masking"]
    # Every contract pii column: no gold column copies it unchanged (IDENTITY hops only).
    for entity in load_contract().entities.values():
        for column in entity.pii_columns:
            goal = (f"landing.{entity.name}", column)
            for gold in reach(lineage, *goal):
                dataset, name = gold.split(".", 1)
                path = _reaches(facets, (dataset, name), goal, subtypes={"IDENTITY"})
                assert not path, f"{gold} copies {entity.name}.{column} as delivered: {path}"
    # The walk tells a copy from a token: silver copies bronze's token as it is, and the token
    # reaches the e-mail only through the ingestion job's keyed hash.
    token, email = ("int_customers__checked", "email_token"), ("landing.customers", "email")
    assert _reaches(facets, token, ("bronze.customers", "email_token"), {"IDENTITY"})
    assert _reaches(facets, token, email) and not _reaches(facets, token, email, {"IDENTITY"})


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows: dict[str, list[list[str]]] = {}
        self.data = ""
        self._table = self._script = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self._table = attrs.get("id")
            self.rows[self._table] = []
        elif tag == "tr" and self._table:
            self.rows[self._table].append([])
        elif tag == "td" and self._table:
            self._cell = []
        elif tag == "script" and attrs.get("id") == "lineage-data":
            self._script = True

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.rows[self._table][-1].append("".join(self._cell))
            self._cell = None
        elif tag == "table":
            self._table = None
        elif tag == "script":
            self._script = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._script:
            self.data += data


def test_the_page_answers_both_audit_questions(lineage_run):
    page = _Page()
    page.feed(lineage_run.html_path.read_text())
    gold = {r[0]: r[1] for r in page.rows["gold"] if r}
    assert "landing.loans.principal_amount" in gold["customer_risk.expected_loss_12m"]
    landing = {r[0]: r[1] for r in page.rows["landing"] if r}
    assert "dim_customers.national_id_token" in landing["landing.customers.national_id (pii)"]
    data = json.loads(page.data)  # what the search box reads
    assert data["customer_risk.expected_loss_12m"]["gold"]
    assert "landing.loans.principal_amount" in data["customer_risk.expected_loss_12m"]["sources"]
    assert "src=" not in lineage_run.html_path.read_text()  # self-contained: nothing to fetch


def test_a_model_reading_an_undeclared_relation_fails_the_check(
    tiny_warehouse, manifest_path, tmp_path, capsys
):
    """A temporary gold model in a copy of the manifest (as dbt would compile it) selects one
    column from a relation no model, source or seed declares: `finlake lineage` names that
    column in one sentence and exits non-zero, and still traces the other."""
    manifest = read_manifest(manifest_path)
    accounts = next(n for n in manifest["nodes"].values() if n.get("name") == "stg_accounts")
    relation = accounts["relation_name"]
    manifest["nodes"]["model.finlake.zz_untraceable"] = {
        "name": "zz_untraceable",
        "resource_type": "model",
        "original_file_path": "models/gold/core/zz_untraceable.sql",
        "relation_name": '"warehouse"."gold"."zz_untraceable"',
        "contract": {"enforced": True},
        "columns": {"account_id": {}, "balance": {}},
        "depends_on": {"nodes": [accounts["unique_id"]]},
        "compiled_code": (
            "with accounts as (select * from " + relation + "), "
            'ledger as (select * from "warehouse"."ops"."ledger_balances"), '
            "final as (select accounts.account_id, ledger.balance from accounts "
            "left join ledger on accounts.account_id = ledger.account_id) "
            "select * from final"
        ),
    }
    copied = tmp_path / "manifest.json"
    copied.write_text(json.dumps(manifest))
    code = main(
        [
            "lineage",
            "--lake",
            str(tiny_warehouse.root),
            "--manifest",
            str(copied),
            "--out",
            str(tmp_path / "cli"),
            "--select",
            "zz_untraceable",
        ]
    )
    assert code == UntracedColumns.exit_code != 0
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if line.startswith("finlake:")]
    assert len(errors) == 1 and "Traceback" not in err  # progress lines aside, one sentence
    message = errors[0]
    assert "zz_untraceable.balance" in message and "ledger_balances" in message
    assert "zz_untraceable.account_id" not in message


def test_no_column_derived_from_a_pii_column_lacks_the_flag(lineage_run):
    """The contract's pii flags, carried along the lineage (the finlake_classification facet),
    checked by walking the document's own columnLineage facets from every column."""
    document = json.loads(lineage_run.json_path.read_text())
    facets = _facets(lineage_run.json_path)
    pii = {
        (f"landing.{entity.name}", column)
        for entity in load_contract().entities.values()
        for column in entity.pii_columns
    }
    flags = {
        (d["name"], column): flag
        for d in document["datasets"]
        for column, flag in d.get("facets", {})
        .get("finlake_classification", {})
        .get("fields", {})
        .items()
    }
    layers = {d["name"]: d["layer"] for d in document["datasets"]}
    derived = 0
    for key in facets:
        reached = [p for p in pii if _reaches(facets, key, p)]
        if not reached:
            continue
        derived += 1
        flag = flags.get(key, {})
        assert flag.get("pii") or flag.get("pii_derived"), f"{key} reads {reached} unflagged"
        assert set(flag["pii_sources"]) == {f"{d}.{c}" for d, c in reached}
        if layers[key[0]] == "gold":  # no readable PII in gold (invariant 3)
            assert not flag["pii"], f"gold column {key} holds {reached} as delivered"
    assert derived > 20
    assert flags[("stg_customers", "email_masked")]["pii_derived"]
    assert flags[("bronze.customers", "national_id")]["pii"]  # bronze: as delivered
    assert flags[("bronze.customers", "national_id_token")]["pii_derived"]


def test_every_silver_and_gold_column_derived_from_pii_carries_the_flag(lineage_run, manifest_path):
    """The model YAML's column `meta` (written by `finlake lineage --write-meta`) says what the
    lineage says: every silver and gold column computed from a pii landing column is flagged,
    with its classification and sources, and no other column is. Removing one flag, in silver
    or in gold, is named."""
    from finlake.lineage.governance import column_meta, meta_mismatches

    manifest = read_manifest(manifest_path)
    expected = column_meta(lineage_run.lineage)
    assert ("dim_customers", "national_id_token") in expected  # the check sees the tokens
    assert expected[("dim_customers", "national_id_token")]["pii_sources"] == [
        "landing.customers.national_id"
    ]
    layers = {lineage_run.lineage.datasets[name].layer for name, _ in expected}
    assert layers == {"silver", "gold"}, layers
    assert expected[("stg_bronze__customers", "email_masked")]["classification"] == "confidential"
    mismatched = meta_mismatches(manifest, lineage_run.lineage)
    assert mismatched == [], (
        f"{mismatched}: rewrite the YAML meta with `finlake lineage --write-meta`"
    )
    nodes = {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    nodes["customer_risk"]["columns"]["age_band"]["meta"] = {}
    nodes["stg_customers"]["columns"]["phone_masked"]["meta"] = {}
    assert meta_mismatches(manifest, lineage_run.lineage) == [
        "customer_risk.age_band",
        "stg_customers.phone_masked",
    ]


def test_the_page_and_the_document_carry_the_critical_data_elements(lineage_run):
    document = json.loads(lineage_run.json_path.read_text())
    names = [c["name"] for c in document["critical_data_elements"]]
    assert names == sorted(
        [
            "exposure_at_default",
            "probability_of_default",
            "expected_loss_12m",
            "default_flag",
            "ctr_cash_in_amount",
        ]
    )
    page = lineage_run.html_path.read_text()
    table = page[
        page.index('<table id="cde">') : page.index("</table>", page.index('<table id="cde">'))
    ]
    assert table.count("<tr>") == 1 + len(names)
    assert "customer_risk.expected_loss_12m" in table and "assert_cde_exposure_reconciles" in table
