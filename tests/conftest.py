"""Shared fixtures: one generated tiny dataset, one SparkSession and one built warehouse per test
session, reused by every suite.

tiny_lake        the tiny preset's landing files and truth (read-only for tests)
spark            local SparkSession, one core (tests/spark_fixture.py)
chromium         headless Chromium driven by Playwright; open_page(url) watches a page's console
                 errors (tests/browser_fixture.py)
tiny_warehouse   a copy of tiny_lake ingested by the Spark job and built by `dbt build` on dev:
                 bronze, warehouse.duckdb (silver, gold, every dbt test passed), the gold
                 exports and dbt's run_results.json. Tests read it; a test that writes copies it
                 first (tests/lake_copy.py). The Trino parity suite builds the same lake on
                 Trino and compares.
koruna_lake      the koruna bank profile (CZK, date-only events, no income or scores, stale
                 history, its own loan statuses), 120 customers, with its truth files
koruna_warehouse koruna_lake ingested and built on dev the same way
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from finlake import pipeline
from finlake.generator.config import PRESETS, GeneratorConfig
from finlake.lake import Lake
from tests.browser_fixture import chromium, open_page
from tests.lake_copy import copy_lake, shared_lake
from tests.spark_fixture import spark

REPO = Path(__file__).resolve().parents[1]
# Where tiny_warehouse's dbt build leaves run_results.json (the parity suite compares its test
# outcomes with Trino's), inside the lake folder.
DEV_TARGET_PATH = "_dbt_target"
# And its dbt.log (the key scan, tests/warehouse/test_key_scan.py, reads every file of the lake).
DEV_LOG_PATH = "_dbt_logs"

__all__ = ["chromium", "open_page", "spark"]

# The suite's lakes are synthetic: it opts into the public development tokenisation key
# (ingestion/pii.py) explicitly, as an operator would with --dev-pii-key. A real key in the
# environment wins; tests of the refusal remove both variables.
os.environ.setdefault("FINLAKE_DEV_PII_KEY", "1")


def _quietly(config: GeneratorConfig) -> pipeline.GenerateOptions:
    """One worker, no progress and no summary: the fixtures' generate."""
    return pipeline.GenerateOptions(config, workers=1, progress=False, show=False)


@pytest.fixture(scope="session")
def tiny_lake(tmp_path_factory) -> Lake:
    """The tiny preset with default settings, generated once (about a second)."""
    lake = Lake.resolve(tmp_path_factory.mktemp("tiny") / "lake")
    pipeline.generate(lake, _quietly(GeneratorConfig(PRESETS["tiny"])))
    return lake


@pytest.fixture(scope="session")
def tiny_report(tiny_lake):
    import json

    return json.loads((tiny_lake.truth / "manifest.json").read_text())


@pytest.fixture(scope="session")
def tiny_warehouse(tiny_lake, request, tmp_path_factory) -> Lake:
    """The tiny preset through ingestion and a full dev `dbt build` (models and tests); under
    `make test` built once for all its pytest processes (tests/lake_copy.py, shared_lake)."""

    def build(folder: Path) -> Lake:
        lake = copy_lake(tiny_lake, folder)
        spark = request.getfixturevalue("spark")  # started only when this process builds
        pipeline.ingest(lake, pipeline.IngestOptions(spark=spark, show=False))
        dbt_args = ("--target-path", str(lake.root / DEV_TARGET_PATH))
        dbt_args += ("--log-path", str(lake.root / DEV_LOG_PATH))
        pipeline.build(lake, pipeline.BuildOptions(dbt_args=dbt_args, quiet=True, show=False))
        return lake

    return shared_lake("tiny_warehouse", tmp_path_factory.mktemp("tiny_warehouse") / "lake", build)


@pytest.fixture(scope="session")
def koruna_lake(tmp_path_factory) -> Lake:
    """The koruna bank profile (another bank's shape, see finlake/generator/profiles.py), small:
    120 customers and three daily deltas (about a second)."""
    lake = Lake.resolve(tmp_path_factory.mktemp("koruna") / "lake")
    cfg = GeneratorConfig(PRESETS["tiny"], customers=120, days=3, profile="koruna")
    pipeline.generate(lake, _quietly(cfg))
    return lake


@pytest.fixture(scope="session")
def koruna_warehouse(koruna_lake, spark, tmp_path_factory) -> Lake:
    """The koruna profile through ingestion and a full dev `dbt build`; the build must succeed
    (warnings allowed), its run_results.json is kept in the lake folder."""
    lake = copy_lake(koruna_lake, tmp_path_factory.mktemp("koruna_warehouse") / "lake")
    pipeline.ingest(lake, pipeline.IngestOptions(spark=spark, show=False))
    dbt_args = ("--target-path", str(lake.root / DEV_TARGET_PATH))
    pipeline.build(lake, pipeline.BuildOptions(dbt_args=dbt_args, quiet=True, show=False))
    return lake
