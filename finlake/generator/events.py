"""A columnar block of transaction events, before ids, statuses and text formatting."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

TX_TYPES = (
    "purchase",
    "atm_withdrawal",
    "cash_deposit",
    "deposit",
    "transfer_in",
    "transfer_out",
    "wire_out",
    "wire_in",
    "fee",
    "interest",
    "loan_disbursement",
    "loan_payment",
    "refund",
    "salary",
)
(
    PURCHASE,
    ATM,
    CASH_DEPOSIT,
    DEPOSIT,
    TRANSFER_IN,
    TRANSFER_OUT,
    WIRE_OUT,
    WIRE_IN,
    FEE,
    INTEREST,
    LOAN_DISBURSEMENT,
    LOAN_PAYMENT,
    REFUND,
    SALARY,
) = range(len(TX_TYPES))
CHANNELS = ("pos", "online", "atm", "branch", "mobile", "ach", "wire")
POS, ONLINE, ATM_CH, BRANCH, MOBILE, ACH, WIRE = range(len(CHANNELS))
DIRECTIONS = ("debit", "credit")
DEBIT, CREDIT = 0, 1
TX_STATUS = ("posted", "pending", "reversed", "declined")
POSTED, PENDING, REVERSED, DECLINED = range(4)
NONE = -1


@dataclass
class Events:
    acct: np.ndarray  # local account index
    ts: np.ndarray  # seconds since epoch, UTC
    amount: np.ndarray  # cents, positive
    ttype: np.ndarray
    direction: np.ndarray
    channel: np.ndarray
    mcc: np.ndarray  # index into reference.MCC_CATEGORIES
    merchant: np.ndarray  # index into the flattened merchant table
    country: np.ndarray  # index into the merchant-country list
    fraud: np.ndarray  # fraud episode number, -1 when genuine

    def __len__(self) -> int:
        return len(self.acct)

    @classmethod
    def make(
        cls,
        acct,
        ts,
        amount,
        ttype,
        direction,
        channel=NONE,
        mcc=NONE,
        merchant=NONE,
        country=NONE,
        fraud=NONE,
    ) -> Events:
        acct = np.asarray(acct, dtype=np.int64)
        n = len(acct)

        def col(value, dtype):
            arr = np.asarray(value, dtype=dtype)
            return np.full(n, arr, dtype=dtype) if arr.ndim == 0 else arr

        return cls(
            acct=acct,
            ts=col(ts, np.int64),
            amount=col(amount, np.int64),
            ttype=col(ttype, np.int8),
            direction=col(direction, np.int8),
            channel=col(channel, np.int8),
            mcc=col(mcc, np.int16),
            merchant=col(merchant, np.int32),
            country=col(country, np.int16),
            fraud=col(fraud, np.int32),
        )

    @classmethod
    def concat(cls, blocks: list[Events]) -> Events:
        return cls(
            **{f.name: np.concatenate([getattr(b, f.name) for b in blocks]) for f in fields(cls)}
        )

    def take(self, index: np.ndarray) -> Events:
        return Events(**{f.name: getattr(self, f.name)[index] for f in fields(self)})
