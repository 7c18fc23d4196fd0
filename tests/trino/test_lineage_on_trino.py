"""The column lineage does not depend on the engine that compiled the project.

`finlake lineage` reads the compiled SQL of one target. An auditor reads the lineage of prod
(Athena) while the tests mostly build dev (DuckDB); the dispatched macros write different SQL
for each engine. Here the lineage is computed from three compilations of the project: the
parity suite's builds of the tiny preset on dev and on trino (Athena's engine), and prod as
`finlake lineage --target prod` compiles it -- dbt-athena against the offline AWS emulator of
tools/athena_check, with the incremental models' incremental branch. Every column of every model
must read the same columns the same way, end at the same origins with the same pii
classification (finlake/lineage/compare.py; a difference an engine's macro makes on purpose is
listed there), and every gold contract column must be traced on all three.
"""

from __future__ import annotations

import time

import pytest

from finlake.build import project_root
from finlake.lineage import compile_prod_offline
from finlake.lineage.compare import column_graph, differences
from finlake.lineage.graph import Lineage, build_lineage, read_manifest
from tests.trino.conftest import COSTS


def lineage_of(manifest, target: str) -> Lineage:
    assert manifest is not None and manifest.is_file(), (
        f"the {target} build wrote no manifest at {manifest}"
    )
    return build_lineage(read_manifest(manifest), target, project=project_root())


@pytest.fixture(scope="module")
def lineages(parity_run, tmp_path_factory) -> dict[str, Lineage]:
    started = time.perf_counter()
    prod = compile_prod_offline(tmp_path_factory.mktemp("lineage-prod"))
    timings = {"prod compiled offline": time.perf_counter() - started}
    out = {}
    for target, manifest in (
        ("dev", parity_run.dev.manifest),
        ("trino", parity_run.trino.manifest),
        ("prod", prod),
    ):
        started = time.perf_counter()
        out[target] = lineage_of(manifest, target)
        timings[target] = time.perf_counter() - started
    COSTS["lineage"] = ", ".join(f"{name} {seconds:.0f}s" for name, seconds in timings.items())
    return out


def test_every_gold_contract_column_is_traced_on_every_target(lineages):
    for target, lineage in lineages.items():
        assert not lineage.untraced_gold(), (target, lineage.untraced_gold())
        assert len(lineage.gold_contract_columns()) > 200, target


def test_every_column_has_the_same_lineage_on_dev_trino_and_prod(lineages):
    assert len(column_graph(lineages["dev"])) > 800, "fewer compiled columns than expected"
    found = differences(lineages)
    assert found == [], f"{len(found)} difference(s) between targets: " + "; ".join(found[:5])
