"""The dashboard in headless Chromium on the shared tiny warehouse: every page renders without a
console error, a Python exception or an error box, and tiles show the numbers the test's own
queries of the warehouse give. Screenshots of each page land in test-artifacts/screenshots/."""

from __future__ import annotations

import re

import duckdb
import pytest

from dashboards.figures import PAGES

# Streamlit's page loader first asks for its server's settings under the page's own path
# (/<page>/_stcore/host-config, .../health) and, on the 404, at the root: the only console errors
# a page may log, and only exactly these.
PROBE = re.compile(
    r"^console: Failed to load resource: .*404.* \(https?://[^/]+/[a-z_]+/_stcore/(host-config|health)\)$"
)


def _tile(page, label: str) -> str:
    """The value of the one tile whose label is exactly `label`."""
    tiles = page.locator('[data-testid="stMetric"]')
    labels = [t.strip() for t in tiles.locator('[data-testid="stMetricLabel"]').all_inner_texts()]
    assert labels.count(label) == 1, f"no single tile labelled {label!r} among {labels}"
    value = tiles.nth(labels.index(label)).locator('[data-testid="stMetricValue"]')
    return value.inner_text().strip()


def _number(text: str) -> tuple[float, float]:
    """The number a tile shows and half its last shown digit (the rounding it may carry)."""
    digits = text.replace(",", "")
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    return float(digits), 0.5 * 10**-decimals


def _query(lake, sql: str):
    with duckdb.connect(str(lake.warehouse), read_only=True) as con:
        return con.execute(sql).fetchone()[0]


@pytest.mark.parametrize("key", list(PAGES))
def test_page_renders_without_errors(rendered, key):
    watched = rendered[key]
    page, shot = watched.page, watched.shot
    assert page.locator("h1").first.inner_text().strip() == PAGES[key]
    assert page.locator('[data-testid="stException"]').count() == 0, f"exception on {key}: {shot}"
    alerts = page.locator('[data-testid="stAlertContentError"]')
    assert alerts.count() == 0, f"error box on {key}: {alerts.first.inner_text()} ({shot})"
    assert page.locator('[data-testid="stMetric"]').count() >= 3
    errors = [e for e in watched.errors if not PROBE.match(e)]
    assert not errors, f"{key}: {errors} ({shot})"


def test_tiles_equal_the_warehouse(rendered, tiny_warehouse):
    """The test's own SQL on the warehouse file against what the browser shows: expected loss,
    alerts and CTR candidates from the gold tables, the pass rate from silver's reconciliation
    (not the gold report the tile reads)."""
    lake = tiny_warehouse
    expected = {
        ("risk", "Expected loss 12m"): _query(
            lake, "select coalesce(sum(expected_loss_12m), 0) from gold.customer_risk"
        ),
        ("fraud", "Alerts"): _query(lake, "select count(*) from gold.fraud_alerts"),
        ("compliance", "Ctr candidates"): _query(lake, "select count(*) from gold.ctr_candidates"),
        ("data_quality", "Pass rate"): _query(
            lake,
            "select 1 - sum(quarantined_rows) / sum(bronze_rows - exact_duplicate_rows) "
            "from silver.reconciliation",
        ),
    }
    assert sum(float(v) > 0 for v in expected.values()) >= 3  # numbers, not zeros, compared
    for (key, label), value in expected.items():
        shown, rounding = _number(_tile(rendered[key].page, label))
        assert shown == pytest.approx(float(value), abs=rounding), (
            f"the {key} tile {label!r} shows {shown}, the warehouse says {value}"
        )
