"""Tokens of personal data, computed while landing, so that no SQL on any engine needs the key.

For every contract column marked `pii: true` bronze carries `<column>_token`: the lower-case hex
HMAC-SHA256, under the tokenisation key, of the value normalised as silver compares it:

    email        trimmed, lower-cased                      ( j.doe@x.com )
    phone        E.164 like silver's normalise_phone        ( +15551234567 )
    national_id  its digits only; no digits -> null         ( 123456789 )
    any other    trimmed (the value silver reads)

A blank value (empty or spaces only) has no token (null). Silver copies the tokens and never
sees the key, so the key is absent from every SQL text, dbt artefact, log and query history.

The key is hex (32 to 128 hex digits, 16 to 64 bytes), read from, in this order:
  1. the FINLAKE_PII_KEY environment variable (a secret store injects it);
  2. on AWS Glue, the Secrets Manager secret named by the job's --pii_key_secret_id
     (glue_job.py reads it with the job role, see terraform/modules/ingestion_job);
  3. the public development key, only when explicitly opted into with `--dev-pii-key` or
     FINLAKE_DEV_PII_KEY=1: its tokens protect nothing, and every run that uses it says so.
Otherwise a run that has personal data to land stops with one sentence naming the setting.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from dataclasses import dataclass

import pyarrow as pa

from finlake.errors import ConfigError
from finlake.lake import PII_KEY_DIR

KEY_VARIABLE = "FINLAKE_PII_KEY"
DEV_OPT_IN_VARIABLE = "FINLAKE_DEV_PII_KEY"
DEV_KEY = b"finlake-development-key-NOT-SECRET"
TOKEN_SUFFIX = "_token"
_HEX = re.compile(r"^[0-9a-f]{32,128}$")
_NON_DIGITS = re.compile(r"[^0-9]")


@dataclass(frozen=True)
class PiiKey:
    """The tokenisation key; `development` when it is the public development key."""

    secret: bytes
    development: bool = False

    def __repr__(self) -> str:  # never print the key, even in a traceback or a log
        return f"PiiKey(development={self.development})"

    __str__ = __repr__


def parse_key(text: str, setting: str = KEY_VARIABLE) -> PiiKey:
    """A key given as hex; a ConfigError naming `setting` when it is not 16 to 64 bytes of hex."""
    key = text.strip().lower()
    if len(key) % 2 or not _HEX.match(key):
        raise ConfigError(
            f"{setting} must be 32 to 128 hex characters (16 to 64 bytes); "
            "generate one with: openssl rand -hex 32"
        )
    return PiiKey(bytes.fromhex(key))


def dev_opted_in(flag: bool = False) -> bool:
    return flag or os.environ.get(DEV_OPT_IN_VARIABLE, "").strip().lower() in ("1", "true", "yes")


def resolve_key(dev_pii_key: bool = False, secret_text: str | None = None) -> PiiKey:
    """The key from the environment, a secret's text, or (opted into) the development key."""
    text = os.environ.get(KEY_VARIABLE, "").strip()
    if text:
        return parse_key(text)
    if secret_text is not None:
        return parse_key(secret_text, "the Secrets Manager secret given as --pii_key_secret_id")
    if dev_opted_in(dev_pii_key):
        return PiiKey(DEV_KEY, development=True)
    raise ConfigError(
        f"{KEY_VARIABLE} is not set; set it to a hex key from your secret store "
        f"(openssl rand -hex 32), or pass --dev-pii-key (or {DEV_OPT_IN_VARIABLE}=1) to use "
        "the public development key on a development lake."
    )


# ---------------------------------------------------------------------------------------------
# Normalisation (kept identical to silver: macros/cleaning/clean_text.sql, normalise_phone.sql)


def clean_text(value: str | None) -> str | None:
    """Silver's clean_text: trimmed of spaces; blank -> None."""
    if value is None:
        return None
    value = value.strip(" ")
    return value or None


def normalise_email(value: str | None) -> str | None:
    value = clean_text(value)
    return value.lower() if value is not None else None


def normalise_phone(value: str | None, country: str | None) -> str | None:
    """Silver's normalise_phone: E.164 digits behind a '+' (NANP numbers get +1)."""
    value = clean_text(value)
    if value is None:
        return None
    digits = _NON_DIGITS.sub("", value)
    if not digits:
        return None
    if value.startswith("+"):
        return "+" + digits
    country = clean_text(country)
    if len(digits) == 10 and country is not None and country.upper() in ("US", "CA"):
        return "+1" + digits
    return "+" + digits


def normalise_digits(value: str | None) -> str | None:
    value = clean_text(value)
    if value is None:
        return None
    return _NON_DIGITS.sub("", value) or None


