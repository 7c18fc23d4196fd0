"""The defect log tells the truth: every logged defect is in the file, at the rate configured."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict

import pytest

from finlake.contract import load_contract
from finlake.contract.values import check_value
from finlake.generator.config import PRESETS, GeneratorConfig
from finlake.generator.defects import EXPECTED, KIND_WEIGHTS
from finlake.generator.run import generate
from finlake.lake import Lake
from tests.generator.landing_files import column_order, read_records

CONTRACT = load_contract()
FILE_LEVEL = {"bom", "crlf", "header_variant"}


def defects(lake) -> list[dict]:
    with (lake.truth / "defects.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def records_by_line(lake, entity: str):
    out = {}
    for path in (lake.landing / entity).glob("*.csv"):
        header, records = read_records(path)
        out[path.name] = (
            column_order(header, CONTRACT.entity(entity)),
            {r.line: r for r in records},
            records,
        )
    return out


def test_every_kind_is_injected_and_has_an_expected_outcome(tiny_lake):
    kinds = {d["kind"] for d in defects(tiny_lake)}
    assert set(KIND_WEIGHTS) - {"bad_encoding", "malformed_quote"} <= kinds
    assert kinds >= FILE_LEVEL
    assert kinds <= set(EXPECTED)


def test_each_logged_defect_is_really_in_the_file(tiny_lake):
    files = {e: records_by_line(tiny_lake, e) for e in CONTRACT.entities}
    delivered = {
        e: {
            name: {
                tuple(sorted(zip(o, r.fields)))
                for r in recs
                if r.fields and len(r.fields) == len(o)
            }
            for name, (o, _, recs) in f.items()
        }
        for e, f in files.items()
    }
    for d in defects(tiny_lake):
        entity = CONTRACT.entity(d["entity"])
        order, by_line, records = files[d["entity"]][d["file"]]
        path = tiny_lake.landing / d["entity"] / d["file"]
        kind, line = d["kind"], int(d["line"])
        where = f"{d['file']}:{line} {kind}"
        if kind == "bom":
            assert path.read_bytes().startswith(b"\xef\xbb\xbf"), where
            continue
        if kind == "crlf":
            assert b"\r\n" in path.read_bytes()[:4096], where
            continue
        if kind == "header_variant":
            header, _ = read_records(path)
            assert header != entity.column_names, where
            continue
        rec = by_line[line]
        if kind == "bad_encoding":
            assert rec.error and "UTF-8" in rec.error, where
            continue
        if kind == "malformed_quote":
            assert rec.error and "quoting" in rec.error, where
            continue
        assert rec.error is None, where
        if kind == "malformed_field_count":
            assert len(rec.fields) != len(order), where
            continue
        value = dict(zip(order, rec.fields))
        if kind == "exact_duplicate":
            assert any(r.raw == rec.raw and r.line != line for r in records), where
            continue
        if kind == "resent":  # the same values were delivered in an earlier file
            assert any(
                name < d["file"] and tuple(sorted(value.items())) in seen
                for name, seen in delivered[d["entity"]].items()
            ), where
            continue
        if kind == "late_arriving_parent":
            stamp = d["file"].split("_")[1]
            assert value["opened_date"] < f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}", where
            continue
        column = entity.column(d["column"])
        text = value[d["column"]]
        if kind == "null_required":
            assert text == "" and column.required, where
        elif kind in ("bad_date", "amount_unparseable", "unknown_enum"):
            assert check_value(column, text) is not None, where
        elif kind == "out_of_range":  # outside the declared range, or a negative amount or term
            assert (
                check_value(column, text) is not None
                or text.startswith("-")
                or text in ("0", "9999")
            ), where
        elif kind == "amount_with_symbol":
            assert check_value(column, text) is not None, where  # not valid as delivered ...
            cleaned = text.strip().replace("$", "").replace(",", "").replace("USD", "").strip()
            assert check_value(column, cleaned) is None, where  # ... and unambiguous once cleaned
        elif kind == "whitespace_case":
            canonical = (
                text.strip().upper() if column.base_type == "string" else text.strip().lower()
            )
            assert text != canonical and check_value(column, canonical) is None, where
        elif kind == "orphan_key":
            assert text[1] == "9", where  # ids in the 9xxxx range are never issued
        elif kind == "future_date":
            assert text[:10] > "2026-01-01", where
        else:
            pytest.fail(f"no check for {kind}")


def test_defect_rate_matches_the_configured_rate(tiny_lake, tiny_report):
    rows = sum(tiny_report["rows"].values())
    row_level = [
        d for d in defects(tiny_lake) if d["kind"] not in FILE_LEVEL | {"late_arriving_parent"}
    ]
    rate = len(row_level) / rows
    assert 0.007 < rate < 0.013, rate


def test_defect_kinds_follow_their_weights(tiny_lake):
    counts = Counter(d["kind"] for d in defects(tiny_lake) if d["entity"] == "transactions")
    total = sum(counts[k] for k in KIND_WEIGHTS)
    for kind in ("exact_duplicate", "null_required", "whitespace_case", "orphan_key"):
        expected = KIND_WEIGHTS[kind] * total
        assert abs(counts[kind] - expected) < 4 * expected**0.5 + 3, (kind, counts[kind], expected)


def test_zero_dirty_rate_delivers_clean_files(tmp_path):
    lake = Lake.resolve(tmp_path / "lake")
    generate(
        GeneratorConfig(PRESETS["tiny"], customers=60, dirty_rate=0.0),
        lake,
        show_progress=False,
        workers=1,
    )
    assert defects(lake) == []
    per_file = defaultdict(int)
    for name, entity in CONTRACT.entities.items():
        for path in (lake.landing / name).glob("*.csv"):
            assert not path.read_bytes().startswith(b"\xef\xbb\xbf")
            header, records = read_records(path)
            assert header == entity.column_names
            for rec in records:
                assert rec.error is None
                assert all(
                    check_value(entity.column(c), v) is None for c, v in zip(header, rec.fields)
                )
                per_file[path.name] += 1
    assert sum(per_file.values()) > 1000
