"""Which SQL files a change touches, relative to a base revision (e.g. origin/main)."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from tools.sql_lint.project import REPO

SQL_DIRS = ("models/", "tests/dbt/")
# A change to any of these can change how every model lints (macros render into the SQL
# the templater lints; the configuration changes the rules), so all SQL is linted.
LINT_EVERYTHING_WHEN_CHANGED = ("macros/", "dbt_project.yml", ".sqlfluff", ".sqlfluffignore")


class GitError(RuntimeError):
    """git could not answer (unknown base revision, not a repository)."""


@dataclass(frozen=True)
class ChangedSql:
    files: list[str]
    lint_everything: bool
    reason: str


def _git(args: list[str], repo: Path) -> list[str]:
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise GitError(f"git {' '.join(args)} failed: {result.stderr.strip()}")
    return [line for line in result.stdout.splitlines() if line]


def changed_files(base: str, repo: Path = REPO) -> list[str]:
    """Files that differ from the merge base with `base`: commits, working tree, new files."""
    merge_base = _git(["merge-base", base, "HEAD"], repo)[0]
    tracked = _git(["diff", "--name-only", "--diff-filter=d", merge_base], repo)
    untracked = _git(["ls-files", "--others", "--exclude-standard"], repo)
    return sorted(set(tracked) | set(untracked))


def changed_sql(base: str, repo: Path = REPO) -> ChangedSql:
    """The SQL files to lint for a change against `base`."""
    files = changed_files(base, repo)
    wide = [f for f in files if f.startswith(LINT_EVERYTHING_WHEN_CHANGED)]
    if wide:
        return ChangedSql([], True, f"{wide[0]} changed, so every model is linted")
    sql = [
        f for f in files if f.endswith(".sql") and f.startswith(SQL_DIRS) and (repo / f).is_file()
    ]
    return ChangedSql(sql, False, f"{len(sql)} changed SQL file(s)")
