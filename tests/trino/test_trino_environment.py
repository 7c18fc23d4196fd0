"""finlake build --target trino: the environment dbt gets, and a clear error without a server."""

from __future__ import annotations

import pytest

from finlake.build import lake_sources, prepare_environment, trino_environment
from finlake.errors import ConfigError
from finlake.lake import Lake


def test_lake_sources_are_read_from_the_source_definitions():
    sources = lake_sources()
    assert sources["customers"] == "bronze/customers/*/*.parquet"
    assert sources["_load_log"] == "bronze/_load_log/*.parquet"
    assert sources["customer_default_scores"] == "gold/customer_default_scores/*.parquet"


def test_without_a_server_the_error_says_how_to_start_one(monkeypatch, tmp_path):
    monkeypatch.setenv("FINLAKE_TRINO_HOST", "127.0.0.1")
    monkeypatch.setenv("FINLAKE_TRINO_PORT", "9")  # discard: nothing answers HTTP there
    with pytest.raises(ConfigError, match=r"No Trino server answers at 127\.0\.0\.1:9; start one"):
        trino_environment(Lake.resolve(tmp_path))


def test_without_bronze_the_error_names_the_missing_entities(tmp_path):
    with pytest.raises(ConfigError, match="No bronze data for customers"):
        prepare_environment(Lake.resolve(tmp_path), "trino")


def test_bronze_catalog_and_empty_sources_are_passed_to_dbt(monkeypatch, tmp_path):
    monkeypatch.delenv("FINLAKE_BRONZE_DATABASE", raising=False)
    monkeypatch.setattr("finlake.build.trino_answers", lambda host, port: True)
    lake = Lake.resolve(tmp_path)
    (lake.root / "bronze" / "customers" / "extract_date=2025-01-01").mkdir(parents=True)
    (lake.root / "bronze" / "customers" / "extract_date=2025-01-01" / "part.parquet").write_bytes(
        b""
    )
    env = trino_environment(lake)
    assert env["FINLAKE_BRONZE_DATABASE"] == "bronze"
    empty = env["FINLAKE_TRINO_EMPTY_SOURCES"].split(",")
    assert "customer_default_scores" in empty and "customers" not in empty
