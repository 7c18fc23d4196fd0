"""`finlake trace customer KEY` on the shared tiny warehouse: the landing lines it names hold the
records it says, read from the landing files themselves."""

from __future__ import annotations

import csv
import io

import pytest

from finlake.cli import main
from finlake.errors import ConfigError
from finlake.lineage.trace import trace


def _borrower_with_payments(lake) -> str:
    """A customer with a loan that has payments, found in the landing files (not bronze)."""

    def rows(entity):
        for path in sorted(lake.landing_dir(entity).glob("*.csv")):
            text = path.read_bytes().decode("utf-8", errors="replace").lstrip("\ufeff")
            reader = csv.DictReader(io.StringIO(text))
            reader.fieldnames = [f.strip().lower() for f in reader.fieldnames or []]
            yield from reader

    paid_loans = {r.get("loan_id") for r in rows("loan_payments")}
    return next(r["customer_id"] for r in rows("loans") if r.get("loan_id") in paid_loans)


def _landing_line(lake, landing_file: str, line: int) -> str:
    raw = (lake.root / landing_file).read_bytes().split(b"\n")[line - 1]
    return raw.decode("utf-8", errors="replace")


def test_trace_names_the_landing_lines_of_a_borrowers_records(tiny_warehouse, capsys):
    customer = _borrower_with_payments(tiny_warehouse)
    result = trace(tiny_warehouse, "customer", customer)
    entities = {r.entity for r in result.records}
    assert {"customers", "accounts", "loans", "loan_payments"} <= entities
    assert result.seconds < 5
    own = [r for r in result.records if r.entity == "customers"]
    assert own and all(
        customer in _landing_line(tiny_warehouse, r.landing_file, r.line) for r in own
    )
    payment = next(r for r in result.records if r.entity == "loan_payments")
    assert payment.key in _landing_line(tiny_warehouse, payment.landing_file, payment.line)
    loan_ids = {r.key for r in result.records if r.entity == "loans"}
    assert any(
        k in _landing_line(tiny_warehouse, payment.landing_file, payment.line) for k in loan_ids
    )
    assert {r.disposition for r in own} & {"loaded"}  # silver's verdict, read from the warehouse
    # The command line prints the same lines as file:line.
    assert main(["trace", "customer", customer, "--lake", str(tiny_warehouse.root)]) == 0
    printed = capsys.readouterr().out
    assert f"{payment.landing_file}:{payment.line}" in printed


def test_trace_of_an_unknown_key_or_entity_is_one_sentence(tiny_warehouse):
    with pytest.raises(ConfigError, match="no customers record with customer_id C9999999"):
        trace(tiny_warehouse, "customer", "C9999999")
    with pytest.raises(ConfigError, match="branch is not a landing entity"):
        trace(tiny_warehouse, "branch", "B1")
