"""finlake.parity compares tables from two engines: order-independent, exact for text,
integers, decimals and timestamps, tolerant for doubles, and specific about what differs."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from finlake.parity import (
    NULL,
    Table,
    canonical,
    checksum,
    compare,
    compare_tables,
    compare_tests,
)


def table(columns, rows, name="gold.t"):
    return Table(name, list(columns), [tuple(r) for r in rows])


def test_row_order_does_not_matter():
    left = table(["id", "amount"], [(1, Decimal("1.50")), (2, Decimal("2.00"))])
    right = table(["id", "amount"], [(2, Decimal("2.00")), (1, Decimal("1.50"))])
    result = compare_tables("gold.t", left, right)
    assert result.ok
    assert result.left_checksum == result.right_checksum


def test_column_order_and_case_do_not_matter():
    left = table(["ID", "name"], [(1, "a")])
    right = table(["name", "id"], [("a", 1)])
    assert compare_tables("gold.t", left, right).ok


def test_a_duplicated_row_is_a_difference():
    left = table(["id"], [(1,), (1,), (2,)])
    right = table(["id"], [(1,), (2,), (2,)])
    result = compare_tables("gold.t", left, right)
    assert not result.ok
    assert (result.differing_left, result.differing_right) == (1, 1)


def test_checksum_counts_duplicates_unlike_xor():
    from collections import Counter

    assert checksum(Counter({("a",): 2})) != checksum(Counter())


def test_decimals_compare_by_value_and_equal_integers():
    assert canonical(Decimal("1.50")) == canonical(Decimal("1.5")) == "1.5"
    assert canonical(Decimal("3.00")) == canonical(3) == "3"
    assert canonical(Decimal("0.10")) != canonical(Decimal("0.1000001"))


def test_doubles_are_rounded_to_nine_significant_digits():
    assert canonical(0.1 + 0.2, as_double=True) == canonical(0.3, as_double=True) == "0.3"
    assert canonical(-0.0, as_double=True) == "0"
    assert canonical(1.23456789e20, as_double=True) == "1.23456789e+20"
    assert canonical(0.375, as_double=True) != canonical(Decimal("0.4"), as_double=True)


def test_summation_noise_in_a_double_column_is_tolerated():
    left = table(["id", "share"], [(1, 0.1 + 0.2), (2, 2 / 3)])
    right = table(["id", "share"], [(1, 0.3), (2, 0.6666666666666667)])
    assert compare_tables("gold.t", left, right).ok


def test_doubles_either_side_of_a_rounding_boundary_pair_within_tolerance():
    left = table(["id", "share"], [(1, 0.12345678950000001)])
    right = table(["id", "share"], [(1, 0.12345678949999999)])
    result = compare_tables("gold.t", left, right)
    assert result.ok
    assert result.within_tolerance == 1


def test_a_double_against_a_rounded_decimal_is_a_difference():
    # Trino divides decimals to the larger scale (3 / 8.0 = 0.4); DuckDB gives the double 0.375.
    left = table(["alert_id", "score"], [("a1", 0.375)])
    right = table(["alert_id", "score"], [("a1", Decimal("0.4"))])
    result = compare_tables("gold.fraud_alerts", left, right)
    assert not result.ok
    assert "score: dev 0.375 / trino 0.4" in result.describe()


def test_timestamps_compare_to_the_microsecond_and_in_utc():
    naive = datetime(2025, 6, 30, 12, 0, 0, 123456)
    aware = datetime(2025, 6, 30, 14, 0, 0, 123456, tzinfo=timezone(timedelta(hours=2)))
    assert canonical(naive) == canonical(aware) == "2025-06-30 12:00:00.123456"
    assert canonical(naive) != canonical(naive.replace(microsecond=123000))


def test_nulls_booleans_dates_and_text():
    assert canonical(None) == NULL
    assert canonical(True) == "true" and canonical(False) == "false"
    assert canonical(date(2025, 1, 2)) == "2025-01-02"
    assert canonical("null") != canonical(None)
    assert canonical(b"\x01\xff") == "0x01ff"


def test_difference_names_the_table_and_shows_the_differing_columns():
    left = table(["customer_id", "tenure_months", "band"], [("c1", 12, "a"), ("c2", 3, "b")])
    right = table(["customer_id", "tenure_months", "band"], [("c1", 11, "a"), ("c2", 3, "b")])
    report = compare({"gold.dim_customers": left}, {"gold.dim_customers": right})
    assert not report.ok
    assert report.differing_tables == ["gold.dim_customers"]
    text = report.describe()
    assert "gold.dim_customers: 2 rows on dev, 2 on trino" in text
    assert "customer_id=c1: tenure_months: dev 12 / trino 11" in text


def test_a_table_missing_on_one_engine_is_a_difference():
    report = compare({"silver.a": table(["x"], [(1,)])}, {})
    assert report.differing_tables == ["silver.a"]
    assert "silver.a: missing on trino" in report.describe()


def test_a_column_on_one_side_only_is_a_difference():
    result = compare_tables("silver.a", table(["x", "y"], [(1, 2)]), table(["x"], [(1,)]))
    assert not result.ok
    assert result.columns_only_left == ["y"]


def run_results(*outcomes):
    return {
        "results": [
            {"unique_id": unique_id, "status": status, "failures": failures}
            for unique_id, status, failures in outcomes
        ]
    }


def test_tests_that_end_differently_are_a_difference():
    dev = run_results(
        ("test.finlake.unique_x.abc", "pass", 0), ("model.finlake.x", "success", None)
    )
    trino = run_results(
        ("test.finlake.unique_x.abc", "fail", 2), ("model.finlake.x", "success", None)
    )
    result = compare_tests(dev, trino)
    assert result.total == 1
    assert not result.ok
    assert result.differences == ["unique_x: dev pass, trino fail (2 rows)"]


def test_a_test_failing_alike_on_both_engines_is_reported_but_not_a_difference():
    both = run_results(
        ("test.finlake.relationships_y.def", "fail", 1), ("unit_test.finlake.m.case", "pass", 0)
    )
    result = compare_tests(both, both)
    assert result.ok
    assert result.failing_on_both == ["relationships_y"]
    assert "fail on both engines alike" in result.describe()


def test_a_row_on_one_engine_only_is_shown_whole():
    left = table(["id", "amount"], [(1, Decimal("1.00"))])
    right = table(["id", "amount"], [(1, Decimal("1.00")), (2, Decimal("5.00"))])
    text = compare_tables("silver.t", left, right).describe()
    assert "0 rows only on dev, 1 only on trino" in text
    assert "only on trino: {id: 2, amount: 5}" in text
