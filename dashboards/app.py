"""The finlake dashboard (Streamlit): one page per reader -- credit risk, fraud, compliance,
data quality, model monitoring -- each drawing the figures dashboards/figures.py defines, every
one a query of a gold model on the lake's dev warehouse.

    make dashboard LAKE=lake        # or: streamlit run dashboards/app.py -- --lake lake
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# `streamlit run dashboards/app.py` runs this file as a script: the repository is its package root.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboards.data import FinlakeError, lake_from_argv, run
from dashboards.figures import PAGES, Figure, on_page


def label(column: str) -> str:
    return column.replace("_", " ").capitalize()


def tile_value(column: str, value) -> str:
    """How a tile shows a number: counts with thousands separators, amounts with two decimals
    (whole units from 100,000), rates with four; the browser test reads these back."""
    if value is None or value != value:  # None or NaN
        return "none"
    if isinstance(value, str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    if "rate" in column or column.startswith("mean_"):
        return f"{float(value):.4f}"
    if float(value).is_integer() and "amount" not in column and "loss" not in column:
        return f"{int(value):,}"
    if abs(float(value)) >= 100_000:  # whole units: a tile is narrow
        return f"{float(value):,.0f}"
    return f"{float(value):,.2f}"


def draw(figure: Figure, lake) -> None:
    frame = run(lake, figure.query())
    st.subheader(figure.title)
    if figure.note:
        st.caption(figure.note)
    if figure.kind == "tiles":
        row = frame.iloc[0]
        for column, slot in zip(frame.columns, st.columns(len(frame.columns))):
            slot.metric(label(column), tile_value(column, row[column]))
        return
    if frame.empty:
        st.info("No rows yet.")
        return
    if figure.kind in ("bar", "line"):
        values = [c for c in frame.columns if c not in (figure.x, "series")]
        drawn = list(figure.y) or [next(c for c in values if pd_numeric(frame[c]))]
        chart = st.bar_chart if figure.kind == "bar" else st.line_chart
        if "series" in frame.columns:
            chart(frame, x=figure.x, y=drawn[0], color="series")
        else:
            chart(frame, x=figure.x, y=drawn)
    st.dataframe(frame, hide_index=True, width="stretch")


def pd_numeric(series) -> bool:
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    return is_numeric_dtype(series) and not is_bool_dtype(series)


def page(key: str):
    def render() -> None:
        st.title(PAGES[key])
        try:
            lake = lake_from_argv()
            st.caption(f"Lake {lake.root}: every figure is a query of a gold model (figures.py).")
            for figure in on_page(key):
                draw(figure, lake)
        except FinlakeError as problem:
            st.error(str(problem))

    render.__name__ = f"render_{key}"
    return render


st.set_page_config(page_title="finlake", layout="wide")
navigation = st.navigation(
    [
        st.Page(page(key), title=title, url_path=key, default=i == 0)
        for i, (key, title) in enumerate(PAGES.items())
    ]
)
navigation.run()
