"""Invariant 4, point-in-time correctness, proved by rebuilding: the features of
gold.loan_default_features at a date D must be exactly what the same models compute on a lake
that holds only what was known at D.

For each date D the built tiny warehouse is copied and its silver tables are cut back to the
bank's knowledge at D: instalments due from D on are removed, payments made from D on are
blanked (an instalment paid late, after D, was unpaid at D), transactions from D on and loan
and customer versions stamped from D on are removed (a customer's first version stays: birth
year and customer-since are known from the start), and the extracts end the day before D. The
gold feature models are then rebuilt on the cut lake by dbt and every feature column of the rows
at D is compared with the full build's. A feature that reads anything dated on or after D (a
payment that had not happened yet, a status not yet recorded) differs.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from finlake.build import run_dbt
from tests.lake_copy import copy_lake
from tests.warehouse.warehouse import connect, rows

# The models from the instalment and status records to the features; silver is left as cut.
FEATURE_MODELS = [
    "int_reporting_calendar",
    "int_loan_status_events",
    "int_loan_instalments",
    "int_customer_defaults",
    "int_features__data_reach",
    "int_features__population",
    "int_features__profile",
    "int_features__loans",
    "int_features__repayment",
    "int_features__cashflow",
    "loan_default_features",
]

# Label-side columns: they read the window after D by design.
LABEL_COLUMNS = {
    "label_window_end",
    "is_label_complete",
    "is_scoring_date",
    "defaults_within_window",
    "default_date",
    "default_date_basis",
}


def cut_to(con: duckdb.DuckDBPyConnection, day: dt.date) -> None:
    """Cut the silver tables of a copied warehouse back to what the bank knew before `day`."""
    d = f"date '{day.isoformat()}'"
    statements = [
        f"delete from silver.stg_loan_payments where due_date >= {d}",
        f"update silver.stg_loan_payments set payment_date = null, amount_paid = null "
        f"where payment_date >= {d}",
        f"delete from silver.stg_transactions where transaction_date >= {d}",
        f"update silver.stg_transactions set _extract_date = {d} - 1 where _extract_date >= {d}",
        f"delete from silver.int_loans__checked where cast(updated_at as date) >= {d}",
        f"delete from silver.stg_loans where origination_date >= {d}",
        "delete from silver.int_customers__versions v where cast(valid_from as date) >= "
        f"{d} and valid_from > (select min(f.valid_from) from silver.int_customers__versions f "
        "where f.customer_id = v.customer_id)",
        f"update silver.int_customers__versions set valid_to = null where cast(valid_to as date) >= {d}",
    ]
    for statement in statements:
        con.execute(statement)


def feature_rows(con: duckdb.DuckDBPyConnection, day: dt.date) -> tuple[list[str], dict]:
    columns = [
        c
        for (c,) in rows(con, "select column_name from (describe gold.loan_default_features)")
        if c not in LABEL_COLUMNS
    ]
    data = rows(
        con,
        f"select {', '.join(columns)} from gold.loan_default_features "
        f"where observation_date = date '{day.isoformat()}' order by customer_id",
    )
    return columns, {r[0]: r for r in data}


def observation_dates(con: duckdb.DuckDBPyConnection) -> list[dt.date]:
    """Two dates, one in each half of the history (the first with truncated 12-month windows):
    in each half the one with the most instalments due before it and paid after it."""
    dates = rows(
        con,
        "select f.observation_date, count(distinct i.payment_id) from gold.loan_default_features f "
        "left join gold.int_loan_instalments i on i.due_date < f.observation_date "
        "and i.payment_date >= f.observation_date where not f.is_scoring_date group by 1 order by 1",
    )
    half = len(dates) // 2
    return [max(part, key=lambda r: (r[1], r[0]))[0] for part in (dates[:half], dates[half:])]


@pytest.fixture(scope="module")
def full(tiny_warehouse):
    con = connect(tiny_warehouse)
    days = observation_dates(con)
    out = {day: feature_rows(con, day) for day in days}
    con.close()
    return out


@pytest.mark.parametrize("which", [0, 1])
def test_features_at_a_date_are_what_a_lake_cut_at_that_date_gives(
    tiny_warehouse, full, tmp_path, which
):
    day = sorted(full)[which]
    columns, expected = full[day]
    lake = copy_lake(tiny_warehouse, tmp_path / "lake")
    con = duckdb.connect(str(lake.warehouse))
    cut_to(con, day)
    # The cut must remove something a leaky feature would read: payments made after the date
    # against instalments due before it.
    con.close()
    run_dbt(lake, command="run", quiet=True, extra_args=["--select", *FEATURE_MODELS])
    con = connect(lake)
    cut_columns, actual = feature_rows(con, day)
    con.close()

    assert cut_columns == columns
    assert set(actual) == set(expected), "the population at the date differs"
    differences = [
        (customer, column, expected[customer][i], actual[customer][i])
        for customer in sorted(expected)
        for i, column in enumerate(columns)
        if expected[customer][i] != actual[customer][i]
    ]
    assert differences == [], (
        f"{len(differences)} feature values at {day} read data from after it, "
        f"e.g. (customer, column, full lake, lake cut at the date): {differences[:5]}"
    )


def test_the_cut_removes_late_payments_a_leaky_feature_would_miss(tiny_warehouse, full):
    """The dates compared hold instalments due before them and paid after them."""
    con = connect(tiny_warehouse)
    for day in full:
        (late,) = rows(
            con,
            "select count(*) from gold.int_loan_instalments "
            f"where due_date < date '{day}' and payment_date >= date '{day}'",
        )[0]
        assert late > 0, day
    con.close()
