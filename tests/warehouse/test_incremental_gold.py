"""customer_summary's activity windows come from the daily aggregate customer_daily_activity
(models/README.md, Incremental gold), not from every transaction. Judged here against the
definition over every transaction, written out in this test (money moved: posted or pending;
windows of 30, 90 and 365 days ending on the day the data reaches), on the session's tiny
warehouse (read only, nothing built)."""

from __future__ import annotations

import math

from tests.warehouse.warehouse import connect, rows

FROM_EVERY_TRANSACTION = """
with
calendar as (select max(as_of_date) as reporting_date from gold.int_data_reach),
moved as (
    select
        accounts.customer_id,
        transactions.direction,
        transactions.amount,
        transactions.transaction_type,
        transactions.merchant_country <> customers.country as is_international,
        date_diff('day', transactions.transaction_date, calendar.reporting_date) as age_days
    from silver.stg_transactions as transactions
    join silver.stg_accounts as accounts on transactions.account_id = accounts.account_id
    join silver.stg_customers as customers on accounts.customer_id = customers.customer_id
    cross join calendar
    where transactions.status in ('posted', 'pending')
)
select
    customer_id,
    {windows},
    cast(avg(case when transaction_type = 'purchase' then amount end) as decimal(18, 2)),
    sum(case when transaction_type in ('atm_withdrawal', 'cash_deposit') then amount else 0 end)
        / nullif(sum(amount), 0),
    sum(case when transaction_type = 'purchase' and is_international then 1 else 0 end)
        / nullif(sum(case when transaction_type = 'purchase' then 1 else 0 end), 0)
from moved
where age_days < 365
group by customer_id
"""

WINDOWS = ", ".join(
    f"sum(case when age_days < {d} and direction = 'credit' then amount else 0 end), "
    f"sum(case when age_days < {d} and direction = 'debit' then amount else 0 end), "
    f"sum(case when age_days < {d} then 1 else 0 end)"
    for d in (30, 90, 365)
)
COLUMNS = [
    f"{name}_{d}d" for d in (30, 90, 365) for name in ("inflow", "outflow", "transaction_count")
] + ["average_purchase_365d", "cash_share_365d", "international_share_365d"]


def test_activity_windows_from_the_daily_aggregate_equal_those_over_every_transaction(
    tiny_warehouse,
):
    with connect(tiny_warehouse) as con:
        expected = {r[0]: r[1:] for r in rows(con, FROM_EVERY_TRANSACTION.format(windows=WINDOWS))}
        summary = rows(con, f"select customer_id, {', '.join(COLUMNS)} from gold.customer_summary")
        (daily_rows,) = rows(con, "select count(*) from gold.customer_daily_activity")[0]
    assert daily_rows > 0 and len(expected) > 100
    for customer_id, *got in summary:
        want = expected.get(customer_id)
        if want is None:  # no money moved in the year: zeros and no averages or shares
            assert got[:9] == [0] * 9 and got[9:] == [None, None, None], (customer_id, got)
            continue
        assert tuple(got[:10]) == tuple(want[:10]), (customer_id, got, want)
        for g, w in zip(got[10:], want[10:], strict=True):
            assert (g is None and w is None) or math.isclose(g, w, rel_tol=1e-12), (
                customer_id,
                got,
                want,
            )
