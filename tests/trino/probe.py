"""The profile of a small dbt probe project on the test session's Trino (Iceberg catalog)."""

from __future__ import annotations

from pathlib import Path

import yaml


def write_profile(folder: Path, name: str, trino, schema: str, duckdb: Path | None = None) -> None:
    """`folder/profiles.yml` for profile `name`: target trino on the `trino` fixture's server,
    and, when `duckdb` is given, target dev on that DuckDB file (then the default target)."""
    outputs = {}
    if duckdb is not None:
        outputs["dev"] = {"type": "duckdb", "path": str(duckdb), "schema": schema, "threads": 1}
    outputs["trino"] = {
        "type": "trino",
        "method": "none",
        "user": "finlake",
        "host": trino.host,
        "port": trino.port,
        "database": "iceberg",
        "schema": schema,
        "threads": 1,
        "http_scheme": "http",
    }
    profile = {name: {"target": next(iter(outputs)), "outputs": outputs}}
    (folder / "profiles.yml").write_text(yaml.safe_dump(profile, sort_keys=False))
