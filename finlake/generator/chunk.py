"""One chunk of customers, end to end: draw them, simulate two years, and render each entity's
rows as contract-formatted text together with the extract date each row is delivered on.

Master data (customers, accounts, loans) yields one row per version: the state at the
snapshot date, then a change record on each delta day something changed. Events
(transactions, loan payments) land in the extract of the day they became known.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from finlake.generator import reference as ref
from finlake.generator import shift
from finlake.generator import textcsv as t
from finlake.generator.accounts import (
    ACCOUNT_STATUS,
    ACCOUNT_TYPES,
    ACTIVE,
    CARD,
    CHECKING,
    CLOSED,
    Accounts,
    draw_accounts,
)
from finlake.generator.config import SECONDS_PER_DAY, GeneratorConfig
from finlake.generator.events import (
    CHANNELS,
    CREDIT,
    DEBIT,
    DECLINED,
    DIRECTIONS,
    NONE,
    ONLINE,
    PENDING,
    POS,
    POSTED,
    PURCHASE,
    REVERSED,
    TRANSFER_IN,
    TX_STATUS,
    TX_TYPES,
    Events,
)
from finlake.generator.fraud import PATTERNS, inject, lookalikes, varied
from finlake.generator.loans import (
    LOAN_STATUS,
    LOAN_TYPES,
    PAYMENT_METHODS,
    Loans,
    Payments,
    draw_loans,
    make_payments,
    monthly_dues,
    status_on,
)
from finlake.generator.population import EMPLOYMENT, Customers, draw_customers
from finlake.generator.risk import Risk, simulate
from finlake.generator.transactions import COUNTRIES, MERCHANTS, World, everyday

TX_ID_BLOCK = 10_000_000  # transaction ids are chunk * block + position: unique, parallel-safe
FRAUD_EPISODE_BLOCK = 100_000


@dataclass
class EntityRows:
    """Rendered rows of one entity for one chunk, in contract column order."""

    table: pa.Table  # every column a string column, nulls as nulls
    day: np.ndarray  # extract date (day number) of the file each row lands in
    key: pa.Array  # business key, for the defect log


@dataclass
class ChunkState:
    """The simulated world behind a chunk's rows at as_of (finlake.generator.continuation
    continues it)."""

    cust: Customers
    accts: Accounts
    loans: Loans
    payments: Payments
    changes: object  # StatusChanges
    risk: Risk
    tx: Settled
    balances: Balances


@dataclass
class ChunkResult:
    entities: dict[str, EntityRows]
    truth: dict[str, pa.Table]
    counts: dict[str, int]
    state: ChunkState | None = None


def build_chunk(
    cfg: GeneratorConfig, chunk: int, first_customer: int, n: int, seed_seq
) -> ChunkResult:
    rng = np.random.default_rng(seed_seq)
    cust = draw_customers(rng, cfg, first_customer, n)
    shift.shift_joiners(cfg, cust)  # --book-shift: a riskier mix of new borrowers
    accts = draw_accounts(rng, cfg, cust)
    loans = draw_loans(rng, cfg, cust, accts)
    due_grid, debt = monthly_dues(loans, cfg, cust.n)
    dti = debt / (cust.income / 12)
    risk = simulate(rng, cust, dti, due_grid, cfg.economic_shock)
    payments, status_changes = make_payments(rng, cfg, loans, risk, cust)

    world = World(rng, cfg, cust, accts, loans, payments, risk)
    genuine = everyday(world)
    if cfg.fraud_variation:  # genuine activity shaped like fraud (its own random draws)
        genuine = Events.concat([genuine, lookalikes(world, cfg.seed, first_customer)])
    behaviour = varied(cfg.seed, cfg.fraud_variation)  # today's fraud when 0
    fraud, victims, patterns = inject(world, genuine, chunk * FRAUD_EPISODE_BLOCK, behaviour)
    events = Events.concat([genuine, fraud])
    inside = world.active(events.acct, events.ts // SECONDS_PER_DAY) & (
        events.ts // SECONDS_PER_DAY <= cfg.as_of_day
    )
    events = events.take(np.nonzero(inside)[0])
    events = events.take(np.lexsort((events.acct, events.ts)))
    tx = settle(rng, cfg, events)
    balances = Balances.compute(rng, cfg, cust, accts, tx)
    events = tx.events

    entities = {
        "customers": customer_rows(rng, cfg, cust, risk),
        "accounts": account_rows(rng, cfg, cust, accts, tx, balances),
        "transactions": transaction_rows(cfg, chunk, cust, accts, tx),
        "loans": loan_rows(rng, cfg, cust, accts, loans, status_changes),
        "loan_payments": payment_rows(cfg, loans, payments),
    }
    truth = {
        "customers": customer_truth(cfg, cust, risk, loans, status_changes),
        "default_risk_monthly": monthly_truth(cfg, cust, risk, due_grid),
        "fraud_labels": fraud_truth(chunk, cust, accts, tx, victims, patterns),
    }
    counts = {name: rows.table.num_rows for name, rows in entities.items()}
    state = ChunkState(cust, accts, loans, payments, status_changes, risk, tx, balances)
    return ChunkResult(entities=entities, truth=truth, counts=counts, state=state)


# --- transactions: status, posting date ---------------------------------------------------


@dataclass
class Settled:
    events: Events
    status: np.ndarray
    posted_day: np.ndarray  # -1 when not posted
    file_day: np.ndarray


def settle(rng: np.random.Generator, cfg: GeneratorConfig, ev: Events) -> Settled:
    """Decide each transaction's status and posting date, and the extract it is delivered in."""
    n = len(ev)
    day = ev.ts // SECONDS_PER_DAY
    file_day = np.maximum(day, cfg.snapshot_day)
    posted_day = day + card_delay(rng, ev.ttype, ev.channel)
    status = np.full(n, POSTED, dtype=np.int8)
    u = rng.random(n)
    purchase = ev.ttype == PURCHASE
    testing = (ev.fraud >= 0) & purchase & (ev.amount < 500)
    status = np.where(purchase & (u < 0.015), DECLINED, status)
    status = np.where(purchase & (u >= 0.015) & (u < 0.019), REVERSED, status)
    status = np.where(testing & (rng.random(n) < 0.4), DECLINED, status)
    status, posted_day = as_extracted(status, posted_day, file_day)
    return Settled(
        events=ev, status=status.astype(np.int8), posted_day=posted_day, file_day=file_day
    )


