"""bench/build_reads.py counts what each dbt node read, from DuckDB's own profile of every
statement: bytes of bronze Parquet (after partition pruning) and rows and bytes of warehouse
tables. The tests judge its counts against the files on disk and against pruning."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from bench.build_reads import counting_reads
from finlake import pipeline
from tests.lake_copy import copy_lake

NODE = "model.finlake.int_transactions__checked"


def parquet_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*.parquet"))


def run_through_dbt_duckdb(con, sql: str, node: str) -> None:
    """One statement through dbt-duckdb's own cursor wrapper, as dbt sends it (query comment),
    its rows fetched as dbt does."""
    from dbt.adapters.duckdb.environments.local import DuckDBCursorWrapper

    cursor = DuckDBCursorWrapper(con.cursor())
    cursor.execute(f'/* {{"node_id": "{node}"}} */ {sql}')
    cursor.fetchall()


@pytest.fixture(scope="module")
def partitions(tmp_path_factory) -> Path:
    """Three days of a hive-partitioned Parquet table (not the generator's data)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    root = tmp_path_factory.mktemp("bronze") / "events"
    rng = np.random.default_rng(3)
    for day, rows in (("2025-01-01", 30_000), ("2025-01-02", 20_000), ("2025-01-03", 5_000)):
        folder = root / f"extract_date={day}"
        folder.mkdir(parents=True)
        table = pa.table(
            {
                "id": pa.array(rng.integers(0, 10**12, rows)),
                "note": pa.array([f"n{v:x}" for v in rng.integers(0, 10**9, rows)]),
            }
        )
        pq.write_table(table, folder / "part.parquet")
    return root


def test_a_scan_of_one_partition_counts_its_bytes_not_the_others(partitions, tmp_path):
    one = partitions / "extract_date=2025-01-03"
    every = f"read_parquet('{partitions}/*/*.parquet', hive_partitioning = true)"
    with counting_reads() as reads, duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        run_through_dbt_duckdb(con, f"create table a as select * from {every}", "model.x.all_days")
        run_through_dbt_duckdb(
            con,
            f"create table b as select * from {every} where extract_date = '2025-01-03'",
            "model.x.last_day",
        )
        run_through_dbt_duckdb(con, "select count(*) from range(10)", "model.x.no_files")
        run_through_dbt_duckdb(con, f"select * from {every}", "test.x.a_select")
        run_through_dbt_duckdb(con, "select sum(id) from a", "model.x.a_table")
        run_through_dbt_duckdb(
            con, "/* finlake: scope */ select distinct id % 7 from a", "model.x.a_table"
        )
        # a model with an enforced contract: dbt-duckdb sends its create and insert at once
        run_through_dbt_duckdb(
            con,
            "create table c (id bigint);\ninsert into c (id) (select id from a)",
            "model.x.contracted",
        )
        run_through_dbt_duckdb(con, "delete from c where id % 5 = 0", "model.x.rewritten")
        run_through_dbt_duckdb(
            con,
            "merge into c using (select id from a where id % 5 = 0 limit 700) as s "
            "on c.id = s.id when not matched then insert values (s.id)",
            "model.x.rewritten",
        )
    counts = reads.per_model()
    all_days = counts["model.x.all_days"]["bronze_bytes"]
    last_day = counts["model.x.last_day"]["bronze_bytes"]
    # Every column of every file: most of the bytes on disk, never more.
    assert 0.5 * parquet_bytes(partitions) < all_days <= parquet_bytes(partitions)
    # One partition: its own file's bytes at most; pruning leaves the others unread.
    assert 0 < last_day <= parquet_bytes(one) < all_days
    # A SELECT is counted once its rows are fetched, like the statement that created a table.
    assert counts["test.x.a_select"]["bronze_bytes"] == all_days
    assert counts["model.x.no_files"] == {
        "bronze_bytes": 0,
        "silver_bytes": 0,
        "silver_rows": 0,
        "raw_record_rows": 0,
        "scope_rows": 0,
        "rows_written": 0,
        "row_groups": 0,
        "statements": 1,
    }
    # the scope query's rows count in silver_rows and, told apart, in scope_rows
    assert counts["model.x.a_table"]["silver_rows"] == 110_000
    assert counts["model.x.a_table"]["scope_rows"] == 55_000
    assert counts["model.x.contracted"]["silver_rows"] == 55_000
    assert reads.rows_by_table("model.x.a_table") == {"main.a": 110_000}
    # what a statement writes: a create-as-select its rows, a delete the rows it removes
    assert counts["model.x.all_days"]["rows_written"] == 55_000
    assert counts["model.x.contracted"]["rows_written"] == 55_000
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        (deleted,) = con.execute("select count(*) from a where id % 5 = 0").fetchone()
    # the delete's rows, then the merge's 700 inserts (deleted ids, so none matches)
    assert counts["model.x.rewritten"]["rows_written"] == deleted + 700
    assert reads.total("bronze_bytes") == sum(c["bronze_bytes"] for c in counts.values())


@pytest.fixture(scope="module")
def built_once(tiny_warehouse, tmp_path_factory):
    """int_transactions__checked (it reads bronze) and stg_transactions (it reads the former)
    rebuilt by dbt with the reads counted."""
    lake = copy_lake(tiny_warehouse, tmp_path_factory.mktemp("reads") / "lake")
    dbt_args = ("--target-path", str(lake.root / "_dbt_target"))
    dbt_args += ("--log-path", str(lake.root / "_dbt_logs"))
    options = pipeline.BuildOptions(
        command="run",
        select=("int_transactions__checked", "stg_transactions"),
        full_refresh=True,
        dbt_args=dbt_args,
        quiet=True,
        show=False,
    )
    with counting_reads() as reads:
        pipeline.build(lake, options)
    return lake, reads.per_model()


def test_a_dbt_build_counts_bronze_for_the_model_that_reads_it(built_once):
    lake, counts = built_once
    on_disk = parquet_bytes(lake.bronze / "transactions")
    assert 0.5 * on_disk < counts[NODE]["bronze_bytes"] <= on_disk
    stg = counts["model.finlake.stg_transactions"]
    assert stg["bronze_bytes"] == 0  # it reads silver only
    with duckdb.connect(str(lake.warehouse), read_only=True) as con:
        checked = con.execute("select count(*) from silver.int_transactions__checked").fetchone()[0]
    assert stg["silver_rows"] >= checked > 0 and stg["silver_bytes"] > 0


def test_the_helper_leaves_dbt_duckdb_as_it_was(built_once):
    from dbt.adapters.duckdb.environments.local import DuckDBCursorWrapper

    assert DuckDBCursorWrapper.execute.__qualname__ == "DuckDBCursorWrapper.execute"
