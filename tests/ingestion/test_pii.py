"""Personal data is tokenised by the ingestion job; the key never reaches SQL (issue 20, item 1).

The normalisation before hashing must be the one silver uses: the phone rule is checked against
the SQL of macros/cleaning/normalise_phone.sql run by DuckDB, on values unlike the generator's.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from pathlib import Path

import duckdb
import jinja2
import pyarrow.parquet as pq
import pytest

from finlake.cli import main
from finlake.contract import load_contract
from ingestion import pii
from tests.ingestion.lakes import write

REPO = Path(__file__).resolve().parents[2]
CUSTOMERS = load_contract().entity("customers")
KEY_HEX = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

PHONES = [
    ("+44 20 7946 0958", "GB"),
    ("(555) 123-4567", "US"),
    ("555.123.4567", " ca "),
    ("555 123 4567", "us"),
    ("5551234567", "GB"),
    ("1-555-123-4567", "US"),
    ("15551234567", None),
    ("  +1 (555) 123-4567  ", "US"),
    ("ext. only", "US"),
    ("", "US"),
    ("   ", None),
    (None, "US"),
    ("0044 20 7946 0958", "GB"),
    ("+", "US"),
]


def _sql_normalise_phone() -> str:
    """The body of silver's normalise_phone macro, rendered for DuckDB with `phone`, `country`."""
    source = (REPO / "macros" / "cleaning" / "normalise_phone.sql").read_text()

    class Finlake:
        @staticmethod
        def clean_text(expr):  # macros/cleaning/clean_text.sql
            return f"nullif(trim({expr}), '')"

        @staticmethod
        def regex_replace_all(expr, pattern, replacement):
            return f"regexp_replace({expr}, '{pattern}', '{replacement}', 'g')"

    body = re.search(
        r"\{% macro normalise_phone\(expr, country_expr\) -%\}(.*)\{%- endmacro", source, re.S
    )
    assert body, "normalise_phone macro not found"
    return jinja2.Template(body.group(1)).render(
        finlake=Finlake,
        expr="phone",
        country_expr="nullif(trim(country), '')",  # parsed as silver does
    )


def test_phone_normalisation_is_silvers_sql_rule():
    con = duckdb.connect()
    con.execute("create table t (phone varchar, country varchar)")
    con.executemany("insert into t values (?, ?)", PHONES)
    got = con.execute(f"select phone, country, {_sql_normalise_phone()} from t").fetchall()
    assert len(got) == len(PHONES)
    for phone, country, expected in got:
        assert pii.normalise_phone(phone, country) == expected, (phone, country)


def test_email_and_national_id_normalisation():
    assert pii.normalise_email("  J.Doe@Example.COM ") == "j.doe@example.com"
    assert pii.normalise_email("   ") is None
    assert pii.normalise_digits(" 123-45-6789 ") == "123456789"
    assert pii.normalise_digits("N/A") is None  # no digits: no token (not the token of '')
    assert pii.clean_text("  Ann ") == "Ann"


def test_tokens_are_hmac_sha256_of_the_normalised_value():
    key = pii.parse_key(KEY_HEX)
    expected = hmac.new(bytes.fromhex(KEY_HEX), b"+15551234567", hashlib.sha256).hexdigest()
    assert pii.token(key, pii.normalise_phone("(555) 123-4567", "US")) == expected
    assert "0011" not in repr(key) and "0011" not in str(key)


@pytest.mark.parametrize("bad", ["abc", "00" * 8 + "0", "zz" * 16, "00" * 65])
def test_a_malformed_key_is_refused_naming_the_variable(bad, monkeypatch):
    monkeypatch.setenv(pii.KEY_VARIABLE, bad)
    with pytest.raises(pii.ConfigError, match=r"^FINLAKE_PII_KEY must be 32 to 128 hex"):
        pii.resolve_key()


CUSTOMER_ROW = {
    "customer_id": "C1",
    "first_name": " Ann ",
    "last_name": "Lee",
    "email": " Ann.Lee@Example.com",
    "phone": "(555) 123-4567",
    "date_of_birth": "1980-01-02",
    "national_id": "123-45-6789",
    "address_line": "1 Main St",
    "city": "Springfield",
    "state": "IL",
    "postal_code": "62701",
    "country": "US",
    "annual_income": "50000.00",
    "employment_status": "employed",
    "credit_score": "700",
    "customer_since": "2020-01-01",
    "updated_at": "2025-01-01T00:00:00Z",
}


def _customers_csv() -> str:
    header = ",".join(CUSTOMERS.column_names)
    row = ",".join(f'"{CUSTOMER_ROW.get(c, "")}"' for c in CUSTOMERS.column_names)
    return f"{header}\n{row}\n"


def test_ingest_without_a_key_refuses_in_one_sentence(tmp_path, spark, capsys, monkeypatch):
    monkeypatch.delenv(pii.KEY_VARIABLE, raising=False)
    monkeypatch.delenv(pii.DEV_OPT_IN_VARIABLE, raising=False)
    write(tmp_path / "landing", "customers/customers_20250101.csv", _customers_csv())
    assert main(["ingest", "--lake", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("finlake: FINLAKE_PII_KEY is not set;") and "--dev-pii-key" in err
    assert len(err.splitlines()) == 1
    assert not list((tmp_path / "bronze").rglob("customers/*/*.parquet"))


def test_bronze_carries_tokens_and_a_second_key_is_refused(tmp_path, spark, capsys, monkeypatch):
    monkeypatch.delenv(pii.DEV_OPT_IN_VARIABLE, raising=False)
    monkeypatch.setenv(pii.KEY_VARIABLE, KEY_HEX)
    write(tmp_path / "landing", "customers/customers_20250101.csv", _customers_csv())
    assert main(["ingest", "--lake", str(tmp_path)]) == 0
    assert "development key" not in capsys.readouterr().err
    (part,) = (tmp_path / "bronze" / "customers").rglob("*.parquet")
    row = pq.read_table(part).to_pylist()[0]
    key = bytes.fromhex(KEY_HEX)

    def mac(text: str) -> str:
        return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()

    assert row["email_token"] == mac("ann.lee@example.com")
    assert row["phone_token"] == mac("+15551234567")
    assert row["national_id_token"] == mac("123456789")
    assert row["first_name_token"] == mac("Ann")
    assert row["email"] == " Ann.Lee@Example.com"  # bronze keeps the value as delivered
    assert pq.read_table(part).schema.names[: len(CUSTOMERS.columns) + 8][-8:] == [
        c + "_token" for c in CUSTOMERS.pii_columns
    ]
    # A later delivery with the development key would make tokens that never join: refused.
    monkeypatch.delenv(pii.KEY_VARIABLE)
    later = _customers_csv().replace('"C1"', '"C2"')
    write(tmp_path / "landing", "customers/customers_20250102.csv", later)
    assert main(["ingest", "--lake", str(tmp_path), "--dev-pii-key"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("finlake: Bronze at ") and "was tokenised with another key" in err
    assert len(err.splitlines()) == 1


def test_the_development_key_is_used_only_when_opted_into_and_said(tmp_path, spark, capsys):
    write(tmp_path / "landing", "customers/customers_20250101.csv", _customers_csv())
    assert main(["ingest", "--lake", str(tmp_path), "--dev-pii-key"]) == 0
    err = capsys.readouterr().err
    assert "tokenised with the public development key" in err
    assert pii.recorded_development_key(str(tmp_path / "bronze"))
