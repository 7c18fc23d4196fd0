"""Slim CI for pull requests (`python -m tools.slim_ci`, make dbt-state / dbt-slim-ci-plan /
dbt-slim-ci): build only the models a change touches, and their children. Not linting: it shares
the offline dbt project helpers of tools/sql_lint/project.py."""
