"""A deliberate engine difference fails the parity check and names the table.

A two-model dbt project is built on both engines: `ratios` divides two integer columns, which
DuckDB answers as a double (7 / 2 = 3.5) and Trino, like Athena, as an integer (3); `totals`
means the same everywhere. Parity must flag `ratios`, show its differing rows, and pass `totals`.
"""

from __future__ import annotations

import textwrap

import pytest

from finlake.parity import compare, read_duckdb, read_trino
from tests.trino.probe import write_profile

pytestmark = pytest.mark.trino

SCHEMA = "parity_probe"


def write_project(folder, trino):
    (folder / "models").mkdir(parents=True)
    (folder / "dbt_project.yml").write_text(
        textwrap.dedent(
            """\
            name: parity_probe
            version: "1.0"
            config-version: 2
            profile: parity_probe
            models:
              parity_probe:
                +materialized: table
            """
        )
    )
    write_profile(folder, "parity_probe", trino, SCHEMA, duckdb=folder / "probe.duckdb")
    pairs = "select * from (values (1, 7, 2), (2, 1, 3), (3, 9, 3)) as pairs (pair_id, numerator, denominator)"
    (folder / "models" / "ratios.sql").write_text(
        f"with pairs as ({pairs})\nselect pair_id, numerator / denominator as ratio from pairs\n"
    )
    (folder / "models" / "totals.sql").write_text(
        f"with pairs as ({pairs})\nselect count(*) as pair_count, sum(numerator) as numerator_total from pairs\n"
    )


def dbt_build(folder, target):
    from dbt.cli.main import dbtRunner

    outcome = dbtRunner().invoke(
        [
            "build",
            "--project-dir",
            str(folder),
            "--profiles-dir",
            str(folder),
            "--target",
            target,
            "--target-path",
            str(folder / f"target-{target}"),
            "--log-path",
            str(folder / "logs"),
            "--quiet",
        ]
    )
    assert outcome.success, f"the probe project did not build on {target}: {outcome.exception}"


def test_integer_division_difference_fails_parity_and_names_the_table(trino, tmp_path):
    write_project(tmp_path, trino)
    dbt_build(tmp_path, "dev")
    dbt_build(tmp_path, "trino")

    report = compare(
        read_duckdb(tmp_path / "probe.duckdb", [SCHEMA]),
        read_trino(trino.host, trino.port, "iceberg", [SCHEMA]),
    )

    assert not report.ok
    assert report.differing_tables == [f"{SCHEMA}.ratios"]
    text = report.describe()
    assert f"{SCHEMA}.ratios: 3 rows on dev, 3 on trino" in text
    assert "ratio: dev 3.5 / trino 3" in text  # 7 / 2
    assert f"{SCHEMA}.totals" not in text
