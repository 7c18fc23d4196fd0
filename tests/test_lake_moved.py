"""A lake folder copied or moved elsewhere reads its own files (issue 20, item 6).

warehouse.duckdb's bronze and scores views hold the absolute paths of the lake they were built
in. A copy opened through `finlake.lake.open_warehouse` (the documented way to query a dev
warehouse outside dbt) has them re-pointed at itself first; a raw connection shows what that
prevents: the copy reading, or failing on, its original's bronze.
"""

from __future__ import annotations

import shutil

import duckdb
import pytest

from finlake.errors import FinlakeError
from finlake.lake import lake_roots_of_views, open_warehouse
from tests.lake_copy import copy_lake


def bronze_rows(lake, entity: str) -> int:
    pattern = str(lake.bronze / entity / "*" / "*.parquet")
    with duckdb.connect() as con:
        return con.execute(f"select count(*) from read_parquet('{pattern}')").fetchone()[0]


@pytest.fixture
def original_and_copy(tiny_warehouse, tmp_path):
    original = copy_lake(tiny_warehouse, tmp_path / "original")
    open_warehouse(original).close()  # its views now read the original, as if built there
    copy = copy_lake(original, tmp_path / "elsewhere" / "copy")
    return original, copy


def test_a_copied_lake_reads_its_own_bronze(original_and_copy):
    original, copy = original_and_copy
    expected = bronze_rows(copy, "transactions")
    shutil.rmtree(original.bronze / "transactions")  # the original changes after the copy

    with duckdb.connect(str(copy.warehouse), read_only=True) as raw:
        assert set(lake_roots_of_views(raw)) == {str(original.root)}
        with pytest.raises(duckdb.IOException):  # a raw reader follows the stale views
            raw.execute("select count(*) from bronze.transactions").fetchone()

    with open_warehouse(copy) as con:
        assert set(lake_roots_of_views(con)) == {str(copy.root)}
        assert con.execute("select count(*) from bronze.transactions").fetchone()[0] == expected
        assert expected > 0
        # silver was built from the same bronze: the copy's reconciliation still balances
        assert con.execute("select count(*) from silver.stg_transactions").fetchone()[0] > 0


def test_a_copy_that_cannot_be_re_pointed_is_refused_in_one_sentence(original_and_copy):
    _, copy = original_and_copy
    held = duckdb.connect(str(copy.warehouse))  # another program holds it for writing
    try:
        with pytest.raises(FinlakeError) as refused:
            open_warehouse(copy)
    finally:
        held.close()
    message = str(refused.value)
    assert str(copy.warehouse) in message and "\n" not in message and message.endswith(".")
