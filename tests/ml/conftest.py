"""Fixtures of the default-model tests: synthetic gold rows, and a writable copy of the tiny
warehouse whose gold features dbt has built (tests/conftest.py)."""

from __future__ import annotations

import pytest

from finlake.lake import Lake
from tests.lake_copy import copy_lake
from tests.ml.gold_rows import gold_frame


@pytest.fixture(scope="session")
def gold(spark):
    """Synthetic loan_default_features rows: 5 labelled months, 2 unlabelled, 1 scoring."""
    return gold_frame(spark).cache()


@pytest.fixture(scope="session")
def tiny_gold_lake(tiny_warehouse, tmp_path_factory) -> Lake:
    """A copy of the built tiny warehouse that the model tests may write into (ml/, scores)."""
    return copy_lake(tiny_warehouse, tmp_path_factory.mktemp("tiny_gold") / "lake")
