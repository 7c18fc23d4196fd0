"""Everyday account activity: income, spending, cash, transfers, fees, interest and loans.

Each function returns an `Events` block for one chunk of customers. Rates are per month of an
account's active life; amounts are log-normal around realistic medians and scale with income.
Behaviour follows the latent state: salaries stop during an income shock, gamblers bet more and
cash advances grow under stress, overdraft fees track credit quality.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from finlake.generator import reference as ref
from finlake.generator.accounts import CARD, CHECKING, SAVINGS, Accounts, primary_account
from finlake.generator.config import SECONDS_PER_DAY, GeneratorConfig
from finlake.generator.events import (
    ACH,
    ATM,
    ATM_CH,
    BRANCH,
    CASH_DEPOSIT,
    CREDIT,
    DEBIT,
    DEPOSIT,
    FEE,
    INTEREST,
    LOAN_DISBURSEMENT,
    LOAN_PAYMENT,
    MOBILE,
    NONE,
    ONLINE,
    POS,
    PURCHASE,
    REFUND,
    SALARY,
    TRANSFER_IN,
    TRANSFER_OUT,
    WIRE,
    WIRE_IN,
    WIRE_OUT,
    Events,
)
from finlake.generator.loans import Loans, Payments
from finlake.generator.population import (
    EMPLOYED,
    RETIRED,
    SELF_EMPLOYED,
    STUDENT,
    UNEMPLOYED,
    Customers,
    local_time_seconds,
    sigmoid,
    to_utc,
)
from finlake.generator.risk import Risk

COUNTRIES = tuple(
    dict.fromkeys(
        [c[0] for c in ref.HOME_COUNTRIES] + list(ref.TRAVEL_COUNTRIES) + list(ref.FRAUD_COUNTRIES)
    )
)
COUNTRY_INDEX = {c: i for i, c in enumerate(COUNTRIES)}
HOME_TO_COUNTRY = np.array([COUNTRY_INDEX[c[0]] for c in ref.HOME_COUNTRIES])
TRAVEL_IDX = np.array([COUNTRY_INDEX[c] for c in ref.TRAVEL_COUNTRIES])
MERCHANTS, MERCHANT_OFFSET, MERCHANT_COUNT = ref.merchant_table()
MCC_MEDIAN = np.array([c.median_amount for c in ref.MCC_CATEGORIES])
MCC_SIGMA = np.array([c.sigma for c in ref.MCC_CATEGORIES])
MCC_ONLINE = np.array([c.online_share for c in ref.MCC_CATEGORIES])
PURCHASE_P = ref.purchase_weights()
GAMBLING = ref.MCC_INDEX["7995"]
TRAVEL_MCCS = np.array([ref.MCC_INDEX[c] for c in ("5812", "7011", "4121", "5411", "5999")])
PURCHASES_PER_MONTH = 3.6  # tuned so a customer averages ~200 transactions over two years
MONTH_DAYS = 30.44


@dataclass
class World:
    """Everything drawn so far for one chunk, shared by the event generators."""

    rng: np.random.Generator
    cfg: GeneratorConfig
    cust: Customers
    accts: Accounts
    loans: Loans
    payments: Payments
    risk: Risk

    def __post_init__(self) -> None:
        a = self.accts
        self.start = np.maximum(a.opened_day, self.cfg.window_start_day)
        self.end = np.minimum(a.end_day, self.cfg.as_of_day)
        self.months_active = np.maximum(self.end - self.start + 1, 0) / MONTH_DAYS
        self.home = HOME_TO_COUNTRY[self.cust.country]
        self.income_factor = (self.cust.income / 55_000) ** 0.3
        months = len(self.cfg.month_starts)
        # Stress: an income shock or arrears, month by month; drives gambling and cash advances.
        self.stress = self.risk.shock | (self.risk.state >= 1)
        self.months = months

    def utc(self, acct: np.ndarray, day: np.ndarray, profile: str) -> np.ndarray:
        cust = self.accts.customer[acct]
        secs = local_time_seconds(self.rng, len(acct), profile)
        if profile == "shopping":
            owl = self.cust.night_owl[cust] & (self.rng.random(len(acct)) < 0.35)
            secs = np.where(owl, local_time_seconds(self.rng, len(acct), "night"), secs)
        return to_utc(day, secs, self.cust.utc_offset[cust])

    def uniform_days(self, acct: np.ndarray) -> np.ndarray:
        span = self.end[acct] - self.start[acct] + 1
        return self.start[acct] + (self.rng.random(len(acct)) * span).astype(np.int64)

    def poisson_per_account(self, acct: np.ndarray, monthly_rate: np.ndarray) -> np.ndarray:
        """Repeat each account index by a Poisson count over its active months."""
        counts = self.rng.poisson(monthly_rate * self.months_active[acct])
        return np.repeat(acct, counts)

    def month_grid(self, per_customer_acct: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(customer, month) pairs for customers holding the given account (-1 = none)."""
        has = per_customer_acct >= 0
        cust, month = np.nonzero(np.repeat(has[:, None], self.months, axis=1))
        return cust, month

    def month_day(self, month: np.ndarray, day_of_month: np.ndarray) -> np.ndarray:
        return self.cfg.month_starts[month] + day_of_month - 1

    def active(self, acct: np.ndarray, day: np.ndarray) -> np.ndarray:
        return (
            (acct >= 0)
            & (day >= self.start[np.maximum(acct, 0)])
            & (day <= self.end[np.maximum(acct, 0)])
        )


