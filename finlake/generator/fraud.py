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


def inject(w: World, genuine: Events, first_episode: int) -> tuple[Events, np.ndarray, np.ndarray]:
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
        blocks.append(_episode(w, p, acct[sel], victims[sel], start_day[sel], episode[sel], usual))
    events = Events.concat(blocks) if blocks else Events.make(np.zeros(0), 0, 0, 0, 0)
    keep = (events.ts // SECONDS_PER_DAY <= w.cfg.as_of_day) & (
        events.ts // SECONDS_PER_DAY >= w.cfg.window_start_day
    )
    return events.take(np.nonzero(keep)[0]), c.number[victims], pattern


def _episode(w: World, p: int, acct, cust, day, episode, usual) -> Events:
    rng = w.rng
    offset = w.cust.utc_offset[cust]
    if p == CARD_TESTING:
        size = rng.integers(6, 21, len(acct))
        rows = np.repeat(np.arange(len(acct)), size)
        t0 = day * SECONDS_PER_DAY + rng.integers(0, SECONDS_PER_DAY, len(acct))
        ts = t0[rows] + np.sort(rng.integers(0, 40 * 60, len(rows)))
        mcc = TESTING_MCCS[rng.integers(0, len(TESTING_MCCS), len(rows))]
        return Events.make(
            acct[rows],
            ts,
            rng.integers(50, 500, len(rows)),
            PURCHASE,
            DEBIT,
            ONLINE,
            mcc,
            _merchant(rng, mcc),
            w.home[cust[rows]],
            episode[rows],
        )
    if p == TAKEOVER:
        size = rng.integers(3, 9, len(acct))
        rows = np.repeat(np.arange(len(acct)), size)
        t0 = day * SECONDS_PER_DAY + rng.integers(0, SECONDS_PER_DAY, len(acct))
        ts = t0[rows] + rng.integers(0, 36 * 3600, len(rows))
        mcc = TAKEOVER_MCCS[rng.integers(0, len(TAKEOVER_MCCS), len(rows))]
        country = FRAUD_COUNTRY_IDX[rng.integers(0, len(FRAUD_COUNTRY_IDX), len(acct))][rows]
        channel = np.where(rng.random(len(rows)) < 0.7, ONLINE, POS)
        return Events.make(
            acct[rows],
            ts,
            cents(rng.uniform(180, 2_500, len(rows))),
            PURCHASE,
            DEBIT,
            channel,
            mcc,
            _merchant(rng, mcc),
            country,
            episode[rows],
        )
    if p == LARGE_AMOUNT:
        size = rng.integers(1, 3, len(acct))
        rows = np.repeat(np.arange(len(acct)), size)
        local = rng.integers(9 * 3600, 22 * 3600, len(rows))
        ts = (
            day[rows] * SECONDS_PER_DAY
            + local
            - offset[rows] * 3600
            + rng.integers(0, 3, len(rows)) * SECONDS_PER_DAY
        )
        mcc = LARGE_MCCS[rng.integers(0, len(LARGE_MCCS), len(rows))]
        amount = usual[cust[rows]] * rng.uniform(15, 40, len(rows))
        return Events.make(
            acct[rows],
            ts,
            np.round(amount).astype(np.int64),
            PURCHASE,
            DEBIT,
            ONLINE,
            mcc,
            _merchant(rng, mcc),
            w.home[cust[rows]],
            episode[rows],
        )
    if p == NIGHT_BURST:
        size = rng.integers(4, 11, len(acct))
        rows = np.repeat(np.arange(len(acct)), size)
        local = rng.integers(int(0.5 * 3600), int(2.5 * 3600), len(acct))[rows] + rng.integers(
            0, 7200, len(rows)
        )
        ts = day[rows] * SECONDS_PER_DAY + local - offset[rows] * 3600
        atm = rng.random(len(rows)) < 0.5
        mcc = np.where(atm, -1, TAKEOVER_MCCS[rng.integers(0, len(TAKEOVER_MCCS), len(rows))])
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
    size = rng.integers(3, 7, len(acct))
    rows = np.repeat(np.arange(len(acct)), size)
    d = day[rows] + rng.integers(0, 9, len(rows))
    local = rng.integers(9 * 3600, 17 * 3600, len(rows))
    ts = d * SECONDS_PER_DAY + local - offset[rows] * 3600
    amount = rng.uniform(8_000, 9_950, len(rows))
    channel = np.where(rng.random(len(rows)) < 0.8, BRANCH, ATM_CH)
    return Events.make(
        acct[rows], ts, cents(amount), CASH_DEPOSIT, CREDIT, channel, fraud=episode[rows]
    )


def _merchant(rng: np.random.Generator, mcc: np.ndarray) -> np.ndarray:
    return MERCHANT_OFFSET[mcc] + rng.integers(0, 1 << 30, len(mcc)) % MERCHANT_COUNT[mcc]
