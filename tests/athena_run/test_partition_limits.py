"""Defect 5 of issue 13: no model writes more than 100 partitions in one Athena statement.

Athena refuses a CTAS, INSERT or MERGE that writes more than 100 partitions; dbt-athena then
re-runs the whole query and inserts in batches, and an Iceberg write that failed leaves its
files behind. The worst case is the first build (or a --full-refresh) of the largest preset:
every value of the partition column in the whole history at once. This test computes it for
every model with `partitioned_by`, from the generator's history length and the largest
number of daily deltas it accepts, so a finer partitioning fails here and not in production.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
import yaml

from finlake.generator.config import HISTORY_DAYS

REPO = Path(__file__).resolve().parents[2]
MAX_DELTA_DAYS = 60  # finlake generate --days accepts 0..60 (GeneratorConfig)
ATHENA_PARTITIONS_PER_WRITE = 100

# Identity partitions on a column whose grain is coarser than a day, and where that is stated.
KNOWN_GRAINS = {
    # One observation date per month (models/gold/features: monthly observation dates).
    ("loan_default_features", "observation_date"): "month",
}


def partitioned_models() -> list[tuple[str, str]]:
    found = []
    for path in sorted((REPO / "models").rglob("*.yml")):
        for model in (yaml.safe_load(path.read_text()) or {}).get("models", []) or []:
            for spec in (model.get("config") or {}).get("partitioned_by") or []:
                found.append((model["name"], spec))
    return found


def worst_case_partitions(model: str, spec: str) -> int:
    days = HISTORY_DAYS + MAX_DELTA_DAYS + 1
    months = math.ceil(days / 28) + 1  # a partial month at each end
    transform = re.fullmatch(r"(\w+)\((\w+)\)", spec.strip())
    if transform:
        grain, column = transform.groups()
    else:
        column = spec.strip()
        grain = KNOWN_GRAINS.get((model, column), "day")
    per_grain = {
        "year": math.ceil(months / 12) + 1,
        "month": months,
        "day": days,
        "hour": days * 24,
    }
    if grain not in per_grain:
        raise AssertionError(f"{model}: partition transform {spec} is not one this test knows")
    return per_grain[grain]


def test_every_partitioned_model_is_found():
    assert {m for m, _ in partitioned_models()} >= {
        "stg_transactions",
        "fraud_alerts",
        "customer_daily_activity",
    }


def test_a_run_of_a_model_incremental_by_affected_dates_writes_no_more_than_a_first_build():
    """Gold models incremental by affected dates (macros/incremental/gold_affected_dates.sql)
    delete and append the affected dates' rows: a daily run writes the partitions of a day or
    two, and the worst run (every date affected: an account whose customer changed) writes
    what a first build writes, which the test above bounds for each partitioned one."""
    found = {
        path.stem: path
        for path in (REPO / "models").rglob("*.sql")
        if "incremental_by_affected_dates(" in path.read_text()
    }
    assert {"ctr_candidates", "customer_daily_activity"} <= set(found)
    specs = dict(partitioned_models())
    for model in found:
        if model in specs:
            assert worst_case_partitions(model, specs[model]) <= ATHENA_PARTITIONS_PER_WRITE


@pytest.mark.parametrize(("model", "spec"), partitioned_models())
def test_first_build_of_the_large_preset_stays_within_athena_partition_limit(model, spec):
    worst = worst_case_partitions(model, spec)
    assert worst <= ATHENA_PARTITIONS_PER_WRITE, (
        f"model {model} is partitioned by {spec}: a first build of the large preset writes up to "
        f"{worst} partitions in one statement, over Athena's {ATHENA_PARTITIONS_PER_WRITE}; "
        f"partition by a coarser transform (e.g. month({spec}))."
    )