def cents(x: np.ndarray) -> np.ndarray:
    return np.maximum(np.round(np.asarray(x) * 100), 1).astype(np.int64)


def income(w: World) -> Events:
    """Salaries, pensions, benefits, self-employed receipts and family support."""
    rng, c = w.rng, w.cust
    main = primary_account(w.accts, c.n, (CHECKING, SAVINGS))
    cust, month = w.month_grid(main)
    emp = c.employment[cust]
    acct = main[cust]
    shock = w.risk.shock[cust, month]
    blocks = []

    payday = (c.number % 4 + 25)[cust]  # each employer pays on its own day
    semi = (c.number % 3 == 0)[cust]
    salaried = (emp == EMPLOYED) & ~shock
    net = c.income[cust] * 0.72 / 12
    for half, day_of_month in ((0, np.where(semi, 15, payday)), (1, payday)):
        pick = salaried & (semi if half else np.ones_like(semi))
        amount = net[pick] / np.where(semi[pick], 2, 1) * rng.normal(1, 0.012, pick.sum())
        amount *= np.where(
            (
                w.cfg.month_starts[month[pick]]
                .astype("datetime64[D]")
                .astype("datetime64[M]")
                .astype(np.int64)
                % 12
                == 11
            )
            & (rng.random(pick.sum()) < 0.3),
            1.8,
            1.0,
        )
        day = w.month_day(month[pick], day_of_month[pick])
        blocks.append(_dated(w, acct[pick], day, cents(amount), SALARY, CREDIT, ACH, "batch"))

    pension = emp == RETIRED
    day = w.month_day(month[pension], 3)
    blocks.append(
        _dated(
            w,
            acct[pension],
            day,
            cents(net[pension] * rng.normal(1, 0.005, pension.sum())),
            DEPOSIT,
            CREDIT,
            ACH,
            "batch",
        )
    )
    benefit = emp == UNEMPLOYED
    for day_of_month in (1, 15):
        day = w.month_day(month[benefit], day_of_month)
        blocks.append(
            _dated(
                w,
                acct[benefit],
                day,
                cents(rng.uniform(350, 900, benefit.sum())),
                DEPOSIT,
                CREDIT,
                ACH,
                "batch",
            )
        )
    support = emp == STUDENT
    day = w.month_day(month[support], rng.integers(1, 28, support.sum()))
    blocks.append(
        _dated(
            w,
            acct[support],
            day,
            cents(rng.uniform(150, 900, support.sum())),
            TRANSFER_IN,
            CREDIT,
            MOBILE,
            "business",
        )
    )

    # Self-employed receipts: a few irregular deposits a month, fewer under a shock.
    self_emp = np.nonzero(emp == SELF_EMPLOYED)[0]
    n_dep = rng.poisson(np.where(shock[self_emp], 1.0, 3.0))
    rows = np.repeat(self_emp, n_dep)
    share = c.income[cust[rows]] * 0.75 / 12 / 3
    day = w.month_day(month[rows], rng.integers(1, 29, len(rows)))
    blocks.append(
        _dated(
            w,
            acct[rows],
            day,
            cents(share * rng.lognormal(0, 0.5, len(rows))),
            DEPOSIT,
            CREDIT,
            rng.choice([ACH, MOBILE, BRANCH], len(rows)),
            "business",
        )
    )
    # Cash businesses bank their takings; now and then a legitimate deposit above 10,000.
    biz = np.nonzero(c.small_business[cust])[0]
    n_cash = rng.poisson(4.0, len(biz))
    rows = np.repeat(biz, n_cash)
    day = w.month_day(month[rows], rng.integers(1, 29, len(rows)))
    amount = rng.lognormal(np.log(1_500), 0.6, len(rows))
    big = rng.random(len(rows)) < 0.02
    amount = np.where(big, rng.uniform(10_200, 24_000, len(rows)), amount)
    blocks.append(
        _dated(w, acct[rows], day, cents(amount), CASH_DEPOSIT, CREDIT, BRANCH, "business")
    )
    return Events.concat(blocks)