def card_delay(rng: np.random.Generator, ttype: np.ndarray, channel: np.ndarray) -> np.ndarray:
    """Days from a transaction to its posting: 0-2 for card purchases, 0 for the rest."""
    is_card_purchase = (ttype == PURCHASE) & np.isin(channel, [POS, ONLINE])
    return np.where(is_card_purchase, rng.choice(3, size=len(ttype), p=[0.4, 0.45, 0.15]), 0)


def as_extracted(
    status: np.ndarray, posted_day: np.ndarray, file_day: np.ndarray | int
) -> tuple[np.ndarray, np.ndarray]:
    """Status and posting day (-1: none) as the extract of `file_day` sees them."""
    # Not yet posted when the extract was taken: delivered as pending.
    status = np.where((status == POSTED) & (posted_day > file_day), PENDING, status)
    posted_day = np.where(np.isin(status, [POSTED, REVERSED]), posted_day, -1)
    # A reversal the extract sees before the posting date was never posted: no posting date
    # later than the extract that delivers it.
    posted_day = np.where((status == REVERSED) & (posted_day > file_day), -1, posted_day)
    return status, posted_day


@dataclass
class Balances:
    """Opening balances and the per-day balance history needed for account versions."""

    opening: np.ndarray  # cents at the window start (or 0 at opening)
    signed: np.ndarray  # signed cents of each posted transaction for its account
    credit_limit: np.ndarray  # cents, cards only

    @classmethod
    def compute(
        cls, rng, cfg: GeneratorConfig, cust: Customers, accts: Accounts, tx: Settled
    ) -> Balances:
        ev = tx.events
        posted = tx.status == POSTED
        # Deposit accounts: credits add. Cards: the balance is what is owed, so debits add.
        sign = np.where(ev.direction == CREDIT, 1, -1) * np.where(
            accts.kind[ev.acct] == CARD, -1, 1
        )
        signed = np.where(posted, sign * ev.amount, 0)
        order = np.lexsort((ev.ts, tx.posted_day, ev.acct))
        acct_sorted = ev.acct[order]
        running = np.cumsum(signed[order])
        starts = (
            np.r_[0, np.nonzero(np.diff(acct_sorted))[0] + 1]
            if len(order)
            else np.zeros(0, np.int64)
        )
        base = np.r_[0, running][starts]
        lowest = np.zeros(accts.n)
        highest = np.zeros(accts.n)
        if len(order):
            rel = running - np.repeat(base, np.diff(np.r_[starts, len(order)]))
            lowest[acct_sorted[starts]] = np.minimum.reduceat(rel, starts)
            highest[acct_sorted[starts]] = np.maximum.reduceat(rel, starts)
        cushion = cust.income[accts.customer] * 100 * rng.uniform(0.01, 0.15, accts.n)
        deposit = accts.kind != CARD
        opening = np.where(deposit, np.maximum(0, -lowest) + cushion, np.maximum(0, -lowest))
        opening = np.where(
            accts.opened_day >= cfg.window_start_day,
            np.where(deposit, np.maximum(0, -lowest), 0),
            opening,
        )
        # Card limits: peak owed balance over a target peak utilisation tied to credit quality.
        peak_util = np.clip(
            1 / (1 + np.exp(-(-0.6 + 0.9 * cust.z[accts.customer]))) + rng.normal(0, 0.08, accts.n),
            0.12,
            0.97,
        )
        peak = opening + highest
        floor = np.round(cust.income[accts.customer] * 0.08 / 500) * 500 * 100
        limit = np.maximum(np.ceil(peak / peak_util / 50_000) * 50_000, np.maximum(floor, 50_000))
        return cls(
            opening=np.round(opening).astype(np.int64),
            signed=signed,
            credit_limit=np.where(accts.kind == CARD, limit, -1).astype(np.int64),
        )

    def on(self, tx: Settled, day: int) -> np.ndarray:
        upto = (tx.posted_day >= 0) & (tx.posted_day <= day)
        n = len(self.opening)
        return self.opening + np.bincount(
            tx.events.acct[upto], weights=self.signed[upto], minlength=n
        ).astype(np.int64)


