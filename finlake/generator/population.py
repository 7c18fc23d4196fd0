"""Customers: who they are, what they earn, and the latent traits that drive their behaviour.

`z` is the hidden credit-quality deficit (standard normal, higher is riskier). The bank never
sees it; it sees noisy proxies (credit score, income, spending, payment history) which is
exactly what makes default prediction a learning problem with a known ceiling (the oracle).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from finlake.generator import reference as ref
from finlake.generator.config import HISTORY_DAYS, SECONDS_PER_DAY, GeneratorConfig

EMPLOYMENT = ("employed", "self_employed", "unemployed", "retired", "student")
EMPLOYED, SELF_EMPLOYED, UNEMPLOYED, RETIRED, STUDENT = range(5)


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


@dataclass
class Customers:
    """One chunk of customers; arrays are aligned by position."""

    number: np.ndarray  # global 1-based customer number, gives customer_id
    z: np.ndarray  # latent credit-quality deficit
    noise: np.ndarray  # latent risk the bank cannot observe at all
    age_days: np.ndarray  # age at as_of, in days
    employment: np.ndarray  # index into EMPLOYMENT
    income: np.ndarray  # annual, USD-equivalent
    credit_score: np.ndarray
    country: np.ndarray  # index into HOME_COUNTRIES
    city: np.ndarray  # index into the country's city list
    since_day: np.ndarray
    first: np.ndarray
    last: np.ndarray
    gambler: np.ndarray  # bool: bets online, more so under stress
    cash_advance: np.ndarray  # bool: draws cash on the credit card
    traveller: np.ndarray  # bool: takes trips abroad
    night_owl: np.ndarray  # bool: legitimately active at night (shift work)
    small_business: np.ndarray  # bool: runs a cash business (large legitimate cash deposits)
    spend_rate: np.ndarray  # purchases per month
    utc_offset: np.ndarray  # hours

    @property
    def n(self) -> int:
        return len(self.number)


def draw_customers(
    rng: np.random.Generator, cfg: GeneratorConfig, first_number: int, n: int
) -> Customers:
    z = rng.standard_normal(n)
    noise = rng.standard_normal(n)
    age_years = np.clip(rng.normal(44, 15, n), 18, 90)
    age_days = (age_years * 365.25).astype(np.int64)

    employment = np.full(n, EMPLOYED, dtype=np.int8)
    u = rng.random(n)
    working = age_years < 66
    employment[working & (u < 0.12)] = SELF_EMPLOYED
    # Unemployment is more common where the latent credit quality is poor.
    unemployed_p = 0.04 + 0.04 * sigmoid(1.5 * z - 1)
    employment[working & (u >= 0.12) & (u < 0.12 + unemployed_p)] = UNEMPLOYED
    employment[(age_years < 25) & (rng.random(n) < 0.45)] = STUDENT
    employment[(age_years >= 63) & (rng.random(n) < 0.75)] = RETIRED

    median_income = np.choose(employment, [58_000, 62_000, 14_000, 32_000, 9_000])
    spread = np.choose(employment, [0.45, 0.7, 0.5, 0.4, 0.5])
    income = median_income * np.exp(spread * rng.standard_normal(n) - 0.18 * z)
    income = np.round(np.clip(income, 3_000, 2_000_000), 2)

    # The bureau score is a noisy view of z: informative, never exact.
    credit_score = np.clip(np.round(705 - 58 * z + rng.normal(0, 38, n)), 300, 850).astype(np.int64)

    weights = np.array([c[1] for c in ref.HOME_COUNTRIES])
    country = rng.choice(len(ref.HOME_COUNTRIES), size=n, p=weights / weights.sum()).astype(np.int8)
    city = np.where(country == 0, rng.integers(0, len(ref.US_CITIES), n), rng.integers(0, 2, n))
    utc_offset = np.array([c[3] for c in ref.HOME_COUNTRIES])[country]
    # US customers live in their city's time zone (the state says which).
    us_offset = np.array([c[3] for c in ref.US_CITIES])[np.minimum(city, len(ref.US_CITIES) - 1)]
    utc_offset = np.where(country == 0, us_offset, utc_offset)

    # Customers joined at a steady rate over the 15 years before the history window and the
    # window itself (180 of 180 + 24 months before it; about 12% join during it). A higher share
    # of joiners in the window (it was 20%) made the book younger month by month: tenure drifted
    # by construction, which monitoring then reported as a population shift.
    joined_before = rng.random(n) < (15 * 365) / (15 * 365 + HISTORY_DAYS)
    before = cfg.window_start_day - 1 - rng.integers(0, 15 * 365, n)
    during = rng.integers(cfg.window_start_day, cfg.as_of_day + 1, n)
    since_day = np.where(joined_before, before, during)
    adult_day = cfg.as_of_day - age_days + 18 * 365
    since_day = np.maximum(since_day, np.minimum(adult_day, cfg.as_of_day))

    small_business = (employment == SELF_EMPLOYED) & (rng.random(n) < 0.25)
    base_rate = np.exp(rng.normal(0, 0.45, n))
    return Customers(
        number=np.arange(first_number, first_number + n, dtype=np.int64),
        z=z,
        noise=noise,
        age_days=age_days,
        employment=employment,
        income=income,
        credit_score=credit_score,
        country=country,
        city=city,
        since_day=since_day.astype(np.int64),
        first=rng.integers(0, len(ref.FIRST_NAMES), n),
        last=rng.integers(0, len(ref.LAST_NAMES), n),
        gambler=rng.random(n) < sigmoid(-3.0 + 0.9 * z),
        cash_advance=rng.random(n) < sigmoid(-2.6 + 0.8 * z),
        traveller=rng.random(n) < sigmoid(-1.2 + 0.6 * np.log(income / 50_000)),
        night_owl=rng.random(n) < 0.03,
        small_business=small_business,
        spend_rate=base_rate,
        utc_offset=utc_offset.astype(np.int64),
    )


def local_time_seconds(rng: np.random.Generator, n: int, profile: str) -> np.ndarray:
    """Seconds after local midnight for `n` events of a kind of activity."""
    if profile == "shopping":
        # Daytime with lunch and evening peaks; a thin tail at night.
        hour = np.where(
            rng.random(n) < 0.55,
            rng.normal(12.8, 2.2, n),
            rng.normal(18.5, 2.0, n),
        )
        hour = np.clip(hour, 6.0, 23.9)
        night = rng.random(n) < 0.015
        hour = np.where(night, rng.uniform(0, 6, n), hour)
    elif profile == "batch":  # postings by the core system: fees, interest, payroll
        hour = rng.uniform(1, 5, n)
    elif profile == "night":
        hour = rng.uniform(0.5, 4.5, n)
    else:  # business hours
        hour = np.clip(rng.normal(13, 2.5, n), 8, 19)
    return (hour * 3600).astype(np.int64)


def to_utc(day: np.ndarray, local_seconds: np.ndarray, utc_offset: np.ndarray) -> np.ndarray:
    """Local wall time on `day` -> seconds since epoch in UTC."""
    return day * SECONDS_PER_DAY + local_seconds - utc_offset * 3600
