"""Loans, their amortisation schedules, the payments made against them, and their statuses.

Instalments follow the annuity formula A = P r / (1 - (1 + r)^-n) with r the monthly rate.
What happens to each instalment is decided by the customer's delinquency state (risk.py):
paid on time or a little late while performing, missed or partly paid while in arrears, paid
with all arrears when the borrower cures, and no longer expected after charge-off (180 days
in default). Statuses are derived from that same history, so they always agree with it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from finlake.generator.accounts import CHECKING, SAVINGS, Accounts, primary_account
from finlake.generator.config import GeneratorConfig, add_months
from finlake.generator.population import EMPLOYED, SELF_EMPLOYED, STUDENT, Customers, sigmoid
from finlake.generator.risk import DEFAULT, Risk

LOAN_TYPES = ("personal", "auto", "mortgage", "student", "small_business")
PERSONAL, AUTO, MORTGAGE, STUDENT_LOAN, SMALL_BUSINESS = range(5)
LOAN_STATUS = ("current", "delinquent", "default", "charged_off", "paid_off")
CURRENT, DELINQUENT, IN_DEFAULT, CHARGED_OFF, PAID_OFF = range(5)
PAYMENT_METHODS = ("autopay", "ach", "card", "branch", "check")
LOAN_SLOTS = 2
CHARGE_OFF_DAYS = 180
BASE_RATE = np.array([11.5, 6.9, 5.9, 5.4, 8.9])
TERMS = (
    np.array([12, 24, 36, 48, 60]),
    np.array([36, 48, 60, 72]),
    np.array([180, 360, 360]),
    np.array([120, 120, 180]),
    np.array([36, 60, 84]),
)


@dataclass
class Loans:
    customer: np.ndarray  # local customer index
    number: np.ndarray
    kind: np.ndarray
    principal: np.ndarray  # cents
    rate: np.ndarray  # annual percent, 4 decimals
    term: np.ndarray  # months
    orig_day: np.ndarray
    due_dom: np.ndarray  # day of month instalments fall due (1..28)
    orig_month: np.ndarray  # months from the window's first month (negative before it)
    account: np.ndarray  # local index of the repayment account, -1 if none recorded
    instalment: np.ndarray  # cents
    maturity_day: np.ndarray

    @property
    def n(self) -> int:
        return len(self.number)


@dataclass
class Payments:
    loan: np.ndarray  # local loan index
    number: np.ndarray  # instalment number k (1-based)
    due_day: np.ndarray
    paid_day: np.ndarray  # -1 when nothing was paid
    amount_due: np.ndarray  # cents
    amount_paid: np.ndarray  # cents; -1 = empty field, 0 = explicit zero
    method: np.ndarray  # index into PAYMENT_METHODS, -1 empty
    known_day: np.ndarray  # the day the record exists in the core system


@dataclass
class StatusChanges:
    """Loan status history: (loan, day, status), sorted by loan then day, no repeats."""

    loan: np.ndarray
    day: np.ndarray
    status: np.ndarray


def draw_loans(
    rng: np.random.Generator, cfg: GeneratorConfig, cust: Customers, accts: Accounts
) -> Loans:
    n = cust.n
    age = cust.age_days / 365.25
    p_loan = sigmoid(-0.35 + 0.5 * np.log(cust.income / 50_000) + 0.4 * ((age > 24) & (age < 62)))
    has = rng.random(n) < p_loan
    second = has & (rng.random(n) < 0.15)
    customer = np.concatenate([np.nonzero(has)[0], np.nonzero(second)[0]])
    slot = np.concatenate([np.zeros(has.sum(), np.int64), np.ones(second.sum(), np.int64)])
    order = np.lexsort((slot, customer))
    customer, slot = customer[order], slot[order]
    m = len(customer)

    c_age, c_inc, c_emp = age[customer], cust.income[customer], cust.employment[customer]
    w = np.tile(np.array([0.36, 0.30, 0.20, 0.08, 0.06]), (m, 1))
    w[:, STUDENT_LOAN] *= np.where(c_age < 35, np.where(c_emp == STUDENT, 8, 2), 0.05)
    w[:, SMALL_BUSINESS] *= np.where(c_emp == SELF_EMPLOYED, 8, 0.1)
    w[:, MORTGAGE] *= np.where(
        (c_inc > 60_000) & (c_age > 27) & (c_age < 66), 2.5, np.where(c_inc < 30_000, 0.1, 1.0)
    )
    w /= w.sum(axis=1, keepdims=True)
    kind = (rng.random((m, 1)) > np.cumsum(w, axis=1)).sum(axis=1).astype(np.int8)

    principal = np.choose(
        kind,
        [
            c_inc * rng.uniform(0.05, 0.35, m),
            rng.uniform(9_000, 48_000, m),
            c_inc * rng.uniform(2.2, 4.5, m),
            rng.uniform(8_000, 65_000, m),
            rng.uniform(15_000, 160_000, m),
        ],
    )
    principal = np.maximum(np.round(principal / 100) * 100, 1_000)
    term = np.empty(m, dtype=np.int64)
    for k, options in enumerate(TERMS):
        pick = kind == k
        term[pick] = rng.choice(options, pick.sum())
    z = cust.z[customer]
    rate = np.round(np.clip(BASE_RATE[kind] + 1.6 * z + rng.normal(0, 0.6, m), 1.9, 29.9), 4)

    since = cust.since_day[customer]
    existing = (rng.random(m) < 0.65) & (since < cfg.window_start_day - 60)
    months_before = rng.integers(1, np.maximum(np.minimum(term - 1, 84), 2))
    orig_existing = cfg.window_start_day - months_before * 30 - rng.integers(0, 28, m)
    lo = np.maximum(since + 30, cfg.window_start_day)
    orig_new = lo + (rng.random(m) * np.maximum(cfg.as_of_day - lo, 1)).astype(np.int64)
    orig = np.where(existing, np.maximum(orig_existing, since), orig_new)
    keep = orig <= cfg.as_of_day
    # Employed people seldom take small-business loans; students seldom mortgages: the
    # weights above already say so. What remains is to drop loans that would start after as_of.
    (customer, slot, kind, principal, term, rate, orig) = (
        a[keep] for a in (customer, slot, kind, principal, term, rate, orig)
    )
    m = len(customer)

    orig_dt = orig.astype("datetime64[D]")
    day_of_month = (orig_dt - orig_dt.astype("datetime64[M]").astype("datetime64[D]")).astype(
        np.int64
    ) + 1
    due_dom = np.minimum(day_of_month, 28)
    first_month = np.int64(cfg.month_starts[0]).astype("datetime64[D]").astype("datetime64[M]")
    orig_month = (orig.astype("datetime64[D]").astype("datetime64[M]") - first_month).astype(
        np.int64
    )

    r = rate / 1200.0
    instalment = principal * r / (1 - (1 + r) ** (-term.astype(np.float64)))
    instalment = np.round(instalment * 100).astype(np.int64)

    repay = primary_account(accts, cust.n, (CHECKING, SAVINGS))[customer]
    opened_in_time = (repay >= 0) & (accts.opened_day[np.maximum(repay, 0)] <= orig)
    account = np.where(opened_in_time & (rng.random(m) > 0.04), repay, -1)

    number = (cust.number[customer] - 1) * LOAN_SLOTS + slot + 1
    return Loans(
        customer=customer,
        number=number,
        kind=kind,
        principal=(principal * 100).astype(np.int64),
        rate=rate,
        term=term,
        orig_day=orig.astype(np.int64),
        due_dom=due_dom.astype(np.int64),
        orig_month=orig_month,
        account=account,
        instalment=instalment,
        maturity_day=add_months(orig, term, due_dom),
    )


def schedule(loans: Loans, cfg: GeneratorConfig) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Instalments due inside the window: (loan index, instalment number, due day)."""
    months = len(cfg.month_starts)
    k_lo = np.maximum(1, -loans.orig_month)
    k_hi = np.minimum(loans.term, months - 1 - loans.orig_month)
    count = np.maximum(k_hi - k_lo + 1, 0)
    loan = np.repeat(np.arange(loans.n), count)
    start = np.repeat(np.cumsum(count) - count, count)
    k = np.arange(len(loan)) - start + np.repeat(k_lo, count)
    due = add_months(loans.orig_day[loan], k, loans.due_dom[loan])
    inside = (due >= cfg.window_start_day) & (due <= cfg.as_of_day)
    return loan[inside], k[inside], due[inside]


