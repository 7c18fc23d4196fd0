"""`finlake lineage`'s HTML page in headless Chromium (tests/browser_fixture.py): a column typed
into the search box shows where its value comes from, hop by hop down to the landing column,
with no console error. Built cheaply as tests/lineage/test_lineage.py builds it: from the shared
tiny warehouse's manifest (no dbt compile), here for one gold model and its ancestors only."""

from __future__ import annotations

import pytest

from finlake.lineage import run_lineage
from tests.conftest import DEV_TARGET_PATH

COLUMN = "ctr_candidates.cash_in_amount"


@pytest.fixture(scope="module")
def lineage_page(tiny_warehouse, tmp_path_factory):
    out = tmp_path_factory.mktemp("lineage_page")
    result = run_lineage(
        tiny_warehouse,
        "dev",
        manifest=tiny_warehouse.root / DEV_TARGET_PATH / "manifest.json",
        out_dir=out,
        show_progress=False,
        only=("ctr_candidates",),
    )
    return result.html_path


def test_a_searched_column_shows_its_path_to_landing(lineage_page, open_page):
    watched = open_page(lineage_page.as_uri())
    page = watched.page
    page.fill("#q", COLUMN)
    heading = page.locator("#result section h3").first
    heading.wait_for(timeout=30_000)
    assert heading.inner_text().startswith(COLUMN + " (gold")
    section = page.locator("#result section").first
    comes_from = section.locator("p").first.inner_text()
    assert comes_from.startswith("comes from:") and "landing.transactions.amount" in comes_from
    path = section.locator("pre").inner_text().splitlines()
    assert path[0].startswith(COLUMN)
    hops = [line.strip() for line in path[1:]]
    # The value's way down, each hop indented under the column it feeds.
    for dataset in ("stg_transactions.amount", "bronze.transactions.amount"):
        assert any(dataset in hop for hop in hops), f"{dataset} not on the path: {path}"
    landing = next(line for line in path if "landing.transactions.amount" in line)
    stg = next(line for line in path if "stg_transactions.amount" in line)
    assert len(landing) - len(landing.lstrip()) > len(stg) - len(stg.lstrip())
    watched.screenshot("lineage_page_search")
    page.fill("#q", "no_such_column_anywhere")
    assert page.locator("#result").inner_text().startswith("No column matches")
    assert not watched.errors, watched.errors