# --- customers ------------------------------------------------------------------------------


def customer_rows(rng, cfg: GeneratorConfig, cust: Customers, risk: Risk) -> EntityRows:
    n = cust.n
    first = np.array(ref.FIRST_NAMES, dtype=object)[cust.first]
    last = np.array(ref.LAST_NAMES, dtype=object)[cust.last]
    state = _CustomerState.initial(rng, cfg, cust, first, last)

    # The snapshot holds each customer's last version before it; joiners appear on their day.
    # Nothing in the simulated world changes a customer before the snapshot (the changes are the
    # deltas below), so that version is the one written when the customer joined: its updated_at
    # is the joining day. (A random later updated_at made 20-30% of the early profiles unknown
    # as of their observation date and none at scoring: a drift of the history, not of the
    # population.)
    visible = cust.since_day <= cfg.snapshot_day
    upd_day = cust.since_day
    rng.random(n)  # the draw that once dated it: kept, so every later draw stays as it was
    versions = [state.render(np.arange(n), upd_day, rng)]
    days = [np.where(visible, cfg.snapshot_day, cust.since_day)]
    refresh = shift.bureau_refresh(cfg, cust, state.score, state.income)  # --book-shift
    if refresh is not None:
        idx, day, shift_rng = refresh
        versions.append(state.render(idx, day, shift_rng))
        days.append(np.maximum(day, cfg.snapshot_day))  # dated before it: in the snapshot
    # Change records: contact details, income, and bureau-score refreshes (down under stress).
    for day in cfg.delta_days:
        exists = cust.since_day < day
        month = cfg.month_index(np.array([day]))[0]
        stressed = risk.state[:, month] >= 1
        change = exists & (rng.random(n) < np.where(stressed, 0.03, 0.004))
        idx = np.nonzero(change)[0]
        if len(idx) == 0:
            continue
        state.change(rng, idx, stressed[idx])
        versions.append(state.render(idx, np.full(len(idx), day), rng))
        days.append(np.full(len(idx), day))
    table = pa.concat_tables(versions)
    return EntityRows(
        table=table, day=np.concatenate(days), key=table.column("customer_id").combine_chunks()
    )