def _dated(w: World, acct, day, amount, ttype, direction, channel, profile) -> Events:
    acct = np.asarray(acct, dtype=np.int64)
    day = np.asarray(day, dtype=np.int64)
    ok = w.active(acct, day)
    acct, day = acct[ok], day[ok]
    amount = np.asarray(amount)[ok] if np.ndim(amount) else amount
    channel = np.asarray(channel)[ok] if np.ndim(channel) else channel
    return Events.make(acct, w.utc(acct, day, profile), amount, ttype, direction, channel)


def purchases(w: World) -> Events:
    """Card and debit-card spend by merchant category, at home, abroad and online."""
    rng, c, a = w.rng, w.cust, w.accts
    has_card = np.zeros(c.n, dtype=bool)
    has_card[a.customer[a.kind == CARD]] = True
    spenders = np.nonzero(a.kind != SAVINGS)[0]
    cust = a.customer[spenders]
    share = np.where(a.kind[spenders] == CARD, 0.55, np.where(has_card[cust], 0.45, 1.0))
    acct = w.poisson_per_account(spenders, PURCHASES_PER_MONTH * c.spend_rate[cust] * share)
    n = len(acct)
    mcc = rng.choice(len(PURCHASE_P), size=n, p=PURCHASE_P)
    day = w.uniform_days(acct)

    # Gamblers bet online, several times more while under stress.
    owner = a.customer[spenders]
    gamb = spenders[c.gambler[owner]]
    g_cust = a.customer[gamb]
    g_stress = w.stress[g_cust].mean(axis=1) if len(gamb) else np.zeros(0)
    g_acct = w.poisson_per_account(gamb, 1.2 * (1 + 4 * g_stress))
    g_day = w.uniform_days(g_acct)
    month = w.cfg.month_index(g_day)
    stressed = w.stress[a.customer[g_acct], np.maximum(month, 0)]
    g_keep = stressed | (rng.random(len(g_acct)) < 0.35)
    g_acct, g_day = g_acct[g_keep], g_day[g_keep]

    # Trips abroad: purchases at travel merchants in another country on each day of a trip.
    trav = np.nonzero(c.traveller)[0]
    n_trips = rng.poisson(1.3, len(trav))
    t_cust = np.repeat(trav, n_trips)
    t_start = w.cfg.window_start_day + rng.integers(
        0, w.cfg.as_of_day - w.cfg.window_start_day, len(t_cust)
    )
    t_len = rng.integers(3, 12, len(t_cust))
    t_country = TRAVEL_IDX[rng.integers(0, len(TRAVEL_IDX), len(t_cust))]
    t_country = np.where(t_country == w.home[t_cust], TRAVEL_IDX[0], t_country)
    pay_with = primary_account(a, c.n, (CARD, CHECKING))[t_cust]
    per_day = rng.poisson(2.2, (len(t_cust), 12)) * (np.arange(12)[None, :] < t_len[:, None])
    trip_rows, day_rows = np.nonzero(per_day)
    per = per_day[trip_rows, day_rows]
    trip_id, offset = np.repeat(trip_rows, per), np.repeat(day_rows, per)
    tr_acct = pay_with[trip_id]
    tr_day = t_start[trip_id] + offset
    tr_mcc = TRAVEL_MCCS[rng.integers(0, len(TRAVEL_MCCS), len(trip_id))]

    acct = np.concatenate([acct, g_acct, tr_acct])
    day = np.concatenate([day, g_day, tr_day])
    mcc = np.concatenate([mcc, np.full(len(g_acct), GAMBLING), tr_mcc])
    country = np.concatenate([w.home[a.customer[acct[: n + len(g_acct)]]], t_country[trip_id]])
    abroad = np.concatenate([np.zeros(n + len(g_acct), bool), np.ones(len(trip_id), bool)])
    ok = w.active(acct, day)
    acct, day, mcc, country, abroad = acct[ok], day[ok], mcc[ok], country[ok], abroad[ok]
    m = len(acct)

    online = (rng.random(m) < MCC_ONLINE[mcc]) & ~abroad
    channel = np.where(online, np.where(rng.random(m) < 0.3, MOBILE, ONLINE), POS)
    cross_border = online & (rng.random(m) < 0.04)
    country = np.where(cross_border, TRAVEL_IDX[rng.integers(0, len(TRAVEL_IDX), m)], country)
    owner = a.customer[acct]
    amount = (
        MCC_MEDIAN[mcc] * np.exp(MCC_SIGMA[mcc] * rng.standard_normal(m)) * w.income_factor[owner]
    )
    # Now and then a genuine big-ticket purchase: a look-alike for the large-amount fraud rule.
    splurge = rng.random(m) < 0.002
    amount = np.where(splurge, amount * rng.uniform(8, 25, m), amount)
    merchant = MERCHANT_OFFSET[mcc] + rng.integers(0, 1 << 30, m) % MERCHANT_COUNT[mcc]
    return Events.make(
        acct,
        w.utc(acct, day, "shopping"),
        cents(np.maximum(amount, 1.0)),
        PURCHASE,
        DEBIT,
        channel,
        mcc,
        merchant,
        country,
    )


