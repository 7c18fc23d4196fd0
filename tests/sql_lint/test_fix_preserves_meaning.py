"""`sqlfluff fix` with the project's rules changes layout, never meaning.

The project's SQL already lints clean, so fixing it as it is would prove nothing. Instead a
copy of a few representative files is first scrambled by sqlfluff itself, with the opposite
conventions (upper case, two-space indents, implicit aliases), and then
fixed back with the project's configuration. The whole project is compiled (dev target) before and
after, and every model's and test's compiled SQL must be the same query
(tools/sql_lint/equivalence.py: sqlglot, layout-blind).

Leading commas are not part of the scramble: sqlfluff's LT04 fix moves commas across Jinja
loop boundaries and renders `, ,` in reconciliation.sql. The project's trailing-comma
convention never asks for that fix; were it ever needed, this test shows what it breaks."""

from __future__ import annotations

import shutil

import pytest

from tools.sql_lint.equivalence import compare
from tools.sql_lint.lint import run_sqlfluff
from tools.sql_lint.project import copy_project, dev_environment, run_dbt

# Jinja loops and unions, joins and window frames, macros in expressions, an incremental
# model's config block, a singular test.
FILES = [
    "models/silver/quality/reconciliation.sql",
    "models/gold/customers/offers.sql",
    "models/gold/intermediate/int_loan_instalments.sql",
    "models/silver/transactions/stg_transactions.sql",
    "tests/dbt/assert_no_credit_offers_in_arrears.sql",
]

SCRAMBLE = """
[sqlfluff]
rules = CP01, CP03, CP05, LT02, AL01, AL02

[sqlfluff:indentation]
tab_space_size = 2

[sqlfluff:rules:capitalisation.keywords]
capitalisation_policy = upper

[sqlfluff:rules:capitalisation.functions]
extended_capitalisation_policy = upper

[sqlfluff:rules:capitalisation.types]
extended_capitalisation_policy = upper

[sqlfluff:rules:aliasing.table]
aliasing = implicit

[sqlfluff:rules:aliasing.column]
aliasing = implicit
"""


@pytest.mark.slow
def test_scrambling_then_fixing_keeps_every_compiled_query(tmp_path):
    project = copy_project(tmp_path / "project")
    env = dev_environment(tmp_path / "run", project)

    def compile_to(name: str):
        # One target folder, so dbt re-parses only the files that changed since the last
        # compile; each stage keeps a copy of its manifest.
        result = run_dbt("compile", project, env, "dev", tmp_path / "target")
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        stage = tmp_path / name
        stage.mkdir()
        shutil.copyfile(tmp_path / "target" / "manifest.json", stage / "manifest.json")
        return stage

    def contents() -> list[str]:
        return [(project / f).read_text() for f in FILES]

    original_text = contents()
    original = compile_to("original")

    scramble = tmp_path / "scramble.cfg"
    scramble.write_text(SCRAMBLE)
    run_sqlfluff("fix", FILES, project_dir=project, config=scramble, capture=True)
    scrambled_text = contents()
    assert scrambled_text != original_text, "the scramble changed nothing; the test proves nothing"
    assert "SELECT" in "".join(scrambled_text)
    # (The scrambled project is not compiled: what counts is that fixing it gives back the
    # original queries, and a compile plus a lint cost about a minute on two cores.)

    run_sqlfluff("fix", FILES, project_dir=project, capture=True)
    assert contents() != scrambled_text
    assert compare(original, compile_to("fixed"), dialect="duckdb") == []