class _CustomerState:
    """Mutable current values of the customer columns, rendered as a version when asked."""

    def __init__(self, **cols):
        self.__dict__.update(cols)

    @classmethod
    def initial(cls, rng, cfg, cust: Customers, first, last) -> _CustomerState:
        n = cust.n
        home = np.array([c[0] for c in ref.HOME_COUNTRIES], dtype=object)[cust.country]
        city, region, postal = [], [], []
        for i in range(n):
            if cust.country[i] == 0:
                c = ref.US_CITIES[cust.city[i]]
                postal.append(f"{c[2]}{cust.number[i] % 97:02d}")
            else:
                c = ref.HOME_COUNTRIES[cust.country[i]][4][cust.city[i]]
                postal.append(f"{c[2]} {cust.number[i] % 9}{'ABCDEFGH'[cust.number[i] % 8]}")
            city.append(c[0])
            region.append(c[1] or None)
        email = np.array([_email(rng, f, s) for f, s in zip(first, last)], dtype=object)
        email[rng.random(n) < 0.05] = None
        phone = np.array([_phone(rng, int(c)) for c in cust.country], dtype=object)
        phone[rng.random(n) < 0.05] = None
        national_id = np.array(
            [
                f"{rng.integers(100, 900):03d}-{rng.integers(10, 100):02d}-{rng.integers(1000, 10000):04d}"
                for _ in range(n)
            ],
            dtype=object,
        )
        national_id[rng.random(n) < 0.03] = None
        income_cents = np.round(cust.income * 100).astype(np.int64)
        return cls(
            cust=cust,
            n=n,
            first=first,
            last=last,
            email=email,
            phone=phone,
            national_id=national_id,
            address=np.array([_address(rng) for _ in range(n)], dtype=object),
            city=np.array(city, dtype=object),
            region=np.array(region, dtype=object),
            postal=np.array(postal, dtype=object),
            country=home,
            income=income_cents,
            income_null=rng.random(n) < 0.03,
            employment=cust.employment.astype(np.int64),
            employment_null=rng.random(n) < 0.02,
            score=cust.credit_score.copy(),
            score_null=rng.random(n) < 0.02,
            dob_day=cfg.as_of_day - cust.age_days,
        )

    def change(self, rng, idx: np.ndarray, stressed: np.ndarray) -> None:
        kind = rng.integers(0, 4, len(idx))
        for i, k, s in zip(idx, kind, stressed):
            if s:  # a bureau refresh after missed payments
                self.score[i] = max(300, self.score[i] - int(rng.integers(25, 90)))
                self.score_null[i] = False
            elif k == 0:
                self.email[i] = _email(rng, self.first[i], self.last[i])
            elif k == 1:
                self.phone[i] = _phone(rng, int(self.cust.country[i]))
            elif k == 2:
                self.address[i] = _address(rng)
            else:
                self.income[i] = int(self.income[i] * rng.uniform(0.95, 1.12))
                self.income_null[i] = False

    def render(self, idx: np.ndarray, day: np.ndarray, rng) -> pa.Table:
        c = self.cust
        secs = rng.integers(6 * 3600, 22 * 3600, len(idx))
        return pa.table(
            {
                "customer_id": t.zero_pad(c.number[idx], 7, "C"),
                "first_name": t.text(self.first[idx]),
                "last_name": t.text(self.last[idx]),
                "email": t.text(self.email[idx]),
                "phone": t.text(self.phone[idx]),
                "date_of_birth": t.dates(self.dob_day[idx]),
                "national_id": t.text(self.national_id[idx]),
                "address_line": t.text(self.address[idx]),
                "city": t.text(self.city[idx]),
                "state": t.text(self.region[idx]),
                "postal_code": t.text(self.postal[idx]),
                "country": t.text(self.country[idx]),
                "annual_income": t.money(self.income[idx], self.income_null[idx]),
                "employment_status": t.null_where(
                    t.enum(self.employment[idx], EMPLOYMENT), self.employment_null[idx]
                ),
                "credit_score": t.integers(self.score[idx], self.score_null[idx]),
                "customer_since": t.dates(c.since_day[idx]),
                "updated_at": t.timestamps(
                    day * SECONDS_PER_DAY + secs, rng.integers(0, 1_000_000, len(idx)), ""
                ),
            }
        )


