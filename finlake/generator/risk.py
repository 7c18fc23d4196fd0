"""The latent credit-risk process behind every default in the data, and its oracle.

Each customer moves month by month through a Markov chain of two parts:

* an income shock (job loss, business failure) that starts with probability `p_shock` and ends
  with probability `RECOVERY`; while it lasts the salary stops arriving (visible in the data);
* a delinquency state d: 0 = performing, 1..3 = that many consecutive missed instalments,
  4 = default (90 days past due; absorbing). From d = 0 a borrower with a loan instalment due
  misses it with the monthly hazard
      h = sigmoid(ALPHA + s + GAMMA * shock)
  where the risk score
      s = 0.85 z + 1.8 (dti - 0.3) + 0.5 gambler + 0.4 cash_advance + 0.35 unemployed
          + 0.2 self_employed + 0.35 noise
  mixes what the bank can see through proxies (z via the credit score, debt-to-income,
  gambling and cash-advance spend, employment) with what it cannot (noise). From d = 1..3 the
  borrower cures (pays all arrears) with probability CURE[d], otherwise misses again.

Because the chain is known, the true probability of reaching default within the next 12 months
from any state is computed exactly (a 10-state transition matrix per customer, raised to the
12th power). That is the oracle: no model can rank borrowers better in expectation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from finlake.generator.population import SELF_EMPLOYED, UNEMPLOYED, Customers, sigmoid

ALPHA = -5.15
GAMMA = 1.9
RECOVERY = 0.07
CURE = np.array([0.0, 0.30, 0.15, 0.08])
DEFAULT = 4
HORIZON_MONTHS = 12
N_DELINQUENCY = 5


@dataclass
class Risk:
    score: np.ndarray  # s, per customer
    hazard: np.ndarray  # (n, 2): monthly hazard without / with an income shock
    p_shock: np.ndarray
    shock: np.ndarray  # (n, months) bool
    state: np.ndarray  # (n, months) delinquency state d in each month
    default_month: np.ndarray  # first month in default, -1 if never
    absorb: np.ndarray  # (n, 10): P(default within 12 months | joint state), state = 5*shock + d

    def pd_12m(self, month: int) -> np.ndarray:
        """True probability of default in months [month, month+11] given the state before it."""
        if month == 0:
            shock = np.zeros(len(self.score), dtype=np.int64)
            d = np.zeros(len(self.score), dtype=np.int64)
        else:
            shock = self.shock[:, month - 1].astype(np.int64)
            d = self.state[:, month - 1].astype(np.int64)
        return self.absorb[np.arange(len(self.score)), shock * N_DELINQUENCY + d]


def risk_score(cust: Customers, dti: np.ndarray) -> np.ndarray:
    return (
        0.85 * cust.z
        + 1.8 * (np.clip(dti, 0, 1.5) - 0.3)
        + 0.5 * cust.gambler
        + 0.4 * cust.cash_advance
        + 0.35 * (cust.employment == UNEMPLOYED)
        + 0.2 * (cust.employment == SELF_EMPLOYED)
        + 0.35 * cust.noise
    )


def simulate(
    rng: np.random.Generator,
    cust: Customers,
    dti: np.ndarray,
    loan_due: np.ndarray,
    shock_factor: float = 1.0,
) -> Risk:
    """Run the chain over the months of the window.

    loan_due: (n, months) bool, whether the customer has an instalment due that month; without
    one a customer cannot miss a payment, though income shocks still come and go.
    shock_factor: the severity F of an economic downturn over the last HORIZON_MONTHS months
    (after the labelled months, for drift monitoring): income shocks are F times likelier and
    the odds of missing an instalment F times higher, so arrears, missed instalments and lost
    salaries - what the model sees - spread through the book. 1 leaves the chain and every
    random draw as they are. The oracle assumes no downturn.
    """
    n, months = loan_due.shape
    s = risk_score(cust, dti)
    hazard = np.stack([sigmoid(ALPHA + s), sigmoid(ALPHA + s + GAMMA)], axis=1)
    p_shock = np.clip(
        0.004 * np.where(cust.employment == SELF_EMPLOYED, 1.8, 1.0) * np.exp(0.35 * cust.z),
        0,
        0.05,
    )
    p_shock = np.where(cust.employment == UNEMPLOYED, 0.0, p_shock)  # no job to lose

    shock_now = rng.random(n) < p_shock / (p_shock + RECOVERY)  # start from the stationary share
    d = np.zeros(n, dtype=np.int8)
    shock = np.zeros((n, months), dtype=bool)
    state = np.zeros((n, months), dtype=np.int8)
    idx = np.arange(n)
    for m in range(months):
        u_shock, u_d = rng.random(n), rng.random(n)
        downturn = m >= months - HORIZON_MONTHS and shock_factor != 1.0
        p_now = p_shock * shock_factor if downturn else p_shock
        shock_now = np.where(shock_now, u_shock >= RECOVERY, u_shock < p_now)
        h = hazard[idx, shock_now.astype(np.int64)]
        if downturn:
            odds = shock_factor * h / (1 - h)
            h = odds / (1 + odds)
        miss = (d == 0) & loan_due[:, m] & (u_d < h)
        in_arrears = (d >= 1) & (d <= 3)
        cure = in_arrears & (u_d < CURE[np.minimum(d, 3)])
        d = np.where(miss, 1, np.where(cure, 0, np.where(in_arrears, d + 1, d))).astype(np.int8)
        shock[:, m] = shock_now
        state[:, m] = d

    in_default = state == DEFAULT
    default_month = np.where(in_default.any(axis=1), in_default.argmax(axis=1), -1)
    return Risk(
        score=s,
        hazard=hazard,
        p_shock=p_shock,
        shock=shock,
        state=state,
        default_month=default_month,
        absorb=absorption(hazard, p_shock),
    )


def absorption(
    hazard: np.ndarray, p_shock: np.ndarray, horizon: int = HORIZON_MONTHS
) -> np.ndarray:
    """P(default within `horizon` months) from each of the 10 joint states, per customer."""
    n = len(p_shock)
    P = np.zeros((n, 10, 10))
    for shock in (0, 1):
        p_on = p_shock if shock == 0 else np.full(n, 1 - RECOVERY)
        for nxt, p_next in ((0, 1 - p_on), (1, p_on)):
            h = hazard[:, nxt]
            row0, col = shock * 5, nxt * 5
            P[:, row0 + 0, col + 0] += p_next * (1 - h)
            P[:, row0 + 0, col + 1] += p_next * h
            for d in (1, 2, 3):
                P[:, row0 + d, col + 0] += p_next * CURE[d]
                P[:, row0 + d, col + d + 1] += p_next * (1 - CURE[d])
            P[:, row0 + 4, col + 4] += p_next
    v = np.zeros((n, 10))
    v[:, [DEFAULT, 5 + DEFAULT]] = 1.0
    for _ in range(horizon):
        v = np.einsum("nij,nj->ni", P, v)
    return v
