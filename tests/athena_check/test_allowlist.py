"""The Athena engine v3 function allow-list: sourced, complete for the project, no DuckDB."""

from __future__ import annotations

from tools.athena_check.check import ALLOWLIST, DUCKDB_HINTS, load_allowlist


def test_the_allowlist_says_where_it_comes_from():
    header = ALLOWLIST.read_text()[:2500]
    assert "functions-env3" in header
    assert "trinodb/trino" in header and "list.md" in header
    assert "read 20" in header  # the date it was read


def test_the_functions_the_project_uses_on_athena_are_allowed():
    used = {
        "array_agg",
        "array_join",
        "cast",
        "chr",
        "coalesce",
        "concat_ws",
        "count",
        "date_add",
        "date_diff",
        "date_trunc",
        "extract",
        "from_hex",
        "greatest",
        "hmac_sha256",
        "lag",
        "lead",
        "least",
        "length",
        "lower",
        "max",
        "md5",
        "min",
        "month",
        "nullif",
        "power",
        "regexp_like",
        "regexp_replace",
        "replace",
        "row_number",
        "split_part",
        "strpos",
        "substr",
        "sum",
        "to_hex",
        "to_milliseconds",
        "to_unixtime",
        "to_utf8",
        "trim",
        "try_cast",
        "upper",
        "year",
    }
    assert used <= load_allowlist()


def test_duckdb_only_functions_are_not_allowed():
    allowed = load_allowlist()
    leaked = {name for name in DUCKDB_HINTS if name in allowed}
    assert leaked == set()


def test_names_are_unique_lower_case_words():
    names = [
        line.split("#", 1)[0].strip()
        for line in ALLOWLIST.read_text().splitlines()
        if line.split("#", 1)[0].strip()
    ]
    assert len(names) == len(set(names))
    assert all(n == n.lower() and n.replace("_", "").isalnum() for n in names)
