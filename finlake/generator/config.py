"""Presets and the generator's configuration: sizes, seed and the calendar it works on.

All dates are relative to `as_of`, never to the clock, so a run is reproducible forever.
Dates are handled as integer days since 1970-01-01 and timestamps as integer seconds, which
keeps every step vectorised.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from finlake.errors import ConfigError
from finlake.generator.days import from_day, to_day

SECONDS_PER_DAY = 86_400


@dataclass(frozen=True)
class Preset:
    name: str
    customers: int
    description: str


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset("tiny", 200, "≈200 customers, ≈40k transactions — tests"),
        Preset("small", 5_000, "≈5,000 customers, ≈1M transactions — make demo"),
        Preset("medium", 50_000, "≈50,000 customers, ≈10M transactions — benchmarks"),
        Preset("large", 500_000, "≈500,000 customers, ≈100M transactions — scale benchmarks"),
    )
}

DEFAULT_AS_OF = dt.date(2025, 6, 30)
DEFAULT_SEED = 42
DEFAULT_DAYS = 7
DEFAULT_DIRTY_RATE = 0.01
HISTORY_DAYS = 730  # about 24 months of history, ending at as_of
TRANSACTIONS_PER_CUSTOMER = 200.0  # over the whole history, as the presets promise
CHUNK_CUSTOMERS = 1_250  # customers generated together; bounds memory at any preset


def parse_as_of(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"--as-of '{text}' is not a date; use YYYY-MM-DD.") from None


@dataclass(frozen=True)
class GeneratorConfig:
    preset: Preset
    seed: int = DEFAULT_SEED
    as_of: dt.date = DEFAULT_AS_OF
    days: int = DEFAULT_DAYS
    dirty_rate: float = DEFAULT_DIRTY_RATE
    customers: int | None = None  # overrides the preset's count (tests, benchmarks)
    chunk_customers: int = CHUNK_CUSTOMERS
    profile: str = "default"  # a bank profile of finlake.generator.profiles
    economic_shock: float = 1.0  # income-shock multiplier over the last 12 months (drift tests)
    # The whole book F deviations riskier over the last 12 months (shift.py).
    book_shift: float = 0.0
    # Fraud behaviour drawn around today's, and genuine look-alikes (fraud.varied, lookalikes).
    fraud_variation: float = 0.0

    def __post_init__(self) -> None:
        from finlake.generator.profiles import get_profile

        get_profile(self.profile)  # a one-sentence ConfigError for an unknown name
        if not 0 <= self.days <= 60:
            raise ConfigError(f"--days {self.days} is out of range; use 0 to 60 daily deltas.")
        if not 0 <= self.dirty_rate <= 0.2:
            raise ConfigError(f"--dirty-rate {self.dirty_rate} is out of range; use 0 to 0.2.")
        if self.seed < 0:
            raise ConfigError(f"--seed {self.seed} is negative; use a non-negative integer.")
        if not 1.0 <= self.economic_shock <= 50.0:
            raise ConfigError(
                f"--economic-shock {self.economic_shock} is out of range; use 1 (none) to 50."
            )
        if not 0.0 <= self.book_shift <= 3.0:
            raise ConfigError(
                f"--book-shift {self.book_shift} is out of range; use 0 (none) to 3 "
                "standard deviations."
            )
        if not 0.0 <= self.fraud_variation <= 2.0:
            raise ConfigError(
                f"--fraud-variation {self.fraud_variation} is out of range; use 0 (none) to 2."
            )
        if self.n_customers < 1:
            raise ConfigError("The customer count must be at least 1.")

    def scenario_options(self) -> dict:
        """The drift and fraud options that differ from a clean run (for the manifest: a clean
        run's stays as it was)."""
        defaults = {"economic_shock": 1.0, "book_shift": 0.0, "fraud_variation": 0.0}
        return {k: getattr(self, k) for k, v in defaults.items() if getattr(self, k) != v}

    @property
    def n_customers(self) -> int:
        return self.customers if self.customers is not None else self.preset.customers

    # --- calendar -------------------------------------------------------------------------
    @cached_property
    def as_of_day(self) -> int:
        return to_day(self.as_of)

    @cached_property
    def window_start_day(self) -> int:
        """First day of the history delivered in the snapshot."""
        return self.as_of_day - HISTORY_DAYS + 1

    @cached_property
    def snapshot_day(self) -> int:
        """Extract date of the initial full snapshot; deltas follow one per day."""
        return self.as_of_day - self.days

    @cached_property
    def extract_lag(self) -> int:
        """Days between the end of the history and the extract dates (0: the history is fresh)."""
        from finlake.generator.profiles import get_profile

        return get_profile(self.profile).extract_lag_days

    @cached_property
    def file_days(self) -> np.ndarray:
        """The extract date of each landing file set: extract_days moved by extract_lag."""
        return self.extract_days + self.extract_lag

    @cached_property
    def delta_days(self) -> np.ndarray:
        return np.arange(self.snapshot_day + 1, self.as_of_day + 1, dtype=np.int64)

    @cached_property
    def extract_days(self) -> np.ndarray:
        """Every extract date: the snapshot, then each delta."""
        return np.arange(self.snapshot_day, self.as_of_day + 1, dtype=np.int64)

    @cached_property
    def month_starts(self) -> np.ndarray:
        """Day numbers of the first of each month from the window's month to as_of's month."""
        first = np.datetime64(from_day(self.window_start_day), "M")
        last = np.datetime64(self.as_of, "M")
        months = np.arange(first, last + 1)
        return months.astype("datetime64[D]").astype(np.int64)

    def month_index(self, days: np.ndarray) -> np.ndarray:
        """Index into month_starts of the month holding each day (-1 before the window)."""
        return np.searchsorted(self.month_starts, days, side="right") - 1


def add_months(days: np.ndarray, months: np.ndarray | int, day_of_month: np.ndarray) -> np.ndarray:
    """Day number of `day_of_month` in the month `months` after the month of `days` (vectorised).

    day_of_month is capped at 28 by the callers, so every month has it.
    """
    month = np.asarray(days).astype("datetime64[D]").astype("datetime64[M]") + np.asarray(months)
    return month.astype("datetime64[D]").astype(np.int64) + np.asarray(day_of_month) - 1
