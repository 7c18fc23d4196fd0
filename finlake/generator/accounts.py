"""Deposit and card accounts: which customers hold what, and when accounts open and close."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from finlake.generator.config import GeneratorConfig
from finlake.generator.population import Customers, sigmoid

ACCOUNT_TYPES = ("checking", "savings", "credit_card")
CHECKING, SAVINGS, CARD = range(3)
ACCOUNT_STATUS = ("active", "dormant", "frozen", "closed")
ACTIVE, DORMANT, FROZEN, CLOSED = range(4)
NEVER = np.iinfo(np.int64).max // 4  # a day number later than any real day
SLOTS_PER_CUSTOMER = 3  # account numbers are (customer - 1) * 3 + slot + 1


@dataclass
class Accounts:
    customer: np.ndarray  # local customer index
    kind: np.ndarray
    number: np.ndarray
    opened_day: np.ndarray
    closed_day: np.ndarray  # NEVER when open
    status: np.ndarray  # status at as_of
    status_day: np.ndarray  # day the current status began
    end_day: np.ndarray  # last day with activity (closure, dormancy start, or as_of)

    @property
    def n(self) -> int:
        return len(self.number)


def draw_accounts(rng: np.random.Generator, cfg: GeneratorConfig, cust: Customers) -> Accounts:
    n = cust.n
    has = np.zeros((n, 3), dtype=bool)
    has[:, CHECKING] = rng.random(n) < 0.97
    has[:, SAVINGS] = rng.random(n) < 0.55 + 0.1 * np.tanh(np.log(cust.income / 50_000))
    card_p = sigmoid(0.3 + (cust.credit_score - 650) / 60)
    has[:, CARD] = rng.random(n) < 0.62 * card_p
    has[~has.any(axis=1), CHECKING] = True

    customer, kind = np.nonzero(has)
    since = cust.since_day[customer]
    delay = np.choose(
        kind,
        [
            rng.integers(0, 10, len(kind)),
            rng.integers(0, 4 * 365, len(kind)),
            rng.integers(0, 3 * 365, len(kind)),
        ],
    )
    opened = since + np.where(rng.random(len(kind)) < 0.5, 0, delay)
    opened = np.where(kind == CHECKING, since, opened)
    keep = opened <= cfg.as_of_day
    customer, kind, opened = customer[keep], kind[keep], opened[keep]
    m = len(customer)

    status = np.full(m, ACTIVE, dtype=np.int8)
    status_day = opened.copy()
    closed = np.full(m, NEVER, dtype=np.int64)
    end_day = np.full(m, cfg.as_of_day, dtype=np.int64)
    u = rng.random(m)
    earliest = np.maximum(opened + 30, cfg.window_start_day)
    can_change = earliest < cfg.as_of_day
    # Closed accounts close somewhere in the window; activity stops there.
    closing = can_change & (u < 0.03) & (kind != CHECKING)
    close_day = earliest + (rng.random(m) * np.maximum(cfg.as_of_day - earliest, 1)).astype(
        np.int64
    )
    closed = np.where(closing, close_day, closed)
    status = np.where(closing, CLOSED, status).astype(np.int8)
    status_day = np.where(closing, close_day, status_day)
    end_day = np.where(closing, close_day, end_day)
    # Dormant accounts have had no customer activity for a year.
    dormant = (u >= 0.03) & (u < 0.06) & (opened < cfg.as_of_day - 500) & (kind != CARD)
    status = np.where(dormant, DORMANT, status).astype(np.int8)
    status_day = np.where(dormant, cfg.as_of_day - 365 + rng.integers(0, 30, m), status_day)
    end_day = np.where(dormant, status_day - 1, end_day)
    frozen = (u >= 0.06) & (u < 0.065) & can_change
    frozen_day = cfg.as_of_day - rng.integers(0, 60, m)
    status = np.where(frozen, FROZEN, status).astype(np.int8)
    status_day = np.where(frozen, np.maximum(frozen_day, opened), status_day)
    end_day = np.where(frozen, status_day, end_day)

    number = (cust.number[customer] - 1) * SLOTS_PER_CUSTOMER + kind + 1
    return Accounts(
        customer=customer,
        kind=kind.astype(np.int8),
        number=number,
        opened_day=opened,
        closed_day=closed,
        status=status,
        status_day=status_day,
        end_day=end_day,
    )


def primary_account(accts: Accounts, n_customers: int, kinds: tuple[int, ...]) -> np.ndarray:
    """Per customer, the local index of the first account of the preferred kinds (-1 if none)."""
    out = np.full(n_customers, -1, dtype=np.int64)
    for k in reversed(kinds):
        idx = np.nonzero(accts.kind == k)[0]
        out[accts.customer[idx]] = idx
    return out
