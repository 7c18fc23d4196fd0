"""Write-audit-publish on Trino (issue 20): consumers see a build only when all of it passed.

A small dbt project, built on the local Trino server with the project's own publication macros
(macros/publish/, macros/schema/) and on-run-end hook, through the runner `finlake build` uses
(`write_audit_publish`): a build that passes publishes its slot; a build whose test fails leaves
the previous build visible; a publication stopped half-way is finished by the next build's
first step. The whole project's trino build (the parity suite) publishes the same way, and the
parity comparison reads its tables through the published views.
"""

from __future__ import annotations

import shutil
import textwrap
import uuid
from pathlib import Path

import pytest
import yaml

from finlake.build import Dbt, DbtFailed, publication_slot, write_audit_publish
from finlake.errors import ConfigError
from tests.trino.probe import write_profile

REPO = Path(__file__).resolve().parents[2]


def write_project(folder: Path, trino) -> Path:
    """A project named like ours (so `finlake.` macros resolve) with a seed, a model, a test."""
    (folder / "models").mkdir(parents=True)
    (folder / "seeds").mkdir()
    (folder / "macros").mkdir()
    for macro in [*sorted((REPO / "macros" / "publish").glob("*.sql")),
                  REPO / "macros" / "schema" / "generate_schema_name.sql"]:  # fmt: skip
        shutil.copy(macro, folder / "macros" / macro.name)
    hook = yaml.safe_load((REPO / "dbt_project.yml").read_text())["on-run-end"]
    project = {
        "name": "finlake",
        "version": "1.0",
        "config-version": 2,
        "profile": "wap_probe",
        "on-run-end": hook,
        "models": {"finlake": {"+materialized": "table", "+schema": "gold"}},
        "seeds": {"finlake": {"+schema": "reference"}},
    }
    (folder / "dbt_project.yml").write_text(yaml.safe_dump(project))
    write_profile(folder, "wap_probe", trino, "wap_probe")
    (folder / "models" / "balances.sql").write_text(
        "select account_id, balance from {{ ref('balance_extract') }}\n"
    )
    (folder / "models" / "balances.yml").write_text(
        textwrap.dedent(
            """\
            models:
              - name: balances
                columns:
                  - name: account_id
                    data_tests: [unique, not_null]
            """
        )
    )
    return folder


def deliver(project: Path, rows: list[tuple[int, int]]) -> None:
    lines = ["account_id,balance", *(f"{a},{b}" for a, b in rows)]
    (project / "seeds" / "balance_extract.csv").write_text("\n".join(lines) + "\n")


@pytest.mark.trino
def test_only_a_build_that_passed_every_test_is_published(trino, tmp_path, monkeypatch):
    import trino as trino_client

    suffix = uuid.uuid4().hex[:8]
    env = {
        "FINLAKE_GOLD_SCHEMA": f"wap_gold_{suffix}",
        "FINLAKE_REFERENCE_SCHEMA": f"wap_reference_{suffix}",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    project = write_project(tmp_path / "probe", trino)
    gold = env["FINLAKE_GOLD_SCHEMA"]

    dbt = Dbt(None, "trino", env, quiet=True, project=project, profiles=project)

    def build() -> str | None:
        args = ["--target-path", str(tmp_path / "target")]
        return write_audit_publish(dbt, "build", args).published_slot

    def query(sql: str) -> list[tuple]:
        with trino_client.dbapi.connect(
            host=trino.host, port=trino.port, user="finlake", catalog="iceberg"
        ) as con:
            cursor = con.cursor()
            cursor.execute(sql)
            return sorted(tuple(row) for row in cursor.fetchall())

    published = f'select account_id, balance from "{gold}".balances'

    deliver(project, [(1, 10), (2, 20)])
    assert build() == "blue"
    assert query(published) == [(1, 10), (2, 20)]
    assert query(f'select slot, state from "{gold}".finlake_publication') == [("blue", "published")]

    # A delivery that breaks the key: the model builds (in the other slot), its test fails.
    deliver(project, [(1, 11), (1, 12), (3, 30)])
    with pytest.raises(DbtFailed, match="nothing was published: consumers still read slot blue"):
        build()
    assert query(published) == [(1, 10), (2, 20)], "a failed build reached the consumers"
    assert query(f'select account_id, balance from "{gold}__green".balances') == [
        (1, 11), (1, 12), (3, 30)
    ]  # fmt: skip

    deliver(project, [(4, 40)])
    assert build() == "green"
    assert query(published) == [(4, 40)]
    assert query(f'select slot, state from "{gold}".finlake_publication') == [
        ("green", "published")
    ]

    # A publication that stopped half-way (the record says `publishing`) is finished first.
    query(
        f'create or replace view "{gold}".finlake_publication as '
        "select 'blue' as slot, 'publishing' as state, 'crashed' as invocation_id"
    )
    assert publication_slot(dbt) == "blue"
    assert query(published) == [(1, 10), (2, 20)]
    assert query(f'select slot, state from "{gold}".finlake_publication') == [("blue", "published")]


def test_a_selection_or_a_build_without_tests_is_refused_where_builds_are_published():
    with pytest.raises(ConfigError, match="--select cannot be used on target trino"):
        write_audit_publish(Dbt(None, "trino"), "build", ["--select", "stg_customers"])
    for verb in ("run", "seed"):
        with pytest.raises(ConfigError, match=f"dbt {verb} cannot write on target prod"):
            write_audit_publish(Dbt(None, "prod"), verb, [])


def test_prod_publishes_by_default_and_builds_in_place_only_when_told(monkeypatch):
    """Terraform creates prod's slot databases (terraform/modules/catalog), so a prod build
    writes, audits and publishes unless FINLAKE_WRITE_AUDIT_PUBLISH=0; dev swaps files."""
    from finlake.build import PUBLISH_SETTING, publishes_views

    monkeypatch.delenv(PUBLISH_SETTING, raising=False)
    assert publishes_views("prod") and publishes_views("trino") and not publishes_views("dev")
    monkeypatch.setenv(PUBLISH_SETTING, "0")
    assert not publishes_views("prod")
    monkeypatch.setenv(PUBLISH_SETTING, "yes")
    with pytest.raises(ConfigError, match="FINLAKE_WRITE_AUDIT_PUBLISH is 'yes'; set it to 1 or 0"):
        publishes_views("prod")
