"""Governance checks over dbt's manifest: what an auditor expects of every model.

models_without_grain  models with no test of their grain (primary key)

A model's grain is tested when one of these tests is attached to it: `unique` on a column (the
key), `unique_combination_of_columns` (a compound key), or a singular test that names the model
in its config, `meta: {grain: <model>}` (for a model whose YAML is another file's). A
`primary_key` constraint does not count: only DuckDB enforces it; Athena and Trino accept it as
documentation (their adapters say so), so a test must still prove the key there.
"""

from __future__ import annotations

GRAIN_TESTS = frozenset({"unique", "unique_combination_of_columns"})


def _models(manifest: dict) -> dict[str, dict]:
    return {
        unique_id: node
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model"
        and node.get("package_name") == manifest_project(manifest)
    }


def manifest_project(manifest: dict) -> str:
    """The root project's name (the models of installed packages are not ours to test)."""
    return manifest.get("metadata", {}).get("project_name") or "finlake"


def grain_tests(manifest: dict) -> dict[str, list[str]]:
    """Model unique_id -> the names of the tests that state its grain."""
    models = _models(manifest)
    found: dict[str, list[str]] = {unique_id: [] for unique_id in models}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test":
            continue
        metadata = node.get("test_metadata") or {}
        attached = node.get("attached_node")
        if metadata.get("name") in GRAIN_TESTS and attached in found:
            found[attached].append(node["name"])
            continue
        grain_of = ((node.get("config") or {}).get("meta") or {}).get("grain")
        if grain_of:
            for unique_id in node["depends_on"]["nodes"]:
                if unique_id in found and models[unique_id]["name"] == grain_of:
                    found[unique_id].append(node["name"])
    return found


def models_without_grain(manifest: dict) -> list[str]:
    """The names of the models no test states the grain of, sorted."""
    models = _models(manifest)
    return sorted(
        models[unique_id]["name"] for unique_id, tests in grain_tests(manifest).items() if not tests
    )
