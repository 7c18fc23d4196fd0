"""Which SQL the changed-files lint picks for a change."""

from __future__ import annotations

import pytest

from tools.sql_lint import changed
from tools.sql_lint.project import REPO


@pytest.fixture
def change(monkeypatch):
    def set_files(files: list[str]) -> changed.ChangedSql:
        monkeypatch.setattr(changed, "changed_files", lambda base, repo=REPO: files)
        return changed.changed_sql("origin/main")

    return set_files


def test_only_changed_models_and_dbt_tests_are_linted(change):
    result = change(
        [
            "models/silver/accounts/stg_accounts.sql",
            "models/silver/accounts/stg_accounts.yml",
            "tests/dbt/assert_silver_reconciles.sql",
            "finlake/cli.py",
            "README.md",
        ]
    )
    assert result.files == [
        "models/silver/accounts/stg_accounts.sql",
        "tests/dbt/assert_silver_reconciles.sql",
    ]
    assert not result.lint_everything


def test_deleted_files_are_not_linted(change):
    assert change(["models/silver/gone.sql"]).files == []


@pytest.mark.parametrize(
    "path", ["macros/cleaning/clean_text.sql", "dbt_project.yml", ".sqlfluff", ".sqlfluffignore"]
)
def test_a_change_that_can_change_every_model_lints_everything(change, path):
    result = change([path, "models/silver/accounts/stg_accounts.sql"])
    assert result.lint_everything
    assert path in result.reason


def test_the_repository_answers_for_its_own_head():
    assert isinstance(changed.changed_files("HEAD"), list)


def test_an_unknown_base_is_a_clear_error():
    with pytest.raises(changed.GitError, match="merge-base"):
        changed.changed_files("no-such-branch-anywhere")
