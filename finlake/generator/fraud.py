"""Fraud and money-laundering episodes injected into the genuine activity, with their labels.

Patterns (each episode is one customer and one account, every transaction labelled):
  card_testing      a burst of 6-20 tiny online charges within minutes, many declined
  account_takeover  several large purchases within a day and a half from a country the
                    customer has never used
  large_amount      one or two purchases at 15-40x the customer's usual ticket
  night_burst       ATM withdrawals and online purchases between 00:30 and 04:30 local time
  structuring       3-6 cash deposits just under the 10,000 reporting threshold within days
Genuine look-alikes exist on purpose (trips abroad, big-ticket purchases, night-shift workers,
cash businesses depositing over 10,000), so no rule can be perfect.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from finlake.generator import reference as ref
from finlake.generator.accounts import CARD, CHECKING, primary_account
from finlake.generator.config import SECONDS_PER_DAY
from finlake.generator.events import (
    ATM,
    ATM_CH,
    BRANCH,
    CASH_DEPOSIT,
    CREDIT,
    DEBIT,
    NONE,
    ONLINE,
    POS,
    PURCHASE,
    Events,
)
from finlake.generator.transactions import (
    COUNTRY_INDEX,
    MERCHANT_COUNT,
    MERCHANT_OFFSET,
    World,
    cents,
)

PATTERNS = ("card_testing", "account_takeover", "large_amount", "night_burst", "structuring")
CARD_TESTING, TAKEOVER, LARGE_AMOUNT, NIGHT_BURST, STRUCTURING = range(len(PATTERNS))
PATTERN_WEIGHTS = np.array([0.30, 0.25, 0.20, 0.15, 0.10])
EPISODE_RATE = 0.016  # share of customers with one episode in the window
FRAUD_COUNTRY_IDX = np.array([COUNTRY_INDEX[c] for c in ref.FRAUD_COUNTRIES])
TESTING_MCCS = np.array([ref.MCC_INDEX[c] for c in ("5816", "5818", "5999", "5815")])
TAKEOVER_MCCS = np.array([ref.MCC_INDEX[c] for c in ("5732", "5944", "5999", "6051")])
LARGE_MCCS = np.array([ref.MCC_INDEX[c] for c in ("5732", "5944", "5712")])


@dataclass(frozen=True)
class FraudParams:
    """How fraudsters behave: ranges are [low, high) as numpy draws them. TODAY is the behaviour
    the rules were tuned on (dbt_project.yml's fraud_* vars); `varied` draws a run's own
    behaviour around it, for an evaluation the tuning never saw (finlake generate
    --fraud-variation, bench/fraud_rules_eval.py)."""

    testing_count: tuple[int, int] = (6, 21)
    testing_minutes: int = 40  # the burst's span
    testing_cents: tuple[int, int] = (50, 500)
    takeover_count: tuple[int, int] = (3, 9)
    takeover_hours: int = 36
    takeover_amount: tuple[float, float] = (180.0, 2_500.0)
    takeover_online_share: float = 0.7
    large_multiple: tuple[float, float] = (15.0, 40.0)  # times the customer's usual ticket
    night_count: tuple[int, int] = (4, 11)
    night_start_hours: tuple[float, float] = (0.5, 2.5)  # local; the burst spreads after it
    night_spread_hours: float = 2.0
    structuring_count: tuple[int, int] = (3, 7)
    structuring_days: int = 9
    structuring_amount: tuple[float, float] = (8_000.0, 9_950.0)

    def as_dict(self) -> dict:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}


TODAY = FraudParams()


def _scaled(pair: tuple[float, float], f: float) -> tuple[float, float]:
    return pair[0] * f, pair[1] * f


def varied(seed: int, spread: float) -> FraudParams:
    """A run's fraud behaviour drawn around TODAY: every size, span, amount and hour moved by a
    random factor of typical size `spread` (0 gives TODAY). The rules' thresholds sit at TODAY's
    edges (card testing under 5 USD vs at most 4.99; night before 05:00 vs bursts ending by
    04:30; structuring from 8,000): a varied run shows what they catch when fraud moves."""
    if spread == 0:
        return TODAY
    rng = np.random.default_rng([seed, 0xF4A0D])

    def factor(sd: float) -> float:
        return float(np.exp(spread * sd * rng.standard_normal()))

    def count(lo: int, hi: int) -> tuple[int, int]:
        f = factor(0.4)
        low = max(2, round(lo * f))
        return low, max(low + 1, round(hi * f))

    t = TODAY
    night_start = float(np.clip(0.5 + spread * rng.normal(0, 1.0), -2.5, 3.0))
    structuring_low = float(np.clip(8_000 * factor(0.12), 5_000, 9_800))
    return FraudParams(
        testing_count=count(*t.testing_count),
        testing_minutes=max(5, round(t.testing_minutes * factor(0.5))),
        testing_cents=(50, max(100, round(500 * factor(0.5)))),
        takeover_count=count(*t.takeover_count),
        takeover_hours=max(4, round(t.takeover_hours * factor(0.5))),
        takeover_amount=_scaled((180.0, 2_500.0), factor(0.4)),
        takeover_online_share=float(np.clip(0.7 + spread * rng.normal(0, 0.15), 0.2, 1.0)),
        large_multiple=_scaled((15.0, 40.0), factor(0.35)),
        night_count=count(*t.night_count),
        night_start_hours=(night_start, night_start + 2.0),
        night_spread_hours=float(np.clip(2.0 * factor(0.4), 0.5, 5.0)),
        structuring_count=count(*t.structuring_count),
        structuring_days=max(2, round(t.structuring_days * factor(0.5))),
        structuring_amount=(structuring_low, 9_950.0),
    )


def inject(
    w: World, genuine: Events, first_episode: int, params: FraudParams = TODAY
) -> tuple[Events, np.ndarray, np.ndarray]:
    """Fraud events for the chunk, plus each episode's customer and pattern (indexed from 0)."""
    rng, c, a = w.rng, w.cust, w.accts
    victims = np.nonzero(rng.random(c.n) < EPISODE_RATE)[0]
    pattern = rng.choice(len(PATTERNS), size=len(victims), p=PATTERN_WEIGHTS)
    card_first = primary_account(a, c.n, (CARD, CHECKING))
    checking = primary_account(a, c.n, (CHECKING,))
    acct = np.where(pattern == STRUCTURING, checking[victims], card_first[victims])
    usable = acct >= 0
    usable[usable] &= (w.end[acct[usable]] - w.start[acct[usable]]) > 10
    victims, pattern, acct = victims[usable], pattern[usable], acct[usable]
    start_day = w.start[acct] + (rng.random(len(acct)) * (w.end[acct] - w.start[acct] - 4)).astype(
        np.int64
    )
    episode = first_episode + np.arange(len(victims))

    # Each customer's usual ticket, for the large-amount pattern.
    purch = genuine.ttype == PURCHASE
    owner = a.customer[genuine.acct[purch]]
    total = np.bincount(owner, weights=genuine.amount[purch], minlength=c.n)
    count = np.bincount(owner, minlength=c.n)
    usual = np.where(count > 0, total / np.maximum(count, 1), 5_000)

    blocks = []
    for p in range(len(PATTERNS)):
        sel = np.nonzero(pattern == p)[0]
        if len(sel) == 0:
            continue
        blocks.append(
            _episode(w, p, acct[sel], victims[sel], start_day[sel], episode[sel], usual, params)
        )
    events = Events.concat(blocks) if blocks else Events.make(np.zeros(0), 0, 0, 0, 0)
    keep = (events.ts // SECONDS_PER_DAY <= w.cfg.as_of_day) & (
        events.ts // SECONDS_PER_DAY >= w.cfg.window_start_day
    )
    return events.take(np.nonzero(keep)[0]), c.number[victims], pattern


def _episode(w: World, p: int, acct, cust, day, episode, usual, k: FraudParams) -> Events:
    rng = w.rng
    offset = w.cust.utc_offset[cust]
    if p == CARD_TESTING:
        rows = _bursts(rng, k.testing_count, len(acct))
        t0 = day * SECONDS_PER_DAY + rng.integers(0, SECONDS_PER_DAY, len(acct))
        ts = t0[rows] + np.sort(rng.integers(0, k.testing_minutes * 60, len(rows)))
        mcc = _draw(rng, TESTING_MCCS, len(rows))
        amount = rng.integers(*k.testing_cents, len(rows))
        return _purchases(
            rng, acct[rows], ts, amount, ONLINE, mcc, w.home[cust[rows]], episode[rows]
        )
    if p == TAKEOVER:
        rows = _bursts(rng, k.takeover_count, len(acct))
        t0 = day * SECONDS_PER_DAY + rng.integers(0, SECONDS_PER_DAY, len(acct))
        ts = t0[rows] + rng.integers(0, k.takeover_hours * 3600, len(rows))
        mcc = _draw(rng, TAKEOVER_MCCS, len(rows))
        country = _draw(rng, FRAUD_COUNTRY_IDX, len(acct))[rows]
        channel = np.where(rng.random(len(rows)) < k.takeover_online_share, ONLINE, POS)
        amount = cents(rng.uniform(*k.takeover_amount, len(rows)))
        return _purchases(rng, acct[rows], ts, amount, channel, mcc, country, episode[rows])
    if p == LARGE_AMOUNT:
        rows = _bursts(rng, (1, 3), len(acct))
        local = rng.integers(9 * 3600, 22 * 3600, len(rows))
        ts = (
            day[rows] * SECONDS_PER_DAY
            + local
            - offset[rows] * 3600
            + rng.integers(0, 3, len(rows)) * SECONDS_PER_DAY
        )
        mcc = _draw(rng, LARGE_MCCS, len(rows))
        amount = np.round(usual[cust[rows]] * rng.uniform(*k.large_multiple, len(rows)))
        country = w.home[cust[rows]]
        return _purchases(
            rng, acct[rows], ts, amount.astype(np.int64), ONLINE, mcc, country, episode[rows]
        )
    if p == NIGHT_BURST:
        rows = _bursts(rng, k.night_count, len(acct))
        start = (int(k.night_start_hours[0] * 3600), int(k.night_start_hours[1] * 3600))
        local = rng.integers(*start, len(acct))[rows] + rng.integers(
            0, int(k.night_spread_hours * 3600), len(rows)
        )
        ts = day[rows] * SECONDS_PER_DAY + local - offset[rows] * 3600
        atm = rng.random(len(rows)) < 0.5
        mcc = np.where(atm, -1, _draw(rng, TAKEOVER_MCCS, len(rows)))
        amount = np.where(
            atm, 20 * rng.integers(10, 26, len(rows)), rng.uniform(80, 600, len(rows))
        )
        return Events.make(
            acct[rows],
            ts,
            cents(amount),
            np.where(atm, ATM, PURCHASE),
            DEBIT,
            np.where(atm, ATM_CH, ONLINE),
            mcc,
            np.where(atm, -1, _merchant(rng, np.maximum(mcc, 0))),
            w.home[cust[rows]],
            episode[rows],
        )
    # Structuring: cash deposits just under the threshold, spread over a few days.
    rows = _bursts(rng, k.structuring_count, len(acct))
    d = day[rows] + rng.integers(0, k.structuring_days, len(rows))
    local = rng.integers(9 * 3600, 17 * 3600, len(rows))
    ts = d * SECONDS_PER_DAY + local - offset[rows] * 3600
    amount = rng.uniform(*k.structuring_amount, len(rows))
    channel = np.where(rng.random(len(rows)) < 0.8, BRANCH, ATM_CH)
    return Events.make(
        acct[rows], ts, cents(amount), CASH_DEPOSIT, CREDIT, channel, fraud=episode[rows]
    )


def _merchant(rng: np.random.Generator, mcc: np.ndarray) -> np.ndarray:
    return MERCHANT_OFFSET[mcc] + rng.integers(0, 1 << 30, len(mcc)) % MERCHANT_COUNT[mcc]


def _bursts(rng: np.random.Generator, count: tuple[int, int], n: int) -> np.ndarray:
    """The rows of `n` bursts of [low, high) transactions each: burst i's number, repeated."""
    return np.repeat(np.arange(n), rng.integers(*count, n))


def _draw(rng: np.random.Generator, codes: np.ndarray, n: int) -> np.ndarray:
    """`n` codes drawn uniformly from `codes`."""
    return codes[rng.integers(0, len(codes), n)]


def _purchases(rng, acct, ts, amount, channel, mcc, country, fraud=NONE) -> Events:
    """Debit purchases at a merchant of each `mcc`, drawn after the other columns."""
    return Events.make(
        acct, ts, amount, PURCHASE, DEBIT, channel, mcc, _merchant(rng, mcc), country, fraud
    )


# Genuine look-alikes beyond the everyday ones (trips abroad, splurges, night owls' shopping,
# cash businesses' deposits over 10,000): behaviour a rule cannot tell from fraud by its shape.
LOOKALIKE_GAMERS = 0.04  # customers who buy in-app items in quick runs of tiny charges
LOOKALIKE_NIGHT_SHIFT = 0.02  # customers who draw cash at night after a shift, several times
LOOKALIKE_CASH_UNDER = (
    0.3  # cash businesses that bank a busy week's takings in deposits under 10,000
)
GAME_MCCS = np.array([ref.MCC_INDEX[c] for c in ("5816", "5818")])


def lookalikes(w: World, seed: int, first_customer: int) -> Events:
    """Genuine activity shaped like fraud, for an evaluation with realistic false alerts (only
    with --fraud-variation; its own random draws, so the everyday activity is unchanged):

    * runs of 3-7 in-app purchases of 0.99-4.99 USD within 15 minutes (like card testing);
    * 2-4 ATM withdrawals between 00:30 and 05:00 local after a night shift (like a night burst);
    * a busy week's takings banked in 2-4 cash deposits of 7,000-9,900 (like structuring).
    """
    rng = np.random.default_rng([seed, first_customer, 0x100C])
    c, a = w.cust, w.accts
    card_first = primary_account(a, c.n, (CARD, CHECKING))
    checking = primary_account(a, c.n, (CHECKING,))
    blocks = []

    def episode_days(acct: np.ndarray, per: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        acct = np.repeat(acct, per)
        span = np.maximum(w.end[acct] - w.start[acct] - 8, 1)
        return acct, w.start[acct] + (rng.random(len(acct)) * span).astype(np.int64)

    gamers = np.nonzero((rng.random(c.n) < LOOKALIKE_GAMERS) & (card_first >= 0))[0]
    acct, day = episode_days(card_first[gamers], rng.integers(1, 4, len(gamers)))
    rows = _bursts(rng, (3, 8), len(acct))
    cust = a.customer[acct]
    t0 = (
        day * SECONDS_PER_DAY
        + rng.integers(10 * 3600, 23 * 3600, len(acct))
        - (c.utc_offset[cust] * 3600)
    )
    mcc = _draw(rng, GAME_MCCS, len(rows))
    ts = t0[rows] + np.sort(rng.integers(0, 15 * 60, len(rows)))
    amount = rng.choice([99, 199, 299, 499], len(rows))
    blocks.append(_purchases(rng, acct[rows], ts, amount, ONLINE, mcc, w.home[cust[rows]]))

    shift = np.nonzero((rng.random(c.n) < LOOKALIKE_NIGHT_SHIFT) & (checking >= 0))[0]
    acct, day = episode_days(checking[shift], rng.integers(1, 3, len(shift)))
    rows = _bursts(rng, (2, 5), len(acct))
    cust = a.customer[acct]
    local = rng.integers(1800, 4 * 3600, len(acct))[rows] + rng.integers(0, 3600, len(rows))
    blocks.append(
        Events.make(
            acct[rows],
            day[rows] * SECONDS_PER_DAY + local - c.utc_offset[cust[rows]] * 3600,
            cents(20 * rng.integers(2, 11, len(rows))),
            ATM,
            DEBIT,
            ATM_CH,
            country=w.home[cust[rows]],
        )
    )

    biz = np.nonzero(c.small_business & (rng.random(c.n) < LOOKALIKE_CASH_UNDER) & (checking >= 0))[
        0
    ]
    acct, day = episode_days(checking[biz], rng.integers(1, 3, len(biz)))
    rows = _bursts(rng, (2, 5), len(acct))
    cust = a.customer[acct]
    d = day[rows] + rng.integers(0, 7, len(rows))
    blocks.append(
        Events.make(
            acct[rows],
            d * SECONDS_PER_DAY
            + rng.integers(9 * 3600, 17 * 3600, len(rows))
            - c.utc_offset[cust[rows]] * 3600,
            cents(rng.uniform(7_000, 9_900, len(rows))),
            CASH_DEPOSIT,
            CREDIT,
            BRANCH,
        )
    )
    events = Events.concat(blocks)
    day = events.ts // SECONDS_PER_DAY
    keep = w.active(events.acct, day) & (day <= w.cfg.as_of_day)
    return events.take(np.nonzero(keep)[0])