def monthly_dues(
    loans: Loans, cfg: GeneratorConfig, n_customers: int
) -> tuple[np.ndarray, np.ndarray]:
    """(customer x month) bool of instalments due, and each customer's monthly instalments (USD)."""
    loan, k, _ = schedule(loans, cfg)
    month = loans.orig_month[loan] + k
    due_grid = np.zeros((n_customers, len(cfg.month_starts)), dtype=bool)
    due_grid[loans.customer[loan], month] = True
    debt = np.bincount(loans.customer, weights=loans.instalment / 100, minlength=n_customers)
    return due_grid, debt


def make_payments(
    rng: np.random.Generator, cfg: GeneratorConfig, loans: Loans, risk: Risk, cust: Customers
) -> tuple[Payments, StatusChanges]:
    loan, k, due = schedule(loans, cfg)
    month = loans.orig_month[loan] + k
    cust_idx = loans.customer[loan]
    n = len(loan)
    d = risk.state[cust_idx, month]
    prev = np.where(month > 0, risk.state[cust_idx, np.maximum(month - 1, 0)], 0)
    late_p = sigmoid(-3.3 + 0.8 * risk.score[cust_idx])
    # Personal and auto loans are sometimes repaid early by performing borrowers.
    prepay_p = np.where(np.isin(loans.kind, [PERSONAL, AUTO]), 0.006, 0.001)
    prepay_k = rng.geometric(prepay_p) + 6  # instalment at which the loan would be repaid early

    amount_due = loans.instalment[loan].copy()
    paid = np.full(n, -1, dtype=np.int64)
    paid_day = np.full(n, -1, dtype=np.int64)
    method = np.full(n, -1, dtype=np.int64)
    alive = np.ones(n, dtype=bool)
    u = rng.random((n, 4))
    preferred = rng.choice(5, size=loans.n, p=[0.45, 0.25, 0.1, 0.1, 0.1])

    arrears = np.zeros(loans.n, dtype=np.int64)
    ended = np.zeros(loans.n, dtype=bool)
    default_day = np.full(loans.n, -1, dtype=np.int64)
    end_day = np.full(loans.n, -1, dtype=np.int64)
    end_status = np.full(loans.n, -1, dtype=np.int64)
    for mo in np.unique(month):  # each loan has at most one instalment per month
        rows = np.nonzero(month == mo)[0]
        ln = loan[rows]
        live = ~ended[ln]
        alive[rows] = live
        rows, ln = rows[live], ln[live]
        if len(rows) == 0:
            continue
        # 180 days in default: the loan is charged off and no instalment is expected any more.
        charge_off = (
            (d[rows] == DEFAULT)
            & (default_day[ln] >= 0)
            & (due[rows] >= default_day[ln] + CHARGE_OFF_DAYS)
        )
        end_day[ln[charge_off]] = default_day[ln[charge_off]] + CHARGE_OFF_DAYS
        end_status[ln[charge_off]] = CHARGED_OFF
        ended[ln[charge_off]] = True
        alive[rows[charge_off]] = False
        rows, ln = rows[~charge_off], ln[~charge_off]
        if len(rows) == 0:
            continue
        dd, pv, a = d[rows], prev[rows], amount_due[rows]
        cured = (dd == 0) & (pv >= 1) & (pv <= 3)
        perform = (dd == 0) & ~cured
        arrear = (dd >= 1) & (dd <= 3)
        in_default = dd == DEFAULT
        late = perform & (u[rows, 0] < late_p[rows])

        p = np.where(perform | cured, a + np.where(cured, arrears[ln], 0), 0)
        partial = arrear & (u[rows, 1] < 0.2)
        p = np.where(partial, np.round(a * rng.uniform(0.1, 0.5, len(rows))).astype(np.int64), p)
        explicit_zero = (arrear | in_default) & ~partial & (u[rows, 1] > 0.88)
        payoff = perform & (k[rows] >= prepay_k[ln]) & (k[rows] < loans.term[ln])
        balance = remaining_balance(loans, ln, k[rows])
        p = np.where(payoff, a + balance, p)
        due_r = due[rows]
        pday = np.where(
            perform & ~late,
            due_r - np.where(preferred[ln] == 0, 0, rng.integers(0, 4, len(rows))),
            np.where(
                late,
                due_r + rng.integers(1, 26, len(rows)),
                np.where(
                    cured,
                    due_r + rng.integers(0, 7, len(rows)),
                    np.where(partial, due_r + rng.integers(0, 20, len(rows)), -1),
                ),
            ),
        )
        paid[rows] = np.where(p > 0, p, np.where(explicit_zero, 0, -1))
        paid_day[rows] = np.where(p > 0, pday, -1)
        method[rows] = np.where(p > 0, np.where(late & (preferred[ln] == 0), 1, preferred[ln]), -1)
        arrears[ln] = np.where(arrear | in_default, arrears[ln] + a - np.where(partial, p, 0), 0)

        newly_default = in_default & (default_day[ln] < 0)
        default_day[ln] = np.where(newly_default, due_r, default_day[ln])
        matured = (perform | cured) & (k[rows] >= loans.term[ln])
        finish = payoff | matured
        end_day[ln] = np.where(finish, pday, end_day[ln])
        end_status[ln] = np.where(finish, PAID_OFF, end_status[ln])
        ended[ln] |= finish

    known = np.where(paid_day >= 0, paid_day, due)
    keep = alive & (known <= cfg.as_of_day)
    payments = Payments(
        loan=loan[keep],
        number=k[keep],
        due_day=due[keep],
        paid_day=paid_day[keep],
        amount_due=amount_due[keep],
        amount_paid=paid[keep],
        method=method[keep],
        known_day=known[keep],
    )
    return payments, status_history(
        cfg, loans, loan[alive], due[alive], d[alive], end_day, end_status
    )


