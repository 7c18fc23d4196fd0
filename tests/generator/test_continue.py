"""`finlake generate --continue --days N`: the next days of deliveries for an existing lake.

The same customers, accounts and loans; ids never used before; the delivered files untouched;
the truth files extended; the same lake and N give the same bytes. That the continued lake
ingests and builds incrementally, every batch reconciled and every dbt test passing, is
tests/warehouse/test_watermark.py's first test (the same flow, so it runs once)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from finlake.contract import load_contract
from finlake.errors import ConfigError, FinlakeError
from finlake.generator.chunk import TX_ID_BLOCK
from finlake.generator.config import PRESETS, GeneratorConfig
from finlake.generator.continuation import continue_lake
from finlake.generator.run import generate
from finlake.lake import Lake
from tests.generator.landing_files import read_records
from tests.lake_copy import copy_lake

NEW_DAYS = ("20250701", "20250702")  # tiny's as-of is 2025-06-30


def digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*.csv"))
    }


def column_values(paths: list[Path], column: str) -> set[str]:
    """Every value of a column in these landing files, whatever their header's case and order."""
    out = set()
    for path in paths:
        header, records = read_records(path)
        at = [h.strip().lower() for h in header].index(column)
        out |= {r.fields[at] for r in records if r.fields and len(r.fields) == len(header)}
    return out


def is_new(path: Path) -> bool:
    return any(day in path.name for day in NEW_DAYS)


@pytest.fixture(scope="module")
def continued(tiny_lake, tmp_path_factory) -> Lake:
    lake = copy_lake(tiny_lake, tmp_path_factory.mktemp("continued") / "lake")
    continue_lake(lake, 2, show_progress=False, workers=1)
    return lake


def test_earlier_files_are_unchanged_and_each_new_day_delivers_every_entity(tiny_lake, continued):
    before, after = digests(tiny_lake.landing), digests(continued.landing)
    assert {k: after[k] for k in before} == before
    added = sorted(set(after) - set(before))
    for entity in load_contract().entities:
        for day in NEW_DAYS:
            assert f"{entity}/{entity}_{day}.csv" in added, f"no {entity} file for {day}"
    assert all(is_new(Path(k)) for k in added)


def test_no_transaction_or_payment_id_is_reused_and_the_population_is_the_same(
    tiny_lake, continued
):
    for entity, key in (("transactions", "transaction_id"), ("loan_payments", "payment_id")):
        files = sorted((continued.landing / entity).glob("*.csv"))
        old = column_values([p for p in files if not is_new(p)], key)
        new = column_values([p for p in files if is_new(p)], key)
        assert new, f"the continuation delivered no {entity}"
        assert old & new == set(), f"{entity} ids delivered again for other events"
    for entity, key in (("accounts", "customer_id"), ("accounts", "account_id")):
        files = sorted((continued.landing / entity).glob("*.csv"))
        old = column_values([p for p in files if not is_new(p)], key)
        new = column_values([p for p in files if is_new(p)], key)
        assert new and new <= old, f"the continuation invented {key}s"
    tx = sorted((continued.landing / "transactions").glob("*.csv"))
    accounts = column_values(sorted((tiny_lake.landing / "accounts").glob("*.csv")), "account_id")
    assert column_values([p for p in tx if is_new(p)], "account_id") <= accounts


def test_truth_is_extended_and_the_manifest_counts_the_new_days(tiny_lake, continued):
    for name in ("defects.csv", "fraud_labels.csv"):
        old = (tiny_lake.truth / name).read_bytes()
        assert (continued.truth / name).read_bytes().startswith(old), f"{name} was rewritten"
    defects = (continued.truth / "defects.csv").read_text().splitlines()
    assert any(line.split(",")[0].endswith(f"{NEW_DAYS[-1]}.csv") for line in defects)
    manifest = json.loads((continued.truth / "manifest.json").read_text())
    old = json.loads((tiny_lake.truth / "manifest.json").read_text())
    assert manifest["config"] == old["config"]
    assert manifest["continuation"]["days"] == 2
    assert manifest["continuation"]["last_day"] == "2025-07-02"
    assert manifest["rows"]["transactions"] > old["rows"]["transactions"]
    assert len(manifest["files"]) > len(old["files"])


def test_the_same_lake_and_days_give_the_same_files(tiny_lake, continued, tmp_path):
    again = copy_lake(tiny_lake, tmp_path / "again")
    continue_lake(again, 2, show_progress=False, workers=1)
    assert digests(again.landing) == digests(continued.landing)
    assert digests(again.truth) == digests(continued.truth)


def test_chunks_continue_alike_with_one_or_two_workers_and_never_share_ids(tmp_path):
    """Three chunks of customers: worker processes change nothing, and each chunk's new ids
    stay in its own block."""
    cfg = GeneratorConfig(PRESETS["tiny"], customers=180, chunk_customers=60, days=2)
    generate(cfg, Lake.resolve(tmp_path / "one"), show_progress=False, workers=1)
    copy_lake(Lake.resolve(tmp_path / "one"), tmp_path / "two")
    lakes = [Lake.resolve(tmp_path / name) for name in ("one", "two")]
    for lake, workers in zip(lakes, (1, 2)):
        continue_lake(lake, 3, show_progress=False, workers=workers)
    assert digests(lakes[0].root) == digests(lakes[1].root)
    files = sorted((lakes[0].landing / "transactions").glob("*.csv"))
    new = [p for p in files if p.name >= "transactions_20250701"]
    old = column_values([p for p in files if p not in new], "transaction_id")
    assert len(new) >= 3 and column_values(new, "transaction_id").isdisjoint(old)
    blocks = {int(i[1:]) // TX_ID_BLOCK for i in column_values(new, "transaction_id")}
    assert blocks == {0, 1, 2}


def test_a_generator_option_it_cannot_redraw_is_refused(tiny_lake, tmp_path):
    lake = copy_lake(tiny_lake, tmp_path / "lake")
    manifest = json.loads((lake.truth / "manifest.json").read_text())
    manifest["config"]["book_shift"] = 0.3  # an option added after this module
    (lake.truth / "manifest.json").write_text(json.dumps(manifest))
    before = digests(lake.landing)
    with pytest.raises(ConfigError, match="book_shift"):
        continue_lake(lake, 1, show_progress=False, workers=1)
    assert digests(lake.landing) == before


def test_a_lake_without_a_manifest_is_refused_in_one_sentence(tmp_path):
    with pytest.raises(FinlakeError, match="run `finlake generate` first"):
        continue_lake(Lake.resolve(tmp_path / "empty"), 2, show_progress=False, workers=1)