def cash(w: World) -> Events:
    """ATM withdrawals, cash deposits and cash advances on credit cards."""
    rng, c, a = w.rng, w.cust, w.accts
    checking = np.nonzero(a.kind == CHECKING)[0]
    cash_pref = np.exp(rng.normal(0, 0.6, c.n))
    acct = w.poisson_per_account(checking, 0.55 * cash_pref[a.customer[checking]])
    day = w.uniform_days(acct)
    amount = 20 * rng.integers(1, 16, len(acct)) * np.where(rng.random(len(acct)) < 0.05, 2, 1)
    atm = Events.make(
        acct,
        w.utc(acct, day, "shopping"),
        amount * 100,
        ATM,
        DEBIT,
        ATM_CH,
        country=w.home[a.customer[acct]],
    )

    acct = w.poisson_per_account(checking, 0.12 * np.ones(len(checking)))
    day = w.uniform_days(acct)
    deposit = Events.make(
        acct,
        w.utc(acct, day, "business"),
        cents(rng.lognormal(np.log(400), 0.8, len(acct))),
        CASH_DEPOSIT,
        CREDIT,
        np.where(rng.random(len(acct)) < 0.6, BRANCH, ATM_CH),
    )

    cards = np.nonzero((a.kind == CARD) & c.cash_advance[a.customer])[0]
    stress = w.stress[a.customer[cards]].mean(axis=1) if len(cards) else np.zeros(0)
    acct = w.poisson_per_account(cards, 0.35 * (1 + 5 * stress))
    day = w.uniform_days(acct)
    advance = Events.make(
        acct,
        w.utc(acct, day, "shopping"),
        cents(20 * rng.integers(5, 40, len(acct))),
        ATM,
        DEBIT,
        ATM_CH,
        country=w.home[a.customer[acct]],
    )
    return Events.concat([atm, deposit, advance])


