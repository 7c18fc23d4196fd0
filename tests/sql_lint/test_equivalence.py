"""The canonical form used to prove formatting kept every query: layout-blind, meaning-exact."""

from __future__ import annotations

import pytest

from tools.sql_lint.equivalence import normalise


def same(a: str, b: str) -> bool:
    return normalise(a, "duckdb") == normalise(b, "duckdb")


def test_layout_case_comments_and_explicit_aliases_do_not_count():
    before = "SELECT A x, COUNT(*) FROM T tt -- note\nWHERE x != 1 ORDER BY a ASC"
    after = "select\n    a as x,\n    count(*)\nfrom t as tt\nwhere x <> 1\norder by a"
    assert same(before, after)


def test_the_side_a_comparison_operand_is_written_on_does_not_count():
    assert same("select 1 from t join u on t.d < u.o", "select 1 from t join u on u.o > t.d")
    assert same("select 1 from t where t.a = u.b", "select 1 from t where u.b = t.a")


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("select a from t where b = 1", "select a from t where b = 2"),
        ("select a as x from t", "select a as y from t"),
        ("select a from t order by a", "select a from t order by a desc"),
        ("select a, b from t", "select b, a from t"),
        ("select a from t left join u on t.k = u.k", "select a from t inner join u on t.k = u.k"),
        ("select a from t where x < y", "select a from t where x <= y"),
        ("select a - b / c from t", "select (a - b) / c from t"),
    ],
)
def test_any_change_of_meaning_counts(before, after):
    assert not same(before, after)


def test_the_case_of_window_frame_words_does_not_count():
    assert same(
        "select sum(a) over (order by b rows between unbounded preceding and current row) as s from t",
        "SELECT SUM(a) OVER (ORDER BY b ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) s FROM t",
    )
    assert not same(
        "select sum(a) over (order by b rows between unbounded preceding and current row) as s from t",
        "select sum(a) over (order by b range between unbounded preceding and current row) as s from t",
    )
