"""The Athena SQL checks on compiled SQL: what they flag, where, and what they leave alone."""

from __future__ import annotations

import pytest

from tools.athena_check.check import Finding, check_compiled_node, check_sql, load_allowlist

ALLOWED = load_allowlist()


def problems(sql: str) -> list[tuple[int, str]]:
    return [(p.line, p.construct) for p in check_sql(sql, ALLOWED)]


def test_athena_sql_of_the_project_style_passes():
    sql = """
with

accounts as (
    select * from "awsdatacatalog"."finlake_ci_silver"."stg_accounts"
),

final as (
    select
        account_id,
        cast(try_cast(trim(amount) as decimal(18, 2)) as decimal(18, 2)) as amount,
        regexp_like(currency, '^[A-Z]{3}$') as has_valid_currency,
        lower(to_hex(hmac_sha256(to_utf8(account_id), from_hex('00ff')))) as account_token,
        array_join(array_agg(account_id order by opened_date), ',') as account_ids,
        row_number() over (partition by customer_id order by opened_date desc) as account_rank,
        date_add('day', 1, opened_date) as next_day,
        extract(year from opened_date) as opened_year
    from accounts
    cross join unnest(array[1, 2]) as t(n)
    group by account_id, amount, currency, customer_id, opened_date
)

select * from final
"""
    assert problems(sql) == []


def test_duckdb_function_is_named_with_its_line_and_the_macro_to_use():
    sql = "select\n    account_id,\n    regexp_matches(currency, '^[A-Z]{3}$') as ok\nfrom t\n"
    [problem] = check_sql(sql, ALLOWED)
    assert problem.line == 3
    assert problem.construct == "regexp_matches("
    assert "regexp_matches() is not an Athena engine v3 function" in problem.message
    assert "finlake.regex_matches()" in problem.message


@pytest.mark.parametrize(
    ("sql", "construct"),
    [
        ("select a::integer as a from t", "::"),
        ("select a from t qualify row_number() over (order by a) = 1", "qualify"),
        ("select * exclude (a) from t", "* exclude"),
        ("select * replace (1 as a) from t", "* replace"),
        ("select a from t union by name select a from u", "union by name"),
        ("select a from t where b ilike 'x%'", "ilike"),
        ("select a ->> 'k' as k from t", "->>"),
        ("select a // 2 as half from t", "//"),
        ("select {'a': 1} as s from t", "{"),
        ("select distinct on (a) a, b from t", "distinct on"),
        ("select a from t where d > current_date - interval 1 day", "interval"),
        ("select a, count(*) as n from t group by all", "group by all"),
        ("select epoch(ts) as s from t", "epoch("),
        ("select strftime(ts, '%Y') as y from t", "strftime("),
        ("select list_sum(xs) as s from t", "list_sum("),
        ("select struct_pack(a := 1) as s from t", "struct_pack("),
        ("select * from read_parquet('lake/bronze/*.parquet')", "read_parquet("),
        ("select string_agg(a, ',') as s from t", "string_agg("),
    ],
)
def test_duckdb_only_syntax_and_functions_are_flagged(sql, construct):
    assert construct in [c for _, c in problems(sql)]


def test_names_inside_strings_and_comments_are_not_calls():
    sql = "select 'regexp_matches(' as a, \"qualify\" as b from t -- epoch(x)\n"
    assert problems(sql) == []


def test_types_alias_and_cte_column_lists_are_not_calls():
    sql = """
with final(a, b) as (select 1, 2)
select cast(a as decimal(18, 2)) as a, cast(b as timestamp(6)) as b, n
from final
cross join (values 1) as v(n)
"""
    assert problems(sql) == []


def test_too_many_arguments_and_single_argument_concat_are_flagged():
    many = ", ".join(["'x'"] * 128)
    assert (1, "concat_ws(") in problems(f"select concat_ws({many}) as s")
    assert (1, "concat(") in problems("select concat(a) as s from t")
    assert problems("select concat(a, b) as s from t") == []


def test_unparsable_sql_is_reported_with_its_line():
    [problem] = check_sql("select\n    a,\nfrom t where\n", ALLOWED)
    assert problem.line >= 2
    assert "does not parse as Athena SQL" in problem.message


def test_a_finding_points_at_the_model_source_line_when_the_construct_is_written_there():
    node = {
        "unique_id": "model.finlake.stg_accounts",
        "name": "stg_accounts",
        "original_file_path": "models/silver/accounts/stg_accounts.sql",
        "raw_code": "with\n\nfinal as (\n    select epoch(opened_at) as s\n    from {{ ref('x') }}\n)\n\nselect * from final\n",
        "compiled_code": "with\n\nfinal as (\n    select epoch(opened_at) as s\n    from x\n)\n\nselect * from final\n",
        "compiled_path": "target/compiled/finlake/models/silver/accounts/stg_accounts.sql",
    }
    [finding] = check_compiled_node(node, ALLOWED)
    assert finding == Finding(
        "models/silver/accounts/stg_accounts.sql",
        4,
        "stg_accounts",
        "epoch() is not an Athena engine v3 function (DuckDB only; use finlake.epoch_seconds())",
    )
    assert str(finding).startswith(
        "models/silver/accounts/stg_accounts.sql:4 [stg_accounts] epoch()"
    )


def test_a_construct_that_comes_from_a_macro_points_at_the_compiled_line():
    node = {
        "unique_id": "model.finlake.stg_accounts",
        "name": "stg_accounts",
        "original_file_path": "models/silver/accounts/stg_accounts.sql",
        "raw_code": "select {{ finlake.something('a') }} as b from t",
        "compiled_code": "select\n  a::int as b from t",
        "compiled_path": "target/compiled/stg_accounts.sql",
    }
    [finding] = check_compiled_node(node, ALLOWED)
    assert finding.line == 0
    assert "(from a macro: line 2 of target/compiled/stg_accounts.sql)" in finding.message