def remaining_balance(loans: Loans, ln: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Principal outstanding (cents) after instalment k, on schedule."""
    r = loans.rate[ln] / 1200.0
    growth = (1 + r) ** k
    bal = loans.principal[ln] * growth - loans.instalment[ln] * (growth - 1) / r
    return np.maximum(np.round(bal), 0).astype(np.int64)


def status_history(
    cfg: GeneratorConfig,
    loans: Loans,
    loan: np.ndarray,
    due: np.ndarray,
    d: np.ndarray,
    end_day: np.ndarray,
    end_status: np.ndarray,
) -> StatusChanges:
    """Status after each instalment (the day after it fell due), plus pay-off and charge-off."""
    status = np.where(d == 0, CURRENT, np.where(d == DEFAULT, IN_DEFAULT, DELINQUENT))
    ended = np.nonzero(end_day >= 0)[0]
    ln = np.concatenate([np.arange(loans.n), loan, ended])
    day = np.concatenate([loans.orig_day, due + 1, end_day[ended]])
    st = np.concatenate([np.full(loans.n, CURRENT), status, end_status[ended]])
    is_end = np.concatenate([np.zeros(loans.n + len(loan), bool), np.ones(len(ended), bool)])
    # After a loan ends nothing changes its status again; on its last day the end status wins.
    final = np.where(end_day >= 0, end_day, np.iinfo(np.int64).max)
    keep = day <= final[ln]
    ln, day, st, is_end = ln[keep], day[keep], st[keep], is_end[keep]
    order = np.lexsort((is_end, day, ln))
    ln, day, st = ln[order], day[order], st[order]
    # Several changes on one day: the last one stands. Then drop repeats of the same status.
    last_of_day = np.ones(len(ln), dtype=bool)
    last_of_day[:-1] = (ln[1:] != ln[:-1]) | (day[1:] != day[:-1])
    ln, day, st = ln[last_of_day], day[last_of_day], st[last_of_day]
    changed = np.ones(len(ln), dtype=bool)
    changed[1:] = (ln[1:] != ln[:-1]) | (st[1:] != st[:-1])
    ln, day, st = ln[changed], day[changed], st[changed]
    inside = day <= cfg.as_of_day
    return StatusChanges(loan=ln[inside], day=day[inside], status=st[inside].astype(np.int8))


def status_on(changes: StatusChanges, n_loans: int, day: int) -> tuple[np.ndarray, np.ndarray]:
    """Each loan's status at the end of `day` and the day it took that status (-1: not yet open)."""
    status = np.full(n_loans, -1, dtype=np.int64)
    since = np.full(n_loans, -1, dtype=np.int64)
    upto = changes.day <= day
    # Rows are sorted by loan then day, so the last assignment per loan wins.
    status[changes.loan[upto]] = changes.status[upto]
    since[changes.loan[upto]] = changes.day[upto]
    return status, since


__all__ = [
    "EMPLOYED",
    "LOAN_STATUS",
    "LOAN_TYPES",
    "PAYMENT_METHODS",
    "Loans",
    "Payments",
    "StatusChanges",
    "draw_loans",
    "make_payments",
    "monthly_dues",
    "status_on",
]
