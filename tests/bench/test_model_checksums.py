"""bench/model_checksums.py: a saved set of checksums compares equal to the same warehouse, and
a changed value, a changed column type, a lost row or a new relation each make `compare` fail
and name the relation."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from bench.model_checksums import main

SETUP = """
create schema gold;
create schema silver;
create table gold.marts (customer_id integer, amount decimal(18, 2), score double);
insert into gold.marts values (1, 10.50, 0.1), (2, null, 0.2), (2, null, 0.2);
create view gold.big_marts as select * from gold.marts where amount > 5;
create table silver.other (x varchar);
"""


@pytest.fixture
def lake(tmp_path: Path) -> Path:
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        con.execute(SETUP)
    return tmp_path


def change(lake: Path, sql: str) -> None:
    with duckdb.connect(str(lake / "warehouse.duckdb")) as con:
        con.execute(sql)


def test_same_warehouse_compares_equal(lake: Path, capsys) -> None:
    saved = lake / "before.json"
    assert main(["save", str(saved), "--lake", str(lake)]) == 0
    assert main(["compare", str(saved), "--lake", str(lake)]) == 0
    assert "3 relations, all equal" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("sql", "named"),
    [
        ("update gold.marts set score = 0.3 where customer_id = 1", "gold.marts: checksum"),
        ("alter table gold.marts alter amount type double", "gold.marts: columns"),
        ("delete from gold.marts where customer_id = 1", "gold.big_marts: rows, checksum"),
        ("create table gold.extra (y integer)", "gold.extra: appeared"),
    ],
)
def test_a_change_fails_and_names_the_relation(lake: Path, capsys, sql: str, named: str) -> None:
    saved = lake / "before.json"
    main(["save", str(saved), "--lake", str(lake)])
    change(lake, sql)
    assert main(["compare", str(saved), "--lake", str(lake)]) == 1
    assert named in capsys.readouterr().out


def test_one_duplicate_row_more_is_a_difference(lake: Path) -> None:
    saved = lake / "before.json"
    main(["save", str(saved), "--lake", str(lake)])
    change(lake, "insert into gold.marts values (2, null, 0.2)")
    assert main(["compare", str(saved), "--lake", str(lake)]) == 1