def token(key: PiiKey, value: str | None) -> str | None:
    if value is None:
        return None
    return hmac.new(key.secret, value.encode("utf-8"), hashlib.sha256).hexdigest()


def token_column(column: str) -> str:
    return column + TOKEN_SUFFIX


def normalised(column: str, values: list, row: dict[str, list]) -> list:
    """The normalised values of one pii column (`row`: every contract column's values)."""
    if column == "email":
        return [normalise_email(v) for v in values]
    if column == "phone":
        countries = row.get("country") or [None] * len(values)
        return [normalise_phone(v, c) for v, c in zip(values, countries)]
    if column == "national_id":
        return [normalise_digits(v) for v in values]
    return [clean_text(v) for v in values]


def with_tokens(batch: pa.RecordBatch, pii_columns: list[str], key: PiiKey) -> pa.RecordBatch:
    """`batch` (contract columns first) with `<column>_token` inserted after the contract columns,
    one per pii column in contract order. Runs in the Python workers."""
    if not pii_columns:
        return batch
    names = batch.schema.names
    row = {name: batch.column(name).to_pylist() for name in names if not name.startswith("_")}
    tokens = [
        pa.array([token(key, v) for v in normalised(c, row[c], row)], pa.string())
        for c in pii_columns
    ]
    at = next(i for i, name in enumerate(names) if name.startswith("_"))
    arrays = batch.columns[:at] + tokens + batch.columns[at:]
    fields = names[:at] + [token_column(c) for c in pii_columns] + names[at:]
    return pa.RecordBatch.from_arrays(arrays, names=fields)


# ---------------------------------------------------------------------------------------------
# Which key a bronze was tokenised with (never the key: a keyed fingerprint of it)

KEY_RECORD_DIR = PII_KEY_DIR  # finlake/lake.py
KEY_RECORD_ARROW = pa.schema([("fingerprint", pa.string()), ("development", pa.bool_())])


def fingerprint(key: PiiKey) -> str:
    """16 hex digits that tell keys apart and reveal nothing of the key (an HMAC of a constant)."""
    return hmac.new(
        key.secret, b"finlake tokenisation key fingerprint", hashlib.sha256
    ).hexdigest()[:16]


def check_and_record_key(store, bronze: str, key: PiiKey) -> None:
    """Refuse a key other than the one bronze's tokens were made with (tokens of two keys never
    join); record the key's fingerprint on first use in <bronze>/_pii_key/."""
    folder = store.join(bronze, KEY_RECORD_DIR)
    recorded = store.read_parquet(folder, KEY_RECORD_ARROW).to_pylist()
    mine = {"fingerprint": fingerprint(key), "development": key.development}
    if not recorded:
        table = pa.Table.from_pylist([mine], schema=KEY_RECORD_ARROW)
        sink = pa.BufferOutputStream()
        import pyarrow.parquet as pq

        pq.write_table(table, sink)
        store.write_bytes(store.join(folder, "key.parquet"), sink.getvalue().to_pybytes())
        return
    if recorded[0]["fingerprint"] != mine["fingerprint"]:
        was = "the public development key" if recorded[0]["development"] else "another key"
        now = "the development key" if key.development else "FINLAKE_PII_KEY"
        raise ConfigError(
            f"Bronze at {bronze} was tokenised with {was} (recorded in {folder}), not {now}; "
            "use the same key, or ingest into an empty bronze."
        )


def recorded_development_key(bronze: str) -> bool:
    """Whether the local bronze folder's tokens were made with the public development key."""
    import pyarrow.parquet as pq

    path = os.path.join(bronze, KEY_RECORD_DIR, "key.parquet")
    if not os.path.isfile(path):
        return False
    try:
        return bool(pq.read_table(path).column("development").to_pylist()[0])
    except Exception:  # an unreadable record is reported by the next ingest, not here
        return False


def key_from_secret(secret_id: str | None) -> PiiKey | None:
    """The key from FINLAKE_PII_KEY or, when unset, the Secrets Manager secret `secret_id`
    (read with the job's role; None when neither is given)."""
    if not secret_id or os.environ.get(KEY_VARIABLE, "").strip():
        return None
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        text = boto3.client("secretsmanager").get_secret_value(SecretId=secret_id)["SecretString"]
    except (BotoCoreError, ClientError, KeyError) as exc:
        raise ConfigError(
            f"The tokenisation key could not be read from Secrets Manager secret '{secret_id}' "
            f"(--pii_key_secret_id): {type(exc).__name__}; check the secret and the job role."
        ) from None
    return resolve_key(secret_text=text)
