"""The generator's whole-book shift (finlake generate --book-shift F, finlake/generator/shift.py),
read from the customer versions one generator chunk writes: the bureau score as the bank knows
it at the last labelled month and at the end of the history, binned in the deciles of the first
as monitoring bins the score. A clean chunk must stay stable (PSI < 0.1) and a shifted one must
move past the alert threshold (0.25): the option exists to make monitoring alert.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from finlake.errors import ConfigError
from finlake.generator import shift
from finlake.generator.chunk import build_chunk
from finlake.generator.config import PRESETS, GeneratorConfig
from finlake.generator.days import from_day
from ml.monitoring import PSI_ALERT, PSI_WARN, psi, score_counts, score_edges

CUSTOMERS = 500


def _versions(book_shift: float) -> tuple[GeneratorConfig, pd.DataFrame]:
    cfg = GeneratorConfig(preset=PRESETS["tiny"], customers=CUSTOMERS, book_shift=book_shift)
    result = build_chunk(cfg, 0, 1, CUSTOMERS, np.random.SeedSequence(23))
    table = result.entities["customers"].table
    frame = table.select(
        ["customer_id", "credit_score", "annual_income", "updated_at", "customer_since"]
    ).to_pandas()
    frame["updated"] = pd.to_datetime(frame["updated_at"].str.slice(0, 10))
    frame["credit_score"] = pd.to_numeric(frame["credit_score"])
    frame["annual_income"] = pd.to_numeric(frame["annual_income"])
    return cfg, frame


def _known_at(frame: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    """Each customer's latest version updated before `day` (as the profile features join it)."""
    known = frame[frame["updated"] < day].sort_values("updated")
    return known.groupby("customer_id").tail(1)


def _score_psi(frame: pd.DataFrame, before: pd.Timestamp, after: pd.Timestamp) -> float:
    reference = _known_at(frame, before)["credit_score"].dropna().to_numpy()
    later = _known_at(frame, after)["credit_score"].dropna().to_numpy()
    edges = score_edges(reference)
    return psi(score_counts(reference, edges), score_counts(later, edges))


@pytest.fixture(scope="module")
def runs():
    return {f: _versions(f) for f in (0.0, 1.0)}


def test_a_clean_book_stays_stable_and_a_shifted_book_alerts(runs):
    cfg, clean = runs[0.0]
    _, shifted = runs[1.0]
    before = pd.Timestamp(from_day(shift.start_day(cfg)))
    after = pd.Timestamp(cfg.as_of)
    assert _score_psi(clean, before, after) < PSI_WARN
    assert _score_psi(shifted, before, after) > PSI_ALERT
    # Incomes fall too, about exp(-0.18) = 0.84 for the median customer.
    ratio = (
        _known_at(shifted, after)["annual_income"].median()
        / _known_at(shifted, before)["annual_income"].median()
    )
    assert ratio < 0.92


def test_every_customer_of_the_book_is_refreshed_in_the_first_quarter_of_the_shift(runs):
    cfg, clean = runs[0.0]
    _, shifted = runs[1.0]
    start = pd.Timestamp(from_day(shift.start_day(cfg)))
    joined = pd.to_datetime(shifted.groupby("customer_id")["customer_since"].first())
    before_shift = set(joined[joined < start].index)
    refreshed = shifted[
        (shifted["updated"] >= start) & (shifted["updated"] < start + pd.Timedelta(days=90))
    ]
    assert before_shift <= set(refreshed["customer_id"])
    # A clean run writes no version between joining and the daily deltas of the last week.
    middle = clean[(clean["updated"] >= start) & (clean["updated"] < start + pd.Timedelta(days=90))]
    assert (pd.to_datetime(middle["customer_since"]) >= start).all()


def test_new_borrowers_of_the_shift_are_a_riskier_mix(runs):
    cfg, clean = runs[0.0]
    _, shifted = runs[1.0]
    start = pd.Timestamp(from_day(shift.start_day(cfg)))

    def joiners(frame):
        first = frame.sort_values("updated").groupby("customer_id").head(1)
        return first[pd.to_datetime(first["customer_since"]) >= start]["credit_score"].mean()

    assert joiners(shifted) < joiners(clean) - 40


def test_the_shift_is_bounded():
    with pytest.raises(ConfigError, match="book-shift"):
        GeneratorConfig(preset=PRESETS["tiny"], book_shift=-1.0)
    with pytest.raises(ConfigError, match="book-shift"):
        GeneratorConfig(preset=PRESETS["tiny"], book_shift=5.0)
