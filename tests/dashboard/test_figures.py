"""The dashboard's figures as data (dashboards/figures.py), checked without a browser: each is
a query of a gold model (or the staged model monitoring), every page has tiles, and every query
is Athena engine v3 SQL -- the offline Athena check's own parser and function allow-list -- so
the QuickSight datasets docs/dashboard.md lists run on Athena as written."""

from __future__ import annotations

import re
from pathlib import Path

from dashboards.figures import FIGURES, PAGES, markdown, on_page
from tools.athena_check.check import check_sql, load_allowlist

REPO = Path(__file__).resolve().parents[2]
ALLOWED_SILVER = {"stg_model_monitoring"}


def test_every_figure_reads_gold_models_only():
    for figure in FIGURES:
        relations = re.findall(r"\{(gold|silver)\}\.(\w+)", figure.sql)
        assert relations, f"{figure.key} reads no model"
        for layer, name in relations:
            assert layer == "gold" or name in ALLOWED_SILVER, f"{figure.key} reads {layer}.{name}"


def test_every_page_has_tiles_and_figures():
    assert {figure.page for figure in FIGURES} == set(PAGES)
    for page in PAGES:
        kinds = [figure.kind for figure in on_page(page)]
        assert kinds[0] == "tiles" and len(kinds) >= 3, (page, kinds)
    assert len({figure.key for figure in FIGURES}) == len(FIGURES)


def test_every_query_is_athena_sql():
    allowed = load_allowlist()
    for figure in FIGURES:
        problems = check_sql(figure.query("finlake_prod_gold", "finlake_prod_silver"), allowed)
        assert not problems, f"{figure.key}: {[p.message for p in problems]}"


def test_the_quicksight_datasets_list_every_figure():
    text = markdown("finlake_prod_gold", "finlake_prod_silver")
    for figure in FIGURES:
        assert f"`{figure.key}`" in text
    assert "{gold}" not in text and "finlake_prod_gold.customer_risk" in text


def test_the_dashboard_page_lists_the_datasets_as_generated():
    doc = (REPO / "docs" / "dashboard.md").read_text()
    start = doc.index("<!-- datasets:")
    listed = doc[doc.index("-->\n", start) + 4 : doc.index("<!-- /datasets -->")]
    assert listed == markdown("finlake_prod_gold", "finlake_prod_silver"), (
        "docs/dashboard.md lists other datasets than dashboards/figures.py defines; regenerate "
        "them with `python dashboards/figures.py finlake_prod_gold finlake_prod_silver`"
    )
