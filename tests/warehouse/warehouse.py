"""Helpers to read the dev warehouse (DuckDB) and the generator's truth in warehouse tests."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from finlake.lake import Lake


def connect(lake: Lake) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(lake.warehouse), read_only=True)


def connection_fixture(warehouse_fixture: str):
    """A module-scoped fixture: a read-only connection to the warehouse of the fixture named
    `warehouse_fixture` (`con = connection_fixture("tiny_warehouse")` in a test module)."""

    @pytest.fixture(scope="module")
    def con(request):
        connection = connect(request.getfixturevalue(warehouse_fixture))
        yield connection
        connection.close()

    return con


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def defects(lake: Lake) -> list[dict[str, str]]:
    with (lake.truth / "defects.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def table_digest(
    con: duckdb.DuckDBPyConnection, relation: str, exclude: tuple[str, ...] = ()
) -> tuple[int, str]:
    """Row count and an order-independent fingerprint of every row of `relation`."""
    columns = [
        c
        for (c,) in rows(con, f"select column_name from (describe {relation})")
        if c not in exclude
    ]
    expr = " || '|' || ".join(f"coalesce(cast({c} as varchar), '~')" for c in columns)
    count, digest = rows(
        con, f"select count(*), coalesce(sum(hash({expr})), 0)::varchar from {relation}"
    )[0]
    return count, digest


def silver_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        f"silver.{t}"
        for (t,) in rows(
            con,
            "select table_name from information_schema.tables "
            "where table_schema = 'silver' and table_type = 'BASE TABLE' order by 1",
        )
    ]


def landing_files(lake: Lake) -> list[Path]:
    return sorted(lake.landing.rglob("*.csv"))
