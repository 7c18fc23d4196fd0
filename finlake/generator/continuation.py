"""`finlake generate --continue --days N`: the next N days of deliveries for an existing lake.

The lake's manifest names the configuration that drew it. Each chunk of customers is drawn
again from that configuration (the generator is deterministic, so it is the same world: the
same customers, accounts, loans, balances and loan statuses at the last delivered day), and
the following days are simulated on top of it:

- transactions: each new day replays the activity of the same weekday 52 weeks earlier for
  the accounts still active (salaries, bills, card spend, fraud episodes), purchase amounts
  varied, with fresh transaction ids after every id the chunk has delivered; card purchases
  not yet posted by the extract arrive as pending, as in the first delivery;
- accounts: a change record for each account whose balance moved (the balance carried on);
- loan payments: the next instalment of each open loan on its due day, paid by performing
  borrowers, missed by borrowers in arrears; loans paid off with their last instalment and
  loans 180 days in default charged off, each with a loan change record;
- customers: contact, income and (under stress) bureau-score changes at the first delivery's
  daily rates.

Every random draw of a new day is seeded by (seed, as_of, chunk, day), and earlier continued
days are replayed before the new ones, so the same lake and the same N give the same files.
Delivered files are never rewritten: the new days' files are added beside them, and the truth
files are extended (fraud_labels.csv by the new fraud transactions, defects.csv by the new
files' defects; customers.csv and default_risk_monthly.csv describe the population and its
monthly risk up to as_of and are unchanged). Everything is written to a staging folder first
and moved into place when complete.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pyarrow as pa

from finlake.contract import load_contract
from finlake.errors import ConfigError, FinlakeError
from finlake.generator import textcsv as t
from finlake.generator.accounts import ACTIVE, CARD
from finlake.generator.chunk import (
    FRAUD_EPISODE_BLOCK,
    TX_ID_BLOCK,
    EntityRows,
    _address,
    _email,
    _phone,
    as_extracted,
    build_chunk,
    card_delay,
    transactions_table,
)
from finlake.generator.config import PRESETS, SECONDS_PER_DAY, GeneratorConfig, add_months
from finlake.generator.days import from_day
from finlake.generator.defects import DefectInjector
from finlake.generator.events import (
    CREDIT,
    PENDING,
    POSTED,
    PURCHASE,
)
from finlake.generator.files import CsvAppender, FilePlan, LandingFiles, chunk_jobs
from finlake.generator.loans import (
    CHARGE_OFF_DAYS,
    CHARGED_OFF,
    CURRENT,
    DELINQUENT,
    IN_DEFAULT,
    LOAN_STATUS,
    PAID_OFF,
    PAYMENT_METHODS,
    status_on,
)
from finlake.generator.profiles import DEFAULT_PROFILE
from finlake.generator.run import DEFAULT_WORKERS, ENTITY_ORDER, MANIFEST, existing_manifest
from finlake.generator.writer import render_entity
from finlake.lake import Lake

TEMPLATE_LAG = 364  # a new day replays the same weekday 52 weeks earlier
MAX_CONTINUED_DAYS = 300  # templates must come from the first delivery's history
MAX_DAYS_PER_RUN = 60
EPISODE_OFFSET = (
    FRAUD_EPISODE_BLOCK // 2
)  # continued fraud episodes: fresh ids in the chunk's block
KNOWN_CONFIG = {
    "generator_version",
    "preset",
    "customers",
    "chunk_customers",
    "seed",
    "as_of",
    "days",
    "dirty_rate",
    "snapshot_date",
    "window_start",
    "profile",
}
SALT = 17  # separates the continuation's random streams from the first delivery's


@dataclass
class ContinuationReport:
    first_day: str
    last_day: str
    days: int
    continued_days: int  # in total, this run included
    files: list[dict] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    defects: dict[str, int] = field(default_factory=dict)
    fraud_transactions: int = 0
    seconds: float = 0.0


def config_of(manifest: dict) -> GeneratorConfig:
    """The configuration a lake was generated with, from its manifest."""
    c = manifest["config"]
    unknown = sorted(set(c) - KNOWN_CONFIG)
    if unknown:  # an option this module does not redraw would give another world
        raise ConfigError(
            f"The lake's manifest names generator options --continue does not know "
            f"({', '.join(unknown)}); teach finlake/generator/continuation.py config_of them, "
            "or generate the lake again."
        )
    if c.get("profile", DEFAULT_PROFILE) != DEFAULT_PROFILE:
        raise ConfigError(
            f"The lake was generated with the bank profile '{c['profile']}'; --continue "
            "continues lakes of the default profile only: generate a default-profile lake."
        )
    return GeneratorConfig(
        PRESETS[c["preset"]],
        seed=int(c["seed"]),
        as_of=dt.date.fromisoformat(c["as_of"]),
        days=int(c["days"]),
        dirty_rate=float(c["dirty_rate"]),
        customers=int(c["customers"]),
        chunk_customers=int(c["chunk_customers"]),
    )


def continue_lake(
    lake: Lake, days: int, show_progress: bool = True, workers: int = DEFAULT_WORKERS
) -> ContinuationReport:
    """Append the next `days` days of deliveries to the lake's landing zone and truth."""
    if not 1 <= days <= MAX_DAYS_PER_RUN:
        raise ConfigError(f"--days {days} is out of range for --continue; use 1 to 60.")
    manifest = existing_manifest(lake)
    if manifest is None:
        raise FinlakeError(
            f"{lake.truth / MANIFEST} is missing or unreadable, so {lake.root} holds no "
            "generated lake to continue; run `finlake generate` first."
        )
    cfg = config_of(manifest)
    before = int(manifest.get("continuation", {}).get("days", 0))
    if before + days > MAX_CONTINUED_DAYS:
        raise ConfigError(
            f"The lake is already continued by {before} days; --continue goes at most "
            f"{MAX_CONTINUED_DAYS} days past the first delivery: generate a later --as-of instead."
        )
    started = time.perf_counter()
    end = cfg.as_of_day + before  # the last day delivered so far
    new_days = np.arange(end + 1, end + days + 1, dtype=np.int64)
    contract = load_contract()
    plan = FilePlan.make(
        SimpleNamespace(
            dirty_rate=cfg.dirty_rate,
            file_days=new_days,
            as_of_day=int(new_days[-1]),
            extract_lag=0,
            days=days,
        ),
        contract,
        np.random.default_rng([cfg.seed, cfg.as_of_day, 7, SALT, int(new_days[0])]),
    )
    for specs in plan.files.values():
        for spec in specs:
            if (lake.landing / spec.entity / spec.name).exists():
                raise FinlakeError(
                    f"{lake.landing / spec.entity / spec.name} already exists; the lake's "
                    f"manifest says {before} days were continued, so the landing zone was "
                    "changed by hand: regenerate the lake with --force."
                )

    staging = lake.root / ".continue-staging"
    shutil.rmtree(staging, ignore_errors=True)
    landing, truth = Lake(staging).landing, Lake(staging).truth
    report = ContinuationReport(
        first_day=from_day(new_days[0]).isoformat(),
        last_day=from_day(new_days[-1]).isoformat(),
        days=days,
        continued_days=before + days,
    )
    with CsvAppender(header=False) as new_truth:

        def take_labels(rendered: ContinuedChunk) -> None:
            new_truth.append(truth / "fraud_labels.new.csv", rendered.fraud_labels)
            report.fraud_transactions += rendered.fraud_labels.num_rows

        files = LandingFiles(plan, landing, truth / "defects.new.csv").fill(
            continue_chunk,
            chunk_jobs(cfg, plan, before, days),
            take_labels,
            workers=workers,
            label=f"continue {days} days",
            show_progress=show_progress,
        )
    report.rows, report.defects, report.files = files.rows, files.defects, files.summary()
    report.seconds = round(time.perf_counter() - started, 2)

    # The truth files, extended: the old ones copied with the new rows after them.
    for name in ("defects", "fraud_labels"):
        extended = truth / f"{name}.csv"
        shutil.copyfile(lake.truth / f"{name}.csv", extended)
        new = truth / f"{name}.new.csv"
        lines = new.read_bytes() if new.exists() else b""
        if name == "defects":
            lines = lines.split(b"\n", 1)[1] if b"\n" in lines else b""  # its header
        with extended.open("ab") as fh:
            fh.write(lines)
        new.unlink(missing_ok=True)
    manifest = _extended_manifest(manifest, report, new_days)
    (truth / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    _publish(staging, lake)
    return report


def _extended_manifest(manifest: dict, report: ContinuationReport, new_days) -> dict:
    out = dict(manifest)
    out["files"] = list(manifest.get("files", [])) + report.files
    out["rows"] = {
        name: manifest.get("rows", {}).get(name, 0) + report.rows.get(name, 0)
        for name in ENTITY_ORDER
    }
    defects = dict(manifest.get("defects", {}))
    for kind, count in report.defects.items():
        defects[kind] = defects.get(kind, 0) + count
    out["defects"] = dict(sorted(defects.items()))
    out["fraud_transactions"] = manifest.get("fraud_transactions", 0) + report.fraud_transactions
    previous = manifest.get("continuation", {})
    out["continuation"] = {
        "days": report.continued_days,
        "last_day": report.last_day,
        "runs": [
            *list(previous.get("runs", [])),
            {"first_day": report.first_day, "last_day": report.last_day, "days": report.days},
        ],
    }
    return out


def _publish(staging: Path, lake: Lake) -> None:
    """New landing files beside the old ones, then the extended truth (manifest last)."""
    staged = Lake(staging)
    for path in sorted(staged.landing.rglob("*.csv")):
        target = lake.landing / path.relative_to(staged.landing)
        target.parent.mkdir(parents=True, exist_ok=True)
        path.rename(target)
    for name in ("defects.csv", "fraud_labels.csv", MANIFEST):
        (staged.truth / name).replace(lake.truth / name)
    shutil.rmtree(staging, ignore_errors=True)


# --- one chunk --------------------------------------------------------------------------------


@dataclass
class ContinuedChunk:
    blocks: dict[str, list]
    counts: dict[str, int]
    fraud_labels: pa.Table


def continue_chunk(job) -> ContinuedChunk:
    """Worker: the chunk's world at as_of, the continued days before this run replayed, then
    this run's days rendered into landing-file blocks."""
    cfg, plan, chunk, first, size, before, days = job
    contract = load_contract()
    result = build_chunk(
        cfg, chunk, first + 1, size, np.random.SeedSequence([cfg.seed, cfg.as_of_day, chunk])
    )
    world = _World.at_as_of(cfg, chunk, result)
    parts: dict[str, list[EntityRows]] = {name: [] for name in ENTITY_ORDER}
    labels = []
    for offset in range(1, before + days + 1):
        day = cfg.as_of_day + offset
        rows, fraud = world.advance(day)
        if offset > before:
            for name in ENTITY_ORDER:
                parts[name].append(rows[name])
            labels.append(fraud)
    rng = np.random.default_rng([cfg.seed, cfg.as_of_day, chunk, SALT, cfg.as_of_day + before])
    blocks, counts = {}, {}
    last_day = cfg.as_of_day + before + days
    for name in ENTITY_ORDER:
        entity = contract.entity(name)
        rows = _concat(parts[name])
        injector = DefectInjector(rng, entity, cfg.dirty_rate, last_day)
        blocks[name] = render_entity(rows, entity, plan, rng, injector)
        counts[name] = rows.table.num_rows
    return ContinuedChunk(blocks=blocks, counts=counts, fraud_labels=pa.concat_tables(labels))


def _concat(parts: list[EntityRows]) -> EntityRows:
    table = pa.concat_tables([p.table for p in parts])
    key = pa.concat_arrays([p.key for p in parts])
    return EntityRows(table=table, day=np.concatenate([p.day for p in parts]), key=key)


def _delivered(table: pa.Table, day: int, key: pa.Array) -> EntityRows:
    """`table`'s rows, all delivered in the extract of `day`, keyed by `key`."""
    return EntityRows(table=table, day=np.full(table.num_rows, day, dtype=np.int64), key=key)


def _latest(table: pa.Table, key: str, ids: list[str]) -> dict[str, list]:
    """The last delivered version of each key, in the order of `ids`, as column lists."""
    position = {k: i for i, k in enumerate(table.column(key).to_pylist())}
    taken = table.take(pa.array([position[k] for k in ids], pa.int64()))
    return {name: taken.column(name).to_pylist() for name in table.column_names}


def _render(columns: dict[str, list], idx: np.ndarray) -> pa.Table:
    return pa.table({name: t.text([values[i] for i in idx]) for name, values in columns.items()})


class _World:
    """The chunk's customers, accounts and loans as they stand after the last delivered day."""

    def __init__(self, cfg: GeneratorConfig, chunk: int, result) -> None:
        self.cfg, self.chunk = cfg, chunk
        s = result.state
        self.cust, self.accts, self.loans, self.tx = s.cust, s.accts, s.loans, s.tx
        ev = s.tx.events
        self.ev_day = ev.ts // SECONDS_PER_DAY
        self.next_tx = len(ev)  # transaction ids chunk * block + position: after every one used
        self.customer_ids = t.zero_pad(s.cust.number, 7, "C").to_pylist()
        self.account_ids = t.zero_pad(s.accts.number, 8, "A").to_pylist()
        self.loan_ids = t.zero_pad(s.loans.number, 8, "L").to_pylist()
        ent = result.entities
        self.customers = _latest(ent["customers"].table, "customer_id", self.customer_ids)
        self.accounts = _latest(ent["accounts"].table, "account_id", self.account_ids)
        self.loan_rows = _latest(ent["loans"].table, "loan_id", self.loan_ids) if s.loans.n else {}
        self.balance = s.balances.on(s.tx, cfg.as_of_day)
        posted = s.tx.posted_day >= 0
        self.last_tx_ts = np.full(s.accts.n, -1, dtype=np.int64)
        np.maximum.at(self.last_tx_ts, ev.acct[posted], ev.ts[posted])
        self.sign = np.where(s.accts.kind == CARD, -1, 1)
        self.active = (s.accts.status == ACTIVE) & (s.accts.opened_day <= cfg.as_of_day)
        self.status, self.since = status_on(s.changes, s.loans.n, cfg.as_of_day)
        method = np.zeros(s.loans.n, dtype=np.int64)  # the method of each loan's last payment
        p = s.payments
        paid = np.nonzero(p.method >= 0)[0]
        paid = paid[np.argsort(p.due_day[paid], kind="stable")]
        method[p.loan[paid]] = p.method[paid]
        self.method = method
        month = s.risk.state.shape[1] - 1
        self.stressed = s.risk.state[:, month] >= 1
        self.country = s.cust.country
        labels = result.truth["fraud_labels"]
        self.pattern_of = {
            int(e[1:]): p
            for e, p in zip(
                labels.column("episode_id").to_pylist(), labels.column("pattern").to_pylist()
            )
        }

    @classmethod
    def at_as_of(cls, cfg: GeneratorConfig, chunk: int, result) -> _World:
        return cls(cfg, chunk, result)

    def rng(self, day: int, stream: int) -> np.random.Generator:
        return np.random.default_rng(
            [self.cfg.seed, self.cfg.as_of_day, self.chunk, SALT, day, stream]
        )

    def advance(self, day: int) -> tuple[dict[str, EntityRows], pa.Table]:
        tx_rows, fraud, touched = self._transactions(day)
        return {
            "customers": self._customers(day),
            "accounts": self._accounts(day, touched),
            "transactions": tx_rows,
            "loans": self._loans(day),
            "loan_payments": self._payments(day),
        }, fraud

    # --- transactions --------------------------------------------------------------------
    def _transactions(self, day: int):
        rng = self.rng(day, 1)
        ev, tx = self.tx.events, self.tx
        idx = np.nonzero((self.ev_day == day - TEMPLATE_LAG) & self.active[ev.acct])[0]
        n = len(idx)
        shift = TEMPLATE_LAG * SECONDS_PER_DAY
        acct, ttype = ev.acct[idx], ev.ttype[idx]
        ts = ev.ts[idx] + shift
        amount = ev.amount[idx]
        purchase = ttype == PURCHASE
        varied = np.round(amount * rng.lognormal(0, 0.25, n)).astype(np.int64)
        amount = np.where(purchase & (ev.fraud[idx] < 0), np.maximum(varied, 1), amount)
        status = tx.status[idx].copy()
        status = np.where(status == PENDING, POSTED, status)  # pending then: settled by now
        posted_day = ts // SECONDS_PER_DAY + card_delay(rng, ttype, ev.channel[idx])
        status, posted_day = as_extracted(status, posted_day, day)
        order = np.lexsort((acct, ts))
        idx, acct, ttype, ts, amount = (
            idx[order],
            acct[order],
            ttype[order],
            ts[order],
            amount[order],
        )
        status, posted_day = status[order], posted_day[order]
        number = self.chunk * TX_ID_BLOCK + self.next_tx + np.arange(n)
        self.next_tx += n
        tx_id = t.zero_pad(number, 11, "T")
        posted = status == POSTED
        signed = np.where(ev.direction[idx] == CREDIT, 1, -1) * self.sign[acct] * amount
        self.balance += np.bincount(
            acct[posted], weights=signed[posted], minlength=self.accts.n
        ).astype(np.int64)
        np.maximum.at(self.last_tx_ts, acct[posted], ts[posted])
        touched = np.zeros(self.accts.n, dtype=bool)
        touched[acct[posted]] = True
        table = transactions_table(
            ev,
            idx,
            tx_id=tx_id,
            account_id=t.text(np.array(self.account_ids, dtype=object)[acct]),
            ts=ts,
            posted_day=posted_day,
            amount=amount,
            currency=np.array(self.accounts["currency"], dtype=object)[acct],
            status=status,
        )
        rows = _delivered(table, day, tx_id)
        fraud = np.nonzero(ev.fraud[idx] >= 0)[0]
        cust = self.accts.customer[acct[fraud]]
        labels = pa.table(
            {
                "transaction_id": tx_id.take(pa.array(fraud, pa.int64())),
                "account_id": t.text(np.array(self.account_ids, dtype=object)[acct[fraud]]),
                "customer_id": t.text(np.array(self.customer_ids, dtype=object)[cust]),
                "pattern": t.text(self._patterns(ev.fraud[idx[fraud]])),
                "episode_id": t.zero_pad(ev.fraud[idx[fraud]] + EPISODE_OFFSET, 8, "E"),
                "transaction_ts": t.timestamps(ts[fraud]),
            }
        )
        return rows, labels, touched

    def _patterns(self, episodes: np.ndarray) -> list:
        return [self.pattern_of[int(e)] for e in episodes.tolist()]

    # --- accounts ------------------------------------------------------------------------
    def _accounts(self, day: int, touched: np.ndarray) -> EntityRows:
        rng = self.rng(day, 2)
        idx = np.nonzero(touched)[0]
        stamp = np.minimum(self.last_tx_ts[idx] + 60, (day + 1) * SECONDS_PER_DAY - 1)
        cols = {name: values for name, values in self.accounts.items()}
        table = _render(cols, idx)
        table = table.set_column(
            table.column_names.index("current_balance"),
            "current_balance",
            t.money(self.balance[idx]),
        )
        table = table.set_column(
            table.column_names.index("updated_at"),
            "updated_at",
            t.timestamps(stamp, rng.integers(0, 1_000_000, len(idx)), "Z"),
        )
        return _delivered(table, day, table.column("account_id").combine_chunks())

    # --- customers -----------------------------------------------------------------------
    def _customers(self, day: int) -> EntityRows:
        rng = self.rng(day, 3)
        n = self.cust.n
        exists = self.cust.since_day < day
        change = exists & (rng.random(n) < np.where(self.stressed, 0.03, 0.004))
        idx = np.nonzero(change)[0]
        c = self.customers
        kind = rng.integers(0, 4, len(idx))
        for i, k in zip(idx.tolist(), kind.tolist()):
            if self.stressed[i]:  # a bureau refresh after missed payments
                score = int(c["credit_score"][i]) if c["credit_score"][i] else 650
                c["credit_score"][i] = str(max(300, score - int(rng.integers(25, 90))))
            elif k == 0:
                c["email"][i] = _email(rng, c["first_name"][i], c["last_name"][i])
            elif k == 1:
                c["phone"][i] = _phone(rng, int(self.country[i]))
            elif k == 2:
                c["address_line"][i] = _address(rng)
            elif c["annual_income"][i]:
                cents = round(float(c["annual_income"][i]) * 100 * rng.uniform(0.95, 1.12))
                c["annual_income"][i] = f"{cents // 100}.{cents % 100:02d}"
        secs = rng.integers(6 * 3600, 22 * 3600, len(idx))
        c["updated_at"] = list(c["updated_at"])
        stamps = t.timestamps(
            day * SECONDS_PER_DAY + secs, rng.integers(0, 1_000_000, len(idx)), ""
        )
        for i, s in zip(idx.tolist(), stamps.to_pylist()):
            c["updated_at"][i] = s
        table = _render(c, idx)
        return _delivered(table, day, table.column("customer_id").combine_chunks())

    # --- loans and payments --------------------------------------------------------------
    def _due_today(self, day: int) -> tuple[np.ndarray, np.ndarray]:
        loans = self.loans

        def month_of(d):
            return np.asarray(d).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)

        k = month_of(day) - month_of(loans.orig_day)
        due = add_months(loans.orig_day, k, loans.due_dom)
        open_ = np.isin(self.status, [CURRENT, DELINQUENT, IN_DEFAULT])
        is_due = open_ & (due == day) & (k >= 1) & (k <= loans.term)
        return np.nonzero(is_due)[0], k

    def _payments(self, day: int) -> EntityRows:
        rng = self.rng(day, 4)
        ln, k = self._due_today(day)
        k = k[ln]
        performing = self.status[ln] == CURRENT
        amount = self.loans.instalment[ln]
        zero = ~performing & (rng.random(len(ln)) > 0.88)
        paid = np.where(performing, amount, np.where(zero, 0, -1))
        pay_id = pa.array([f"P{self.loan_ids[i][1:]}{kk:03d}" for i, kk in zip(ln, k)], pa.string())
        table = pa.table(
            {
                "payment_id": pay_id,
                "loan_id": t.text(np.array(self.loan_ids, dtype=object)[ln]),
                "due_date": t.dates(np.full(len(ln), day)),
                "payment_date": t.dates(np.full(len(ln), day), ~performing),
                "amount_due": t.money(amount),
                "amount_paid": t.money(np.maximum(paid, 0), paid < 0),
                "payment_method": t.enum(
                    np.where(performing, self.method[ln], -1), PAYMENT_METHODS
                ),
            }
        )
        return _delivered(table, day, pay_id)

    def _loans(self, day: int) -> EntityRows:
        rng = self.rng(day, 5)
        if self.loans.n == 0:
            empty = pa.table(
                {c: pa.array([], pa.string()) for c in load_contract().entity("loans").column_names}
            )
            return EntityRows(table=empty, day=np.zeros(0, np.int64), key=pa.array([], pa.string()))
        new_status = self.status.copy()
        # 180 days in default (it took the status the day after the instalment it missed).
        charged = (self.status == IN_DEFAULT) & (self.since - 1 + CHARGE_OFF_DAYS == day)
        new_status[charged] = CHARGED_OFF
        # Paid off with the last instalment due yesterday (the payment row came first).
        ln, k = self._due_today(day - 1)
        last = ln[(self.status[ln] == CURRENT) & (k[ln] >= self.loans.term[ln])]
        new_status[last] = PAID_OFF
        idx = np.nonzero(new_status != self.status)[0]
        self.status, self.since = new_status, np.where(new_status != self.status, day, self.since)
        stamp = day * SECONDS_PER_DAY + rng.integers(7 * 3600, 20 * 3600, len(idx))
        cols = self.loan_rows
        for i, s, st in zip(
            idx.tolist(),
            t.timestamps(stamp, rng.integers(0, 1_000_000, len(idx)), "Z").to_pylist(),
            new_status[idx].tolist(),
        ):
            cols["status"][i] = LOAN_STATUS[st]
            cols["updated_at"][i] = s
        table = _render(cols, idx)
        return _delivered(table, day, table.column("loan_id").combine_chunks())


def print_continuation(report: ContinuationReport, lake: Lake) -> None:
    print(
        f"landing: {report.days} more days of deliveries ({report.first_day} to "
        f"{report.last_day}; {report.continued_days} continued in all) in {report.seconds:.1f}s"
    )
    for entity, rows in report.rows.items():
        files = [f for f in report.files if f["entity"] == entity]
        print(f"  {entity:<13}  {rows:>10,} rows  {len(files):>3} files")
    print(f"  fraud: {report.fraud_transactions:,} labelled transactions; truth in {lake.truth}")
