"""The column lineage does not depend on the engine that compiled the project.

`finlake lineage` reads the compiled SQL of one target. An auditor reads the lineage of prod
(Athena) while the tests mostly build dev (DuckDB); the dispatched macros write different SQL
for each engine, so the lineage is computed here from both of the parity suite's builds of the
tiny preset -- dev, and trino (Athena's engine) -- and every column of every silver and gold
model must come from the same landing columns, seeds and constants, with the same pii
classification, and every gold contract column must be traced on both.
"""

from __future__ import annotations

from finlake.build import project_root
from finlake.lineage.graph import Lineage, build_lineage, read_manifest


def lineage_of(build) -> Lineage:
    assert build.manifest is not None and build.manifest.is_file(), (
        f"the {build.target} build wrote no manifest at {build.manifest}"
    )
    return build_lineage(read_manifest(build.manifest), build.target, project=project_root())


def columns(lineage: Lineage) -> dict[tuple[str, str], dict]:
    """Every silver and gold column: where it comes from and how it is classified."""
    out = {}
    for dataset in lineage.datasets.values():
        if dataset.layer not in ("silver", "gold"):
            continue
        for column in dataset.columns:
            key = (dataset.name, column)
            out[key] = {
                "sources": sorted(lineage.sources_of(*key)),
                "classification": lineage.classification(*key),
            }
    return out


def test_every_column_has_the_same_lineage_on_dev_and_trino(parity_run):
    dev, trino = lineage_of(parity_run.dev), lineage_of(parity_run.trino)
    assert not dev.untraced_gold(), dev.untraced_gold()
    assert not trino.untraced_gold(), trino.untraced_gold()
    on_dev, on_trino = columns(dev), columns(trino)
    assert len(on_dev) > 500, f"only {len(on_dev)} silver and gold columns on dev"
    assert sorted(set(on_dev) ^ set(on_trino)) == [], "the two targets have different columns"
    differ = [
        f"{d}.{c}: dev {on_dev[d, c]} / trino {on_trino[d, c]}"
        for d, c in sorted(on_dev)
        if on_dev[d, c] != on_trino[d, c]
    ]
    assert differ == [], f"{len(differ)} columns differ, e.g. " + "; ".join(differ[:5])
