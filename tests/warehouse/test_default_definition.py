"""The default definition holds on data shaped unlike the generator's: a bank that pays whole
currency units (every payment rounded down, a shortfall of less than one unit on each
instalment) and spells its statuses its own way.

Each test copies the built tiny warehouse, reshapes its silver tables the way such a bank would
deliver them, rebuilds the default chain with dbt and compares the labels with the untouched
build's.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from finlake.build import run_dbt
from tests.lake_copy import copy_lake
from tests.warehouse.test_point_in_time import FEATURE_MODELS
from tests.warehouse.warehouse import connect, rows

LABELS = (
    "select customer_id, observation_date, defaults_within_window, default_date "
    "from gold.loan_default_features order by 1, 2"
)


@pytest.fixture(scope="module")
def labels(tiny_warehouse):
    con = connect(tiny_warehouse)
    out = rows(con, LABELS)
    con.close()
    return out


def rebuild(lake, statements: list[str]) -> list[tuple]:
    con = duckdb.connect(str(lake.warehouse))
    for statement in statements:
        con.execute(statement)
    con.close()
    run_dbt(lake, command="run", quiet=True, extra_args=["--select", *FEATURE_MODELS])
    con = connect(lake)
    out = rows(con, LABELS)
    con.close()
    return out


def test_rounding_shortfalls_of_whole_unit_payments_are_not_arrears(
    tiny_warehouse, labels, tmp_path
):
    lake = copy_lake(tiny_warehouse, tmp_path / "lake")
    con = duckdb.connect(str(lake.warehouse))
    (rounded,) = rows(
        con,
        "select count(*) from silver.stg_loan_payments "
        "where amount_paid > 0 and amount_paid <> floor(amount_paid)",
    )[0]
    con.close()
    assert rounded > 100  # enough short instalments to push loans 90 days past due if counted
    after = rebuild(
        lake,
        [
            "update silver.stg_loan_payments set amount_paid = floor(amount_paid) "
            "where amount_paid > 0 and amount_paid >= 1"
        ],
    )
    assert sum(1 for r in labels if r[2]) > 0
    assert after == labels


def test_the_banks_own_default_status_spelling_defaults_the_borrower(
    tiny_warehouse, labels, tmp_path
):
    """A loan recorded 'in_debt' (a default in loan_status_vocabulary) after being current is a
    default dated by the first version that shows it, not by the latest record's updated_at."""
    lake = copy_lake(tiny_warehouse, tmp_path / "lake")
    con = connect(tiny_warehouse)
    # A borrower who never defaulted, in the population at a date with a complete label window.
    customer, observation = rows(
        con,
        "select customer_id, min(observation_date) from gold.loan_default_features "
        "where customer_id not in (select customer_id from gold.int_customer_defaults) "
        "and is_label_complete group by 1 order by 1 limit 1",
    )[0]
    (loan,) = rows(
        con,
        f"select min(loan_id) from silver.stg_loans where customer_id = '{customer}' "
        f"and origination_date < date '{observation}'",
    )[0]
    con.close()
    event = f"timestamp '{observation}' + interval 40 day"
    after = rebuild(
        lake,
        [
            # The bank's in_debt version 40 days after the observation date, then a later
            # current version (a cure) that a latest-record reading would see alone.
            "insert into silver.int_loans__checked by name "
            f"select * replace ('in_debt' as status, {event} as updated_at) "
            f"from silver.int_loans__checked where loan_id = '{loan}' and _disposition = 'loaded'",
            "insert into silver.int_loans__checked by name "
            f"select * replace ('current' as status, {event} + interval 30 day as updated_at) "
            f"from silver.int_loans__checked where loan_id = '{loan}' and _disposition = 'loaded' "
            "and status <> 'in_debt'",
        ],
    )
    before = {r[:2]: r for r in labels}
    now = {r[:2]: r for r in after}
    changed = {k for k in before.keys() | now.keys() if before.get(k) != now.get(k)}
    assert changed, "the in_debt status did not default the borrower"
    assert {k[0] for k in changed} == {customer}
    first = now[(customer, observation)]
    assert first[2] is True
    assert first[3] == observation + dt.timedelta(days=40)
    # After the default the borrower leaves the population.
    assert not [k for k in now if k[0] == customer and k[1] > first[3]]


def test_a_stale_extract_leaves_uncovered_windows_and_labels_unknown(tiny_warehouse, tmp_path):
    """Transactions and payments that stop eight months before the extract date: windows past
    their last event are null (not 0) and labels whose window ends past it are not complete."""
    lake = copy_lake(tiny_warehouse, tmp_path / "lake")
    con = connect(tiny_warehouse)
    (reporting,) = rows(con, "select max(reporting_date) from gold.int_reporting_calendar")[0]
    con.close()
    stop = (reporting - dt.timedelta(days=240)).replace(day=1)
    d = f"date '{stop.isoformat()}'"
    rebuild(
        lake,
        [
            f"delete from silver.stg_loan_payments where due_date >= {d}",
            f"update silver.stg_loan_payments set payment_date = null, amount_paid = null "
            f"where payment_date >= {d}",
            f"delete from silver.stg_transactions where transaction_date >= {d}",
        ],
    )
    con = connect(lake)
    after_stop = rows(
        con,
        "select count(*), count(total_inflow_90d), count(days_past_due), count(missed_instalments_3m), "
        "count(defaults_within_window) from gold.loan_default_features "
        f"where observation_date > {d} + interval 7 day",
    )[0]
    before_stop = rows(
        con,
        "select count(*), count(total_inflow_90d), count(days_past_due) from gold.loan_default_features "
        f"where observation_date <= {d} - interval 7 day and observation_date > {d} - interval 60 day",
    )[0]
    incomplete_labels = rows(
        con,
        "select count(*) from gold.loan_default_features "
        f"where is_label_complete and label_window_end > {d} + interval 1 day",
    )[0][0]
    con.close()
    assert after_stop[0] > 0
    assert after_stop[1:] == (0, 0, 0, 0), after_stop
    assert before_stop[0] > 0 and before_stop[1:] == before_stop[:1] * 2, before_stop
    assert incomplete_labels == 0
