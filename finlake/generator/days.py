"""The generator's calendar: dates as integer days since 1970-01-01 (below config and profiles,
which both use it)."""

from __future__ import annotations

import datetime as dt

EPOCH = dt.date(1970, 1, 1)


def to_day(value: dt.date) -> int:
    return (value - EPOCH).days


def from_day(day: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(day))
