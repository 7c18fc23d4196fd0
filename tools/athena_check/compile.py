"""Compile the project for the `prod` target (dbt-athena) with no AWS account.

The prod profile (profiles.yml.example) reads every setting from FINLAKE_* variables; here
they name resources created in the emulator (moto_server.py). FINLAKE_PII_KEY must be a hex
key on prod or the tokenising macros stop compilation: a random key is generated for each
run and lives only in the dbt subprocess's environment.

Two dbt calls: `dbt parse` tells which models are incremental; an empty Iceberg table is
then registered in the emulator's Glue catalog for each, so that `dbt compile` renders their
incremental branch (the `{{ this }}` filter) -- the full-refresh branch is the same query
without that filter.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.athena_check.moto_server import (
    AthenaLayout,
    MotoServer,
    create_resources,
    register_iceberg_tables,
)
from tools.sql_lint.project import QUIET_DBT_ENV, run_dbt, write_profiles_dir

LAYOUT = AthenaLayout(
    staging_bucket="finlake-ci-athena-results",
    lake_bucket="finlake-ci-lake",
    workgroup="finlake-ci-dbt",
    databases={
        "bronze": "finlake_ci_bronze",
        "silver": "finlake_ci_silver",
        "gold": "finlake_ci_gold",
        "reference": "finlake_ci_reference",
    },
)


class CompileError(RuntimeError):
    """dbt could not parse or compile the project for prod."""


@dataclass(frozen=True)
class ProdCompilation:
    target_path: Path
    manifest: dict[str, Any]
    data_dir: str  # FINLAKE_S3_DATA_DIR the project was compiled with


def prod_environment(
    server: MotoServer, layout: AthenaLayout, profiles_dir: Path
) -> dict[str, str]:
    """Every variable the prod profile and the project read, pointing at the emulator."""
    return {
        **QUIET_DBT_ENV,
        **server.client_environment(),
        "DBT_PROFILES_DIR": str(profiles_dir),
        "FINLAKE_TARGET": "prod",
        "FINLAKE_ATHENA_WORKGROUP": layout.workgroup,
        "FINLAKE_ATHENA_STAGING_DIR": layout.staging_dir,
        "FINLAKE_S3_DATA_DIR": layout.data_dir,
        **{f"FINLAKE_{layer.upper()}_SCHEMA": db for layer, db in layout.databases.items()},
        "FINLAKE_PII_KEY": secrets.token_hex(32),
    }


def _dbt(command: str, project_dir: Path, env: dict[str, str], target_path: Path) -> None:
    result = run_dbt(command, project_dir, env, "prod", target_path)
    if result.returncode != 0:
        detail = (result.stdout + result.stderr).strip()[-4000:]
        raise CompileError(f"dbt {command} --target prod failed:\n{detail}")


def incremental_relations(manifest: dict[str, Any]) -> dict[str, list[str]]:
    """Glue database -> the incremental models' tables in it."""
    relations: dict[str, list[str]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] == "model" and node["config"].get("materialized") == "incremental":
            relations.setdefault(node["schema"], []).append(node["alias"])
    return relations


def compile_for_athena(project_dir: Path, workdir: Path) -> ProdCompilation:
    """Run the emulator, compile the project in `project_dir` for prod under `workdir`."""
    target_path = workdir / "target"
    profiles = write_profiles_dir(workdir / "profiles", project_dir)
    with MotoServer() as server:
        create_resources(server, LAYOUT)
        env = prod_environment(server, LAYOUT, profiles)
        _dbt("parse", project_dir, env, target_path)
        parsed = json.loads((target_path / "manifest.json").read_text())
        register_iceberg_tables(server, LAYOUT.data_dir, incremental_relations(parsed))
        _dbt("compile", project_dir, env, target_path)
    manifest = json.loads((target_path / "manifest.json").read_text())
    return ProdCompilation(target_path, manifest, LAYOUT.data_dir)