def _email(rng, first: str, last: str) -> str:
    domain = ref.EMAIL_DOMAINS[rng.integers(0, len(ref.EMAIL_DOMAINS))]
    local = f"{first}.{last}".replace("'", "").replace(" ", "")
    style = rng.random()
    if style < 0.5:
        local = local.lower() + (str(rng.integers(1, 99)) if rng.random() < 0.5 else "")
    elif style < 0.8:
        local = f"{first[0]}{last}".lower().replace("'", "")
    elif style < 0.93:
        domain = domain.capitalize()  # mixed case, as people type it
    else:
        local, domain = local.upper(), domain.upper()
    return f"{local}@{domain}"


def _phone(rng, country: int) -> str:
    if country == 0 or country == 1:
        a, b, c = rng.integers(201, 990), rng.integers(200, 999), rng.integers(0, 10000)
        fmt = rng.integers(0, 5)
        return (
            f"({a}) {b}-{c:04d}",
            f"{a}-{b}-{c:04d}",
            f"+1 {a} {b} {c:04d}",
            f"{a}.{b}.{c:04d}",
            f"+1{a}{b}{c:04d}",
        )[fmt]
    code = {2: "44", 3: "52", 4: "49", 5: "91"}[country]
    return f"+{code} {rng.integers(10, 99)} {rng.integers(1000, 9999)} {rng.integers(1000, 9999)}"


def _address(rng) -> str:
    line = f"{rng.integers(1, 9999)} {ref.STREET_NAMES[rng.integers(0, len(ref.STREET_NAMES))]}"
    u = rng.random()
    if u < 0.04:
        line += f", Apt {rng.integers(1, 40)}{'ABCD'[rng.integers(0, 4)]}"
    elif u < 0.06:
        line += f"\nUnit {rng.integers(1, 300)}"  # a quoted field spanning two lines
    return line


# --- accounts -------------------------------------------------------------------------------