def transfers(w: World) -> Events:
    """Savings sweeps, person-to-person transfers and wires."""
    rng, c, a = w.rng, w.cust, w.accts
    checking = primary_account(a, c.n, (CHECKING,))
    savings = primary_account(a, c.n, (SAVINGS,))
    both = (checking >= 0) & (savings >= 0)
    cust, month = w.month_grid(np.where(both, checking, -1))
    calm = ~w.stress[cust, month] & (rng.random(len(cust)) < 0.7)
    cust, month = cust[calm], month[calm]
    day = w.month_day(month, rng.integers(1, 6, len(cust)))
    amount = cents(c.income[cust] / 12 * rng.uniform(0.03, 0.12, len(cust)))
    ok = w.active(checking[cust], day) & w.active(savings[cust], day)
    cust, day, amount = cust[ok], day[ok], amount[ok]
    ts = to_utc(day, local_time_seconds(rng, len(cust), "business"), c.utc_offset[cust])
    sweep = Events.concat(
        [
            Events.make(checking[cust], ts, amount, TRANSFER_OUT, DEBIT, ONLINE),
            Events.make(savings[cust], ts + 1, amount, TRANSFER_IN, CREDIT, ONLINE),
        ]
    )

    chk = np.nonzero(a.kind == CHECKING)[0]
    blocks = [sweep]
    for ttype, direction, rate, median, sigma, channels in (
        (TRANSFER_OUT, DEBIT, 0.45, 120, 0.9, (MOBILE, ONLINE)),
        (TRANSFER_IN, CREDIT, 0.35, 100, 0.9, (MOBILE, ONLINE, ACH)),
        (WIRE_OUT, DEBIT, 0.015, 3_500, 0.8, (WIRE,)),
        (WIRE_IN, CREDIT, 0.012, 4_000, 0.8, (WIRE,)),
    ):
        acct = w.poisson_per_account(chk, rate * np.ones(len(chk)))
        day = w.uniform_days(acct)
        amount = cents(
            rng.lognormal(np.log(median), sigma, len(acct)) * w.income_factor[a.customer[acct]]
        )
        channel = np.asarray(channels)[rng.integers(0, len(channels), len(acct))]
        country = NONE
        if ttype in (WIRE_OUT, WIRE_IN):
            foreign = rng.random(len(acct)) < 0.3
            country = np.where(
                foreign,
                TRAVEL_IDX[rng.integers(0, len(TRAVEL_IDX), len(acct))],
                w.home[a.customer[acct]],
            )
        blocks.append(
            Events.make(
                acct,
                w.utc(acct, day, "business"),
                amount,
                ttype,
                direction,
                channel,
                country=country,
            )
        )
    return Events.concat(blocks)


def fees_and_interest(w: World) -> Events:
    """Maintenance and overdraft fees on checking, interest on savings."""
    rng, c, a = w.rng, w.cust, w.accts
    blocks = []
    checking = primary_account(a, c.n, (CHECKING,))
    cust, month = w.month_grid(checking)
    pays_fee = (c.number % 4 == 0)[cust]
    day = w.month_day(month[pays_fee], 1)
    blocks.append(_dated(w, checking[cust[pays_fee]], day, 1200, FEE, DEBIT, NONE, "batch"))
    # Overdraft fees: frequent where credit quality is poor, more so under stress.
    rate = 0.04 * np.exp(1.1 * c.z[cust]) * (1 + 3 * w.stress[cust, month])
    n_od = rng.poisson(np.minimum(rate, 3))
    rows = np.repeat(np.arange(len(cust)), n_od)
    day = w.month_day(month[rows], rng.integers(1, 29, len(rows)))
    blocks.append(_dated(w, checking[cust[rows]], day, 3500, FEE, DEBIT, NONE, "batch"))

    savings = primary_account(a, c.n, (SAVINGS,))
    cust, month = w.month_grid(savings)
    day = w.month_day(month, 28)
    amount = cents(c.income[cust] * 0.0003 * rng.lognormal(0, 0.7, len(cust)) + 0.05)
    blocks.append(_dated(w, savings[cust], day, amount, INTEREST, CREDIT, NONE, "batch"))
    return Events.concat(blocks)


