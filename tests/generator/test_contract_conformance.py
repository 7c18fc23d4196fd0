"""Every landing file is what the contract promises, apart from the defects the log declares."""

from __future__ import annotations

import csv
from collections import defaultdict

import pytest

from finlake.contract import FILE_NAME_PATTERN, load_contract
from finlake.contract.values import check_value
from tests.generator.landing_files import column_order, read_records

CONTRACT = load_contract()


def logged_lines(lake) -> dict[str, set[int]]:
    out: dict[str, set[int]] = defaultdict(set)
    with (lake.truth / "defects.csv").open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out[row["file"]].add(int(row["line"]))
    return out


def test_every_entity_has_a_snapshot_and_one_file_per_delta_day(tiny_lake, tiny_report):
    days = tiny_report["config"]["days"]
    for name in CONTRACT.entities:
        files = sorted(p.name for p in (tiny_lake.landing / name).glob("*.csv"))
        dates = {FILE_NAME_PATTERN.match(f).group("date") for f in files}
        assert len(dates) == days + 1, (name, files)


def test_file_names_follow_the_contract(tiny_lake):
    files = list(tiny_lake.landing.rglob("*.csv"))
    assert files
    for path in files:
        match = FILE_NAME_PATTERN.match(path.name)
        assert match, path.name
        assert match.group("entity") == path.parent.name
    # one entity receives two files on one day
    assert any(FILE_NAME_PATTERN.match(p.name).group("seq") for p in files)


def test_headers_name_every_contract_column_once(tiny_lake):
    for name, entity in CONTRACT.entities.items():
        for path in (tiny_lake.landing / name).glob("*.csv"):
            header, _ = read_records(path)
            assert sorted(column_order(header, entity)) == sorted(entity.column_names), path.name


@pytest.mark.parametrize("entity_name", list(CONTRACT.entities))
def test_every_unlogged_record_parses_with_the_contract_types(tiny_lake, entity_name):
    entity = CONTRACT.entity(entity_name)
    logged = logged_lines(tiny_lake)
    checked = 0
    for path in sorted((tiny_lake.landing / entity_name).glob("*.csv")):
        header, records = read_records(path)
        order = column_order(header, entity)
        for rec in records:
            if rec.line in logged[path.name]:
                continue
            assert rec.error is None, f"{path.name}:{rec.line} {rec.error}"
            assert len(rec.fields) == len(order), (
                f"{path.name}:{rec.line} has {len(rec.fields)} fields"
            )
            for column, value in zip(order, rec.fields):
                problem = check_value(entity.column(column), value)
                assert problem is None, f"{path.name}:{rec.line} {column}: {problem}"
            checked += 1
    assert checked > 0


def test_clean_event_keys_are_unique(tiny_lake):
    logged = logged_lines(tiny_lake)
    for name in ("transactions", "loan_payments"):
        entity = CONTRACT.entity(name)
        seen: set[str] = set()
        for path in sorted((tiny_lake.landing / name).glob("*.csv")):
            header, records = read_records(path)
            key_pos = column_order(header, entity).index(entity.key[0])
            for rec in records:
                if rec.line in logged[path.name]:
                    continue
                key = rec.fields[key_pos]
                assert key not in seen, f"{name} key {key} delivered twice without a logged defect"
                seen.add(key)