def account_rows(
    rng, cfg: GeneratorConfig, cust: Customers, accts: Accounts, tx: Settled, bal: Balances
) -> EntityRows:
    ev = tx.events
    currency = np.array([c[2] for c in ref.HOME_COUNTRIES], dtype=object)[
        cust.country[accts.customer]
    ]
    posted = tx.posted_day >= 0
    last_tx_ts = np.full(accts.n, -1, dtype=np.int64)
    parts, days = [], []
    for day in cfg.extract_days:
        if day == cfg.snapshot_day:
            pick = accts.opened_day <= day
        else:
            touched = np.zeros(accts.n, dtype=bool)
            touched[ev.acct[posted & (tx.posted_day == day)]] = True
            pick = (
                touched
                | (accts.status_day == day)
                | (accts.opened_day == day)
                | (accts.closed_day == day)
            )
            pick &= accts.opened_day <= day
        upto = posted & (tx.posted_day <= day)
        np.maximum.at(last_tx_ts, ev.acct[upto], ev.ts[upto])
        idx = np.nonzero(pick)[0]
        if len(idx) == 0:
            continue
        changed = accts.status_day[idx] <= day
        status = np.where(changed, accts.status[idx], ACTIVE)
        closed = status == CLOSED
        stamp = np.maximum.reduce(
            [
                accts.opened_day[idx] * SECONDS_PER_DAY + 9 * 3600,
                np.where(changed, accts.status_day[idx] * SECONDS_PER_DAY + 8 * 3600, 0),
                last_tx_ts[idx] + 60,
            ]
        )
        stamp = np.minimum(stamp, (day + 1) * SECONDS_PER_DAY - 1)
        balance = bal.on(tx, day)[idx]
        parts.append(
            pa.table(
                {
                    "account_id": t.zero_pad(accts.number[idx], 8, "A"),
                    "customer_id": t.zero_pad(cust.number[accts.customer[idx]], 7, "C"),
                    "account_type": t.enum(accts.kind[idx], ACCOUNT_TYPES),
                    "currency": t.text(currency[idx]),
                    "status": t.enum(status, ACCOUNT_STATUS),
                    "opened_date": t.dates(accts.opened_day[idx]),
                    "closed_date": t.dates(np.where(closed, accts.closed_day[idx], 0), ~closed),
                    "credit_limit": t.money(bal.credit_limit[idx], accts.kind[idx] != CARD),
                    "current_balance": t.money(balance),
                    "updated_at": t.timestamps(stamp, rng.integers(0, 1_000_000, len(idx)), "Z"),
                }
            )
        )
        days.append(np.full(len(idx), day))
    table = pa.concat_tables(parts)
    return EntityRows(
        table=table, day=np.concatenate(days), key=table.column("account_id").combine_chunks()
    )


# --- transactions ---------------------------------------------------------------------------


def transaction_rows(
    cfg: GeneratorConfig, chunk: int, cust: Customers, accts: Accounts, tx: Settled
) -> EntityRows:
    ev = tx.events
    n = len(ev)
    currency = np.array([c[2] for c in ref.HOME_COUNTRIES], dtype=object)[
        cust.country[accts.customer[ev.acct]]
    ]
    tx_id = t.zero_pad(chunk * TX_ID_BLOCK + np.arange(n), 11, "T")
    table = transactions_table(
        ev,
        slice(None),
        tx_id=tx_id,
        account_id=t.zero_pad(accts.number[ev.acct], 8, "A"),
        ts=ev.ts,
        posted_day=tx.posted_day,
        amount=ev.amount,
        currency=currency,
        status=tx.status,
    )
    return EntityRows(table=table, day=tx.file_day, key=tx_id)


def transactions_table(
    ev: Events,
    idx: np.ndarray | slice,
    *,
    tx_id: pa.Array,
    account_id: pa.Array,
    ts: np.ndarray,
    posted_day: np.ndarray,
    amount: np.ndarray,
    currency: np.ndarray,
    status: np.ndarray,
) -> pa.Table:
    """The transactions entity's columns for the events `idx` of `ev`: their direction, type,
    channel and merchant as drawn; time, amount, posting day (-1: none) and status as delivered
    (the first delivery's, or a continued day's replay of them)."""
    no_posting = posted_day < 0
    merchant = ev.merchant[idx]
    return pa.table(
        {
            "transaction_id": tx_id,
            "account_id": account_id,
            "transaction_ts": t.timestamps(ts),
            "posted_date": t.dates(np.where(no_posting, 0, posted_day), no_posting),
            "amount": t.money(amount),
            "currency": t.text(currency),
            "direction": t.enum(ev.direction[idx], DIRECTIONS),
            "transaction_type": t.enum(ev.ttype[idx], TX_TYPES),
            "channel": t.enum(ev.channel[idx], CHANNELS),
            "merchant_name": t.lookup(np.where(merchant >= 0, merchant, NONE), MERCHANTS),
            "merchant_category_code": t.lookup(ev.mcc[idx], [c.mcc for c in ref.MCC_CATEGORIES]),
            "merchant_country": t.lookup(ev.country[idx], COUNTRIES),
            "status": t.enum(status, TX_STATUS),
        }
    )


