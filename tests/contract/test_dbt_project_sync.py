"""The dbt project stays in step with the landing contract (the rendered files themselves:
tests/contract/test_render.py)."""

from __future__ import annotations

import csv
from pathlib import Path

import yaml

from finlake.contract import load_contract
from finlake.generator import reference
from ingestion.schemas import PARTITION_COLUMN, bronze_columns

REPO = Path(__file__).resolve().parents[2]
CONTRACT = load_contract()


def test_bronze_sources_declare_every_contract_column_as_text():
    sources = yaml.safe_load((REPO / "models" / "silver" / "_sources.yml").read_text())
    bronze = next(s for s in sources["sources"] if s["name"] == "bronze")
    tables = {t["name"]: t for t in bronze["tables"]}
    for name, entity in CONTRACT.entities.items():
        columns = [c["name"] for c in tables[name]["columns"]]
        assert columns == [*bronze_columns(entity), PARTITION_COLUMN], name  # what ingestion writes
        assert all(
            c["data_type"] == "varchar" for c in tables[name]["columns"][: len(entity.columns)]
        )


def test_every_merchant_category_the_generator_uses_is_in_the_seed():
    with (REPO / "seeds" / "mcc_codes.csv").open() as fh:
        seeded = {row["merchant_category_code"] for row in csv.DictReader(fh)}
    assert set(reference.MCC_CODES) <= seeded


def test_every_country_the_generator_uses_is_in_the_reference_seed():
    from finlake.generator.transactions import COUNTRIES

    with (REPO / "seeds" / "country_reference.csv").open() as fh:
        seeded = {row["country_code"] for row in csv.DictReader(fh)}
    assert set(COUNTRIES) <= seeded


def test_every_us_state_the_generator_uses_has_a_time_zone():
    with (REPO / "seeds" / "time_zones.csv").open() as fh:
        zones = {row["state"]: int(row["utc_offset_hours"]) for row in csv.DictReader(fh)}
    for city, state, _, offset in reference.US_CITIES:
        assert zones[state] == offset, city
