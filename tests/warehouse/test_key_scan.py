"""No key material in anything a build writes (issue 20, item 1).

tiny_warehouse is a full ingest and dev `dbt build` whose target path (compiled and run SQL,
manifest.json, run_results.json, partial_parse.msgpack), log path (dbt.log), profile and
warehouse all live in the lake folder; its personal data was tokenised with the development
key (the suite opts in), so that key must appear nowhere in it, nor its XOR with the pads.
"""

from __future__ import annotations

from ingestion.pii import DEV_KEY
from tests.conftest import DEV_LOG_PATH, DEV_TARGET_PATH
from tests.key_scan import scan


def test_no_file_the_build_wrote_holds_the_key_or_its_pads(tiny_warehouse):
    root = tiny_warehouse.root
    for written in (DEV_TARGET_PATH, DEV_LOG_PATH):
        assert any((root / written).rglob("*")), written
    assert (root / DEV_TARGET_PATH / "partial_parse.msgpack").is_file()
    assert (root / DEV_TARGET_PATH / "manifest.json").is_file()
    assert (root / DEV_LOG_PATH / "dbt.log").is_file()
    count, hits = scan([root], DEV_KEY)
    print(f"key scan: {count} files")
    assert count > 100
    assert hits == []
