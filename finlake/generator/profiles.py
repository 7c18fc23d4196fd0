"""Bank profiles: the same simulated bank, delivered the way another bank's core system would.

`default` is today's dataset, untouched (byte-identical output). Any other profile re-renders each
chunk's contract rows after they are drawn and before defects are injected, so the simulation,
the fraud episodes and the default outcomes are the same and only the *shape* of the delivery
changes - which is what differs between real banks:

  currency        every account and transaction in the bank's own currency (amounts scaled by
                  the currency's rate against the simulation's USD)
  countries       the bank's own home countries and merchant countries, none of them in the
                  reference seeds of the default profile
  time precision  event timestamps carry the date only (`T00:00:00Z`)
  attributes      no income, credit score or employment data (columns empty)
  amounts         whole currency units; instalments are due rounded up and paid rounded down,
                  so a loan paid on time falls short by less than one unit
  history         ends `extract_lag_days` before the extract dates (a stale delivery)
  versions        every master-data row's `updated_at` is its file's extract date (midnight)
  optional links  some loans' repayment accounts are delivered with an empty balance (required),
                  so the account is quarantined while the loan that points at it is valid
  vocabulary      loan statuses spelled the bank's way ("running", "in_debt", "closed", ...)
  merchant codes  valid ISO 18245 codes outside the default profile's seed, among them brand
                  codes of the 3000-3999 travel range that the reference seed does not list
  reference gaps  a few customers in Kosovo (XK: in use, user-assigned, not in ISO 3166-1)

Its truth files (`_truth/profile.json`, `_truth/loan_outcomes.csv`, `_truth/data_reach.csv`)
say what a correct pipeline should conclude on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from finlake.errors import ConfigError


@dataclass(frozen=True)
class BankProfile:
    name: str
    description: str
    currency: str | None = None
    amount_factor: float = 1.0  # units of the bank's currency per simulated USD
    extract_lag_days: int = 0
    home_countries: tuple[tuple[str, float], ...] = ()
    cities: dict[str, tuple[str, ...]] = field(default_factory=dict)
    merchant_countries: dict[str, str] = field(default_factory=dict)
    mcc_map: dict[str, str] = field(default_factory=dict)  # default code -> the bank's code
    mcc_share: float = 0.0  # share of rows of a mapped code that carry the bank's code
    loan_status: dict[str, str] = field(default_factory=dict)  # contract value -> bank spelling
    date_only: bool = False
    whole_units: bool = False
    no_risk_attributes: bool = False
    empty_balance_share: float = 0.0  # share of loans' repayment accounts with an empty balance

    @property
    def is_default(self) -> bool:
        return self.name == "default"


PROFILES: dict[str, BankProfile] = {
    p.name: p
    for p in (
        BankProfile("default", "today's bank: USD, timestamps with time, full attributes"),
        BankProfile(
            "koruna",
            "a Czech-style bank: CZK, date-only events, no income or scores, whole units, "
            "history ending a year before the extract, its own loan statuses",
            currency="CZK",
            amount_factor=22.0,
            extract_lag_days=400,
            home_countries=(("CZ", 0.84), ("SK", 0.09), ("PL", 0.05), ("XK", 0.02)),
            cities={
                "CZ": ("Praha", "Brno", "Ostrava", "Plzeň", "Olomouc", "Liberec"),
                "SK": ("Bratislava", "Košice"),
                "PL": ("Kraków", "Wrocław"),
                "XK": ("Prishtina",),
            },
            merchant_countries={
                "US": "CZ",
                "CA": "SK",
                "MX": "HR",
                "IN": "SI",
                "DO": "HU",
                "JM": "LT",
                "CR": "LV",
                "TH": "EE",
            },
            mcc_map={
                "5411": "5499",
                "5812": "5462",
                "5541": "5542",
                "5999": "5977",
                "4511": "3000",
                "7011": "3501",
            },
            mcc_share=0.3,
            loan_status={
                "current": "running",
                "delinquent": "overdue",
                "default": "in_debt",
                "charged_off": "written_off",
                "paid_off": "closed",
            },
            date_only=True,
            whole_units=True,
            no_risk_attributes=True,
            empty_balance_share=0.35,
        ),
    )
}
DEFAULT_PROFILE = "default"

MONEY = {
    "accounts": ("credit_limit", "current_balance"),
    "transactions": ("amount",),
    "loans": ("principal_amount",),
    "loan_payments": ("amount_due", "amount_paid"),
}
MASTER = ("customers", "accounts", "loans")


def get_profile(name: str) -> BankProfile:
    try:
        return PROFILES[name]
    except KeyError:
        raise ConfigError(
            f"--profile '{name}' is not a bank profile; use one of {', '.join(PROFILES)}."
        ) from None


def _hash_unit(keys: pa.Array, salt: int) -> np.ndarray:
    """A deterministic number in [0, 1) per key (same key, same number, in every chunk)."""
    digits = pc.utf8_slice_codeunits(keys, 1).to_numpy(zero_copy_only=False)
    n = np.array([int(d) if d else 0 for d in digits], dtype=np.uint64)
    x = (n * np.uint64(2654435761) + np.uint64(salt * 40503)) % np.uint64(2**32)
    return x.astype(np.float64) / 2**32


def _replace(table: pa.Table, name: str, values: pa.Array) -> pa.Table:
    return table.set_column(table.column_names.index(name), name, values)


def _money(arr, factor: float, whole: str | None, at_least_one: bool = False) -> pa.Array:
    """Scale decimal text by factor; whole = 'round' | 'ceil' | 'floor' (whole units) or None."""
    arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
    value = pc.multiply(pc.cast(arr, pa.float64()), factor)
    if whole is None:
        return pc.cast(pc.round(value, 2), pa.string())
    rounded = {"round": pc.round, "ceil": pc.ceil, "floor": pc.floor}[whole](value)
    if at_least_one:
        rounded = pc.max_element_wise(rounded, pa.scalar(1.0))
    return pc.cast(pc.cast(rounded, pa.int64()), pa.string())


def _date_of(arr) -> pa.Array:
    return pc.utf8_slice_codeunits(arr, 0, 10)


def _midnight(days: np.ndarray) -> pa.Array:
    text = pc.cast(pa.array(np.asarray(days, np.int64).astype("datetime64[D]")), pa.string())
    return pc.binary_join_element_wise(text, "T00:00:00Z", "")


def apply_profile(profile: BankProfile, entities: dict, truth: dict, rng) -> None:
    """Re-render one chunk's rows (EntityRows by entity) in place, and add the profile's truth."""
    if profile.is_default:
        return
    lag = profile.extract_lag_days
    for rows in entities.values():
        rows.day = rows.day + lag

    # Loan outcomes as the simulation knows them, before the statuses are re-spelled.
    loans = entities["loans"].table
    status = loans.column("status").to_numpy(zero_copy_only=False)
    loan_id = loans.column("loan_id").to_numpy(zero_copy_only=False)
    event_day = (
        pc.cast(_date_of(loans.column("updated_at")), pa.date32())
        .to_numpy(zero_copy_only=False)
        .astype("datetime64[D]")
    )
    truth["loan_outcomes"] = _loan_outcomes(profile, loan_id, status, event_day)

    customers = entities["customers"].table
    unit = _hash_unit(customers.column("customer_id").combine_chunks(), 1)
    codes = np.array([c for c, _ in profile.home_countries], dtype=object)
    bounds = np.cumsum([w for _, w in profile.home_countries])
    home = codes[np.minimum(np.searchsorted(bounds, unit, side="right"), len(codes) - 1)]
    unit2 = _hash_unit(customers.column("customer_id").combine_chunks(), 2)
    city = np.array(
        [
            profile.cities[c][int(u * len(profile.cities[c]))] if c in profile.cities else None
            for c, u in zip(home, unit2)
        ],
        dtype=object,
    )
    customers = _replace(customers, "country", pa.array(home, pa.string()))
    customers = _replace(customers, "city", pa.array(city, pa.string()))
    customers = _replace(customers, "state", pa.nulls(customers.num_rows, pa.string()))
    if profile.no_risk_attributes:
        for name in ("annual_income", "employment_status", "credit_score"):
            customers = _replace(customers, name, pa.nulls(customers.num_rows, pa.string()))
    entities["customers"].table = customers

    for name in MASTER:
        rows = entities[name]
        rows.table = _replace(rows.table, "updated_at", _midnight(rows.day))

    whole = profile.whole_units
    for name, columns in MONEY.items():
        table = entities[name].table
        for column in columns:
            mode = None
            if whole:
                mode = {"amount_due": "ceil", "amount_paid": "floor"}.get(column, "round")
            positive = column in ("amount", "principal_amount")  # the contract wants them > 0
            scaled = _money(table.column(column), profile.amount_factor, mode, positive)
            table = _replace(table, column, scaled)
        entities[name].table = table

    tx = entities["transactions"].table
    if profile.currency:
        tx = _replace(tx, "currency", pa.array([profile.currency] * tx.num_rows, pa.string()))
        acc = entities["accounts"].table
        entities["accounts"].table = _replace(
            acc, "currency", pa.array([profile.currency] * acc.num_rows, pa.string())
        )
    if profile.date_only:
        tx = _replace(
            tx,
            "transaction_ts",
            pc.binary_join_element_wise(_date_of(tx.column("transaction_ts")), "T00:00:00Z", ""),
        )
    if profile.merchant_countries:
        country = tx.column("merchant_country").to_numpy(zero_copy_only=False)
        mapped = np.array([profile.merchant_countries.get(c, c) for c in country], dtype=object)
        tx = _replace(tx, "merchant_country", pa.array(mapped, pa.string()))
    if profile.mcc_map:
        mcc = tx.column("merchant_category_code").to_numpy(zero_copy_only=False)
        move = np.isin(mcc, list(profile.mcc_map)) & (rng.random(len(mcc)) < profile.mcc_share)
        mcc = np.where(move, [profile.mcc_map.get(c, c) for c in mcc], mcc)
        tx = _replace(tx, "merchant_category_code", pa.array(mcc, pa.string()))
    entities["transactions"].table = tx

    # Repayment accounts delivered with an empty balance: the account fails a required column,
    # the loans pointing at it through their optional account_id are valid.
    loans = entities["loans"].table
    linked = pc.unique(pc.drop_null(loans.column("account_id").combine_chunks()))
    broken = linked.filter(pa.array(_hash_unit(linked, 3) < profile.empty_balance_share))
    acc = entities["accounts"].table
    hit = pc.is_in(acc.column("account_id"), value_set=broken)
    entities["accounts"].table = _replace(
        acc,
        "current_balance",
        pc.if_else(hit, pa.scalar(None, pa.string()), acc.column("current_balance")),
    )
    truth["empty_balance_accounts"] = pa.table({"account_id": broken})
    tx_hit = pc.is_in(entities["transactions"].table.column("account_id"), value_set=broken)
    loan_hit = pc.is_in(loans.column("account_id"), value_set=broken)
    truth["profile_counts"] = pa.table(
        {
            # Rows as drawn, before defects: the account rows quarantined for their balance,
            # the transactions that wait for them (a required link), the loan versions kept
            # with a flagged link (an optional one).
            "account_rows_without_balance": [pc.sum(hit).as_py() or 0],
            "transactions_on_those_accounts": [pc.sum(tx_hit).as_py() or 0],
            "loan_rows_linked_to_them": [pc.sum(loan_hit).as_py() or 0],
        }
    )

    if profile.loan_status:
        spelled = np.array([profile.loan_status.get(s, s) for s in status], dtype=object)
        entities["loans"].table = _replace(loans, "status", pa.array(spelled, pa.string()))


def _loan_outcomes(profile, loan_id, status, event_day) -> pa.Table:
    """One row per loan: its last status (contract and bank spelling) and when it defaulted."""
    order = np.lexsort((event_day, loan_id))
    loan_id, status, event_day = loan_id[order], status[order], event_day[order]
    last = np.ones(len(loan_id), bool)
    last[:-1] = loan_id[1:] != loan_id[:-1]
    defaulted = {}
    for lid, st, d in zip(loan_id, status, event_day):
        if st in ("default", "charged_off") and lid not in defaulted:
            defaulted[lid] = d
    ids = loan_id[last]
    final = status[last]
    return pa.table(
        {
            "loan_id": pa.array(ids, pa.string()),
            "final_status": pa.array(final, pa.string()),
            "bank_status": pa.array([profile.loan_status.get(s, s) for s in final], pa.string()),
            "real_default": pa.array([i in defaulted for i in ids]),
            "default_date": pa.array(
                [str(defaulted[i]) if i in defaulted else None for i in ids], pa.string()
            ),
        }
    )


def profile_truth(cfg, truth_dir) -> None:
    """What a correct pipeline concludes on this profile: `profile.json` and `data_reach.csv`."""
    import csv
    import json

    from finlake.generator.days import from_day

    profile = get_profile(cfg.profile)
    history_end = from_day(cfg.as_of_day)
    extract_first = from_day(int(cfg.file_days[0]))
    extract_last = from_day(int(cfg.file_days[-1]))
    with (truth_dir / "loan_outcomes.csv").open(newline="", encoding="utf-8") as fh:
        outcomes = list(csv.DictReader(fh))
    with (truth_dir / "empty_balance_accounts.csv").open(newline="", encoding="utf-8") as fh:
        broken = [row["account_id"] for row in csv.DictReader(fh)]
    with (truth_dir / "profile_counts.csv").open(newline="", encoding="utf-8") as fh:
        counts: dict[str, int] = {}
        for row in csv.DictReader(fh):
            for key, value in row.items():
                counts[key] = counts.get(key, 0) + int(value)
    summary = {
        "profile": profile.name,
        "description": profile.description,
        "currency": profile.currency,
        "amount_factor": profile.amount_factor,
        "date_only_timestamps": profile.date_only,
        "whole_units": profile.whole_units,
        "risk_attributes_delivered": not profile.no_risk_attributes,
        "home_countries": [c for c, _ in profile.home_countries],
        "loan_status_spelling": {  # the bank's spelling -> the contract's value
            bank: contract for contract, bank in profile.loan_status.items()
        },
        "bank_mcc_codes": sorted(set(profile.mcc_map.values())),
        "history_end": history_end.isoformat(),
        "first_extract_date": extract_first.isoformat(),
        "last_extract_date": extract_last.isoformat(),
        "stale_days": (extract_last - history_end).days,
        "empty_balance_accounts": len(broken),
        "expected_quarantine": {
            "accounts_missing_required_current_balance": counts["account_rows_without_balance"],
            "transactions_parent_quarantined_account_id": counts["transactions_on_those_accounts"],
            "loans_kept_with_flagged_account_link": counts["loan_rows_linked_to_them"],
            "note": "rows as drawn; injected defects (_truth/defects.csv) come on top",
        },
        "loans": len(outcomes),
        "real_default_loans": sum(r["real_default"] == "true" for r in outcomes),
        "night_rule_alerts_expected": 0 if profile.date_only else None,
    }
    (truth_dir / "profile.json").write_text(json.dumps(summary, indent=2) + "\n")
    with (truth_dir / "data_reach.csv").open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["entity", "history_ends_by", "last_extract_date", "stale_days_at_least"])
        for entity in ("transactions", "loan_payments"):
            out.writerow([entity, history_end, extract_last, (extract_last - history_end).days])
