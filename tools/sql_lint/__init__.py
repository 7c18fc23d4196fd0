"""SQL linting for the dbt project: sqlfluff with an offline dbt profile, changed-file
selection against a base revision, and a proof that formatting kept every query the same."""