# --- loans and payments ---------------------------------------------------------------------


def loan_rows(
    rng, cfg: GeneratorConfig, cust: Customers, accts: Accounts, loans: Loans, changes
) -> EntityRows:
    parts, days = [], []
    prev_status = None
    for day in cfg.extract_days:
        status, since = status_on(changes, loans.n, day)
        if day == cfg.snapshot_day:
            pick = status >= 0
        else:
            pick = (status >= 0) & ((since == day) | (prev_status != status))
        prev_status = status
        idx = np.nonzero(pick)[0]
        if len(idx) == 0:
            continue
        no_account = loans.account[idx] < 0
        no_maturity = (loans.number[idx] % 50) == 7  # a few records miss the optional maturity date
        stamp = since[idx] * SECONDS_PER_DAY + rng.integers(7 * 3600, 20 * 3600, len(idx))
        parts.append(
            pa.table(
                {
                    "loan_id": t.zero_pad(loans.number[idx], 8, "L"),
                    "customer_id": t.zero_pad(cust.number[loans.customer[idx]], 7, "C"),
                    "account_id": t.null_where(
                        t.zero_pad(accts.number[np.maximum(loans.account[idx], 0)], 8, "A"),
                        no_account,
                    ),
                    "loan_type": t.enum(loans.kind[idx], LOAN_TYPES),
                    "principal_amount": t.money(loans.principal[idx]),
                    "interest_rate": t.money(
                        np.round(loans.rate[idx] * 10_000).astype(np.int64), scale=4
                    ),
                    "term_months": t.integers(loans.term[idx]),
                    "origination_date": t.dates(loans.orig_day[idx]),
                    "maturity_date": t.dates(loans.maturity_day[idx], no_maturity),
                    "status": t.enum(status[idx], LOAN_STATUS),
                    "updated_at": t.timestamps(stamp, rng.integers(0, 1_000_000, len(idx)), "Z"),
                }
            )
        )
        days.append(np.full(len(idx), day))
    if not parts:
        return _empty(
            "loans",
            [
                "loan_id",
                "customer_id",
                "account_id",
                "loan_type",
                "principal_amount",
                "interest_rate",
                "term_months",
                "origination_date",
                "maturity_date",
                "status",
                "updated_at",
            ],
        )
    table = pa.concat_tables(parts)
    return EntityRows(
        table=table, day=np.concatenate(days), key=table.column("loan_id").combine_chunks()
    )


def payment_rows(cfg: GeneratorConfig, loans: Loans, p: Payments) -> EntityRows:
    order = np.lexsort((p.number, p.loan, p.known_day))
    loan, k = p.loan[order], p.number[order]
    paid = p.amount_paid[order]
    pay_id = pc_join(t.zero_pad(loans.number[loan], 8, "P"), t.zero_pad(k, 3))
    table = pa.table(
        {
            "payment_id": pay_id,
            "loan_id": t.zero_pad(loans.number[loan], 8, "L"),
            "due_date": t.dates(p.due_day[order]),
            "payment_date": t.dates(np.maximum(p.paid_day[order], 0), p.paid_day[order] < 0),
            "amount_due": t.money(p.amount_due[order]),
            "amount_paid": t.money(np.maximum(paid, 0), paid < 0),
            "payment_method": t.enum(p.method[order], PAYMENT_METHODS),
        }
    )
    return EntityRows(table=table, day=np.maximum(p.known_day[order], cfg.snapshot_day), key=pay_id)


def pc_join(*parts: pa.Array) -> pa.Array:
    import pyarrow.compute as pc

    return pc.binary_join_element_wise(*parts, "")


def _empty(entity: str, columns: list[str]) -> EntityRows:
    table = pa.table({c: pa.array([], pa.string()) for c in columns})
    return EntityRows(table=table, day=np.zeros(0, np.int64), key=pa.array([], pa.string()))


# --- ground truth ---------------------------------------------------------------------------


