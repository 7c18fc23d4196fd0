"""The dashboard's one way to the data: a figure's SQL on the lake's dev warehouse, opened
read-only through finlake.lake.open_warehouse (the documented way to query it), so a build that
holds the warehouse is reported in one sentence rather than waited for."""

from __future__ import annotations

import argparse
import decimal
import os
import sys

import pandas as pd

from finlake.errors import FinlakeError
from finlake.lake import Lake, open_warehouse


def lake_from_argv(argv: list[str] | None = None) -> Lake:
    """`streamlit run dashboards/app.py -- --lake DIR`; else FINLAKE_LAKE, else ./lake."""
    parser = argparse.ArgumentParser(prog="dashboards/app.py")
    parser.add_argument("--lake", default=os.environ.get("FINLAKE_LAKE"))
    args, _ = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    return Lake.resolve(args.lake)


def run(lake: Lake, sql: str) -> pd.DataFrame:
    """The rows of `sql` on the warehouse; decimals as floats (charts and tiles draw floats),
    timestamps that are all midnight as dates."""
    with open_warehouse(lake, read_only=True) as con:
        frame = con.execute(sql).df()
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            stamps = frame[column].dropna()
            if (stamps == stamps.dt.normalize()).all():  # a date column: no 00:00:00 shown
                frame[column] = frame[column].dt.date
            continue
        values = frame[column].dropna()
        if (
            frame[column].dtype == object
            and len(values)
            and isinstance(values.iloc[0], decimal.Decimal)
        ):
            frame[column] = frame[column].astype(float)
    return frame


__all__ = ["FinlakeError", "lake_from_argv", "run"]