def card_repayments(w: World, spend: Events) -> Events:
    """Monthly credit-card payments from checking, card interest and late fees.

    Transactors clear the statement; revolvers pay part of it, and much less in arrears, so
    utilisation climbs ahead of a default.
    """
    rng, c, a = w.rng, w.cust, w.accts
    on_card = (a.kind[spend.acct] == CARD) & (spend.direction == DEBIT)
    month = w.cfg.month_index(spend.ts[on_card] // SECONDS_PER_DAY)
    cards = np.nonzero(a.kind == CARD)[0]
    pos = np.full(a.n, -1, dtype=np.int64)
    pos[cards] = np.arange(len(cards))
    statement = np.zeros((len(cards), w.months))
    np.add.at(
        statement,
        (pos[spend.acct[on_card]], np.clip(month, 0, w.months - 1)),
        spend.amount[on_card] / 100,
    )
    owner = a.customer[cards]
    transactor = rng.random(len(cards)) < sigmoid(0.8 - 1.3 * c.z[owner])
    base_ratio = np.where(transactor, 1.0, rng.uniform(0.25, 0.7, len(cards)))
    card_i, month_i = np.nonzero(statement[:, :-1] > 0)
    due_month = month_i + 1
    in_arrears = w.risk.state[owner[card_i], due_month] >= 1
    stressed = w.stress[owner[card_i], due_month]
    ratio = base_ratio[card_i] * np.where(in_arrears, 0.2, np.where(stressed, 0.6, 1.0))
    bill = statement[card_i, month_i]
    pay = np.minimum(bill, np.maximum(ratio * bill, 25.0))
    day = w.month_day(due_month, rng.integers(15, 26, len(card_i)))
    acct = cards[card_i]
    checking = primary_account(a, c.n, (CHECKING,))[owner[card_i]]
    ok = w.active(acct, day)
    acct, day, pay, chk, bill, ratio, month_i = (
        x[ok] for x in (acct, day, pay, checking, bill, ratio, month_i)
    )
    ts = w.utc(acct, day, "business")
    blocks = [Events.make(acct, ts, cents(pay), TRANSFER_IN, CREDIT, ACH)]
    from_chk = w.active(chk, day)
    blocks.append(
        Events.make(chk[from_chk], ts[from_chk] - 1, cents(pay[from_chk]), TRANSFER_OUT, DEBIT, ACH)
    )
    revolving = ratio < 1.0
    interest = bill * (1 - ratio) * 0.021
    blocks.append(
        Events.make(
            acct[revolving],
            ts[revolving] + 3 * SECONDS_PER_DAY,
            cents(interest[revolving]),
            INTEREST,
            DEBIT,
            NONE,
        )
    )
    late = ratio < 0.3
    blocks.append(Events.make(acct[late], ts[late] + 4 * SECONDS_PER_DAY, 3900, FEE, DEBIT, NONE))
    out = Events.concat(blocks)
    day = out.ts // SECONDS_PER_DAY
    return out.take(np.nonzero(w.active(out.acct, day) & (day <= w.cfg.as_of_day))[0])


def loan_cash_flows(w: World) -> Events:
    """Disbursements into, and instalments paid from, each loan's repayment account."""
    ln, p = w.loans, w.payments
    disbursed = (ln.account >= 0) & (ln.orig_day >= w.cfg.window_start_day)
    acct = ln.account[disbursed]
    out = [
        Events.make(
            acct,
            w.utc(acct, ln.orig_day[disbursed], "business"),
            ln.principal[disbursed],
            LOAN_DISBURSEMENT,
            CREDIT,
            ACH,
        )
    ]
    paid = (p.amount_paid > 0) & (ln.account[p.loan] >= 0)
    acct = ln.account[p.loan[paid]]
    channel = np.array([ACH, ACH, ONLINE, BRANCH, BRANCH])[np.maximum(p.method[paid], 0)]
    out.append(
        Events.make(
            acct,
            w.utc(acct, p.paid_day[paid], "batch"),
            p.amount_paid[paid],
            LOAN_PAYMENT,
            DEBIT,
            channel,
        )
    )
    ev = Events.concat(out)
    day = ev.ts // SECONDS_PER_DAY
    return ev.take(np.nonzero(w.active(ev.acct, day))[0])


def refunds(w: World, spend: Events) -> Events:
    """About one purchase in a hundred comes back as a refund a few days later."""
    rng = w.rng
    pick = np.nonzero((spend.ttype == PURCHASE) & (rng.random(len(spend)) < 0.01))[0]
    src = spend.take(pick)
    ts = src.ts + rng.integers(3, 21, len(src)) * SECONDS_PER_DAY
    ev = Events.make(
        src.acct, ts, src.amount, REFUND, CREDIT, src.channel, src.mcc, src.merchant, src.country
    )
    return ev.take(np.nonzero(w.active(ev.acct, ts // SECONDS_PER_DAY))[0])


def everyday(w: World) -> Events:
    """All genuine activity for the chunk."""
    spend = Events.concat([purchases(w), cash(w)])
    return Events.concat(
        [
            spend,
            income(w),
            transfers(w),
            fees_and_interest(w),
            card_repayments(w, spend),
            loan_cash_flows(w),
            refunds(w, spend),
        ]
    )


__all__ = ["COUNTRIES", "MERCHANTS", "World", "everyday"]