def customer_truth(cfg, cust: Customers, risk: Risk, loans: Loans, changes) -> pa.Table:
    months = len(cfg.month_starts)
    has_loan = np.bincount(loans.customer, minlength=cust.n) > 0
    dm = risk.default_month
    default_day = np.full(cust.n, -1, dtype=np.int64)
    in_default = changes.status == 2
    first = {}
    for ln, day in zip(changes.loan[in_default], changes.day[in_default]):
        c = loans.customer[ln]
        first[c] = min(first.get(c, day), day)
    for c, day in first.items():
        default_day[c] = day
    return pa.table(
        {
            "customer_id": t.zero_pad(cust.number, 7, "C"),
            "latent_z": pa.array(np.round(cust.z, 6)),
            "risk_score": pa.array(np.round(risk.score, 6)),
            "monthly_hazard": pa.array(np.round(risk.hazard[:, 0], 8)),
            "monthly_hazard_shocked": pa.array(np.round(risk.hazard[:, 1], 8)),
            "has_loan": pa.array(has_loan),
            "pd_12m_at_as_of": pa.array(np.round(risk.pd_12m(months - 1), 8)),
            "defaulted": pa.array(dm >= 0),
            "default_month": t.dates(
                np.where(dm >= 0, cfg.month_starts[np.maximum(dm, 0)], 0), dm < 0
            ),
            "default_date": t.dates(np.maximum(default_day, 0), default_day < 0),
            "income_shock_months": pa.array(risk.shock.sum(axis=1)),
        }
    )


def monthly_truth(cfg, cust: Customers, risk: Risk, due_grid: np.ndarray) -> pa.Table:
    """Per borrower and observation month: the true 12-month default probability and outcome."""
    months = len(cfg.month_starts)
    rows_c, rows_m, pd, outcome, prev_state, prev_shock = [], [], [], [], [], []
    dm = risk.default_month
    for m in range(1, months):
        borrower = due_grid[:, m] & (risk.state[:, m - 1] < 4)
        idx = np.nonzero(borrower)[0]
        rows_c.append(idx)
        rows_m.append(np.full(len(idx), m))
        pd.append(risk.pd_12m(m)[idx])
        outcome.append((dm[idx] >= m) & (dm[idx] < m + 12))
        prev_state.append(risk.state[idx, m - 1])
        prev_shock.append(risk.shock[idx, m - 1])
    c = np.concatenate(rows_c)
    m = np.concatenate(rows_m)
    return pa.table(
        {
            "customer_id": t.zero_pad(cust.number[c], 7, "C"),
            "observation_date": t.dates(cfg.month_starts[m]),
            "delinquency_state_before": pa.array(np.concatenate(prev_state).astype(np.int64)),
            "income_shock_before": pa.array(np.concatenate(prev_shock)),
            "true_pd_12m": pa.array(np.round(np.concatenate(pd), 8)),
            "defaults_within_12m": pa.array(np.concatenate(outcome)),
            "window_complete": pa.array(m + 12 <= months),
        }
    )


def fraud_truth(
    chunk, cust: Customers, accts: Accounts, tx: Settled, victims, patterns
) -> pa.Table:
    ev = tx.events
    idx = np.nonzero(ev.fraud >= 0)[0]
    episode_local = ev.fraud[idx] - chunk * FRAUD_EPISODE_BLOCK
    return pa.table(
        {
            "transaction_id": t.zero_pad(chunk * TX_ID_BLOCK + idx, 11, "T"),
            "account_id": t.zero_pad(accts.number[ev.acct[idx]], 8, "A"),
            "customer_id": t.zero_pad(cust.number[accts.customer[ev.acct[idx]]], 7, "C"),
            "pattern": t.enum(patterns[episode_local], PATTERNS),
            "episode_id": t.zero_pad(ev.fraud[idx], 8, "E"),
            "transaction_ts": t.timestamps(ev.ts[idx]),
        }
    )


__all__ = [
    "CHECKING",
    "DEBIT",
    "REVERSED",
    "TRANSFER_IN",
    "ChunkResult",
    "EntityRows",
    "build_chunk",
]
