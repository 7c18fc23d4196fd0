"""Gold: no readable PII, the documented lineage, and figures that agree with the truth."""

from __future__ import annotations

import json

from finlake.contract import load_contract
from tests.conftest import DEV_TARGET_PATH
from tests.generator.landing_files import column_order, read_records
from tests.warehouse.warehouse import connection_fixture, rows

CONTRACT = load_contract()
PII = {c for cols in CONTRACT.pii_columns.values() for c in cols}


con = connection_fixture("tiny_warehouse")


def raw_pii_values(lake) -> set[str]:
    entity = CONTRACT.entity("customers")
    out = set()
    for path in sorted((lake.landing / "customers").glob("*.csv")):
        header, records = read_records(path)
        order = column_order(header, entity)
        for rec in records:
            if rec.fields and len(rec.fields) == len(order):
                out |= {
                    v.strip().lower()
                    for c, v in zip(order, rec.fields)
                    if c in PII and len(v.strip()) >= 4
                }
    return out


def test_no_gold_column_is_named_or_holds_a_readable_pii_value(tiny_warehouse, con):
    columns = rows(
        con,
        "select table_name, column_name, data_type from information_schema.columns where table_schema = 'gold'",
    )
    assert columns
    assert [(t, c) for t, c, _ in columns if c in PII] == []
    readable = raw_pii_values(tiny_warehouse)
    assert len(readable) > 500
    for table, column, data_type in columns:
        if data_type != "VARCHAR":
            continue
        found = [
            v
            for (v,) in rows(
                con, f'select distinct lower(trim(cast("{column}" as varchar))) from gold."{table}"'
            )
            if v in readable
        ]
        assert found == [], f"gold.{table}.{column} holds readable personal data, e.g. {found[:2]}"


def test_every_gold_model_traces_back_to_bronze(tiny_warehouse):
    manifest = json.loads((tiny_warehouse.root / DEV_TARGET_PATH / "manifest.json").read_text())
    nodes = {**manifest["nodes"], **manifest["sources"]}

    def upstream_sources(node_id, seen=None):
        seen = seen if seen is not None else set()
        for parent in nodes[node_id].get("depends_on", {}).get("nodes", []):
            if parent not in seen:
                seen.add(parent)
                upstream_sources(parent, seen)
        return seen

    gold = [
        n
        for n, v in manifest["nodes"].items()
        if v["resource_type"] == "model"
        and v["fqn"][1] == "gold"
        and v["config"].get("contract", {}).get("enforced")
    ]
    assert len(gold) >= 10
    for node_id in gold:
        assert any(p.startswith("source.finlake.bronze.") for p in upstream_sources(node_id)), (
            node_id
        )
        model = manifest["nodes"][node_id]
        assert model["description"].strip(), node_id
        assert all(col.get("description") for col in model["columns"].values()), node_id


def test_default_rate_of_the_features_matches_the_generators_truth(tiny_warehouse, con):
    import csv

    observed = dict(
        rows(
            con,
            "select cast(observation_date as varchar), avg(cast(defaults_within_window as integer)) "
            "from gold.loan_default_features where is_label_complete group by 1",
        )
    )
    truth = {}
    with (tiny_warehouse.truth / "default_risk_monthly.csv").open() as fh:
        for row in csv.DictReader(fh):
            if row["window_complete"] == "true":
                truth.setdefault(row["observation_date"], []).append(
                    row["defaults_within_12m"] == "true"
                )
    common = sorted(set(observed) & set(truth))
    assert len(common) >= 5
    model = sum(observed[d] for d in common) / len(common)
    true = sum(sum(truth[d]) / len(truth[d]) for d in common) / len(common)
    assert abs(model - true) < 0.05, (model, true)


def test_reconciliation_and_data_quality_report_agree(con):
    recon = rows(
        con,
        "select sum(bronze_rows), sum(quarantined_rows), sum(silver_rows) from silver.reconciliation",
    )[0]
    report = rows(
        con,
        "select sum(bronze_rows), sum(quarantined_rows), sum(silver_rows) from gold.data_quality_report",
    )[0]
    assert recon == report and recon[0] > 0


def test_age_and_tenure_are_known_from_the_first_observation(con):
    """Birth year and customer-since never change: every borrower with a customer record has an
    age and a tenure at every observation date, even before the first version's valid_from (a
    first full snapshot's extract date)."""
    missing = rows(
        con,
        "select count(*), count(f.age_years), count(f.tenure_months) "
        "from gold.loan_default_features f "
        "inner join silver.stg_customers c on f.customer_id = c.customer_id "
        "where c.birth_year is not null and c.customer_since is not null",
    )[0]
    assert missing[0] > 0
    assert missing[1:] == (missing[0], missing[0]), missing
