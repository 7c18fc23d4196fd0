"""Write-audit-publish on dev (issue 20, item 7): a build whose tests fail publishes nothing,
so consumers keep the previous consistent warehouse and gold exports; a build refuses to start
over bronze that an interrupted ingest left behind."""

from __future__ import annotations

import csv
import hashlib
import io

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from finlake.cli import main
from tests.lake_copy import copy_lake
from tests.warehouse.warehouse import connect, rows, table_digest


def gold_state(lake) -> dict:
    with connect(lake) as con:
        tables = [
            f"gold.{t}"
            for (t,) in rows(
                con,
                "select table_name from information_schema.tables "
                "where table_schema = 'gold' and table_type = 'BASE TABLE' order by 1",
            )
        ]
        state = {t: table_digest(con, t) for t in tables}
    for path in sorted(lake.gold.rglob("*.parquet")):
        state[str(path.relative_to(lake.root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return state


def deliver_new_transactions(lake) -> str:
    """A later day's transactions: last day's rows under new ids (gold changes with them)."""
    last = sorted((lake.landing / "transactions").glob("transactions_????????.csv"))[-1]
    with last.open(newline="", encoding="utf-8-sig") as fh:
        records = list(csv.reader(fh))
    header = records[0]
    at = header.index("transaction_id")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in records[1:]:
        if len(row) == len(header):
            writer.writerow([f"X{v}" if i == at else v for i, v in enumerate(row)])
    name = last.name.replace(".csv", "_7.csv")
    (lake.landing / "transactions" / name).write_text(out.getvalue())
    return name


def miscount_in_ledger(lake, source_file: str) -> None:
    """The ledger says one more record landed than bronze holds: reconciliation must fail."""
    for path in lake.load_log.glob("*.parquet"):
        table = pq.read_table(path)
        if table.column("source_file").to_pylist() == [source_file]:
            lines = pa.array([table.column("lines_read")[0].as_py() + 1], pa.int64())
            pq.write_table(
                table.set_column(table.schema.get_field_index("lines_read"), "lines_read", lines),
                path,
            )
            return
    raise AssertionError(source_file)


@pytest.mark.slow
def test_a_build_whose_tests_fail_publishes_nothing(tiny_warehouse, tmp_path, capsys):
    lake = copy_lake(tiny_warehouse, tmp_path / "lake")
    before = gold_state(lake)
    name = deliver_new_transactions(lake)
    assert main(["ingest", "--lake", str(lake.root)]) == 0
    miscount_in_ledger(lake, name)
    capsys.readouterr()
    assert main(["build", "--lake", str(lake.root)]) == 1
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert "assert_silver_reconciles" in err and "nothing was published" in err
    assert gold_state(lake) == before
    assert not (lake.root / "warehouse.staging.duckdb").exists()
    assert not (lake.root / "_gold_staging").exists()


def test_a_build_refuses_an_ingest_staging_leftover(tiny_warehouse, tmp_path, capsys):
    lake = copy_lake(tiny_warehouse, tmp_path / "lake")
    (lake.bronze / "_staging" / "20250101T000000-abcd").mkdir(parents=True)
    assert main(["build", "--lake", str(lake.root)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"finlake: An interrupted ingest left {lake.bronze / '_staging'};")
    assert len(err.splitlines()) == 1


def test_a_build_refuses_a_published_but_unrecorded_batch(tiny_warehouse, tmp_path, capsys):
    lake = copy_lake(tiny_warehouse, tmp_path / "lake")
    some = sorted((lake.bronze / "accounts").rglob("*.parquet"))[0]
    stray = some.with_name("accounts_20991231-0123456789ab.parquet")
    stray.write_bytes(some.read_bytes())
    assert main(["build", "--lake", str(lake.root)]) == 1
    err = capsys.readouterr().err.strip()
    assert f"Bronze file {stray} belongs to batch accounts_20991231-0123456789ab" in err
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize(
    ("target", "command", "args", "env", "left_out"),
    [
        ("prod", "build", [], {}, ["--exclude-resource-type", "unit_test"]),
        ("prod", "build", ["--full-refresh"], {}, ["--exclude-resource-type", "unit_test"]),
        ("prod", "build", ["--exclude-resource-type", "test", "unit_test"], {}, []),
        ("prod", "build", ["--resource-type=unit_test"], {}, []),
        ("prod", "build", [], {"DBT_EXCLUDE_RESOURCE_TYPES": "seed"}, []),
        ("prod", "run", [], {}, []),
        ("prod", "run-operation finlake.publication_slot", [], {}, []),
        ("trino", "build", [], {}, []),
        ("dev", "build", [], {}, []),
    ],
)
def test_a_build_on_prod_leaves_the_unit_tests_to_ci(target, command, args, env, left_out):
    """dbt's advice: unit tests run in development and CI (dev, trino), not in every production
    build, where each costs Athena its own tables and queries. A caller who chose the resource
    types is left alone."""
    from finlake.build import Dbt

    assert Dbt(None, target, env).unit_tests_left_out(command, args) == left_out
