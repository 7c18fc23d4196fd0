"""Governance checks over dbt's manifest: what an auditor expects of every model.

models_without_grain  models with no test of their grain (primary key)
ungoverned_models     silver and gold models without an owning group, exposed marts that are not public
column_meta, meta_mismatches, write_column_meta
                      the pii classification of each silver and gold column, from the lineage, in the
                      model YAML's column `meta` (`finlake lineage --write-meta` writes it)

A model's grain is tested when one of these tests is attached to it: `unique` on a column (the
key), `unique_combination_of_columns` (a compound key), or a singular test that depends on the
model and names it in its config, `meta: {grain: <model>}` or a list of models (for a model
whose YAML is another file's, or views whose key is proven on the table that unions them). A
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
        grain_of = ((node.get("config") or {}).get("meta") or {}).get("grain") or ()
        names = {grain_of} if isinstance(grain_of, str) else set(grain_of)
        for unique_id in node["depends_on"]["nodes"]:
            if unique_id in found and models[unique_id]["name"] in names:
                found[unique_id].append(node["name"])
    return found


def models_without_grain(manifest: dict) -> list[str]:
    """The names of the models no test states the grain of, sorted."""
    models = _models(manifest)
    return sorted(
        models[unique_id]["name"] for unique_id, tests in grain_tests(manifest).items() if not tests
    )


# Column classification written into the model YAML as `meta` (from the landing contract's pii
# flags, carried along the lineage by Lineage.classification): `restricted` for a column that
# holds a personal value as delivered, `confidential` for one computed from one (a token, a
# band, a score or count that reads it). Columns without meta are `internal`.
CLASSIFICATION = {"pii": "restricted", "pii_derived": "confidential"}
META_LAYERS = ("silver", "gold")


def column_meta(lineage, layers: tuple[str, ...] = META_LAYERS) -> dict[tuple[str, str], dict]:
    """(model, column) -> the meta its YAML must carry, for every flagged column of `layers`."""
    out = {}
    for dataset in lineage.datasets.values():
        if dataset.layer not in layers:
            continue
        for column in dataset.columns:
            found = lineage.classification(dataset.name, column)
            if not (found["pii"] or found["pii_derived"]):
                continue
            out[(dataset.name, column)] = {
                "pii": found["pii"],
                "pii_derived": found["pii_derived"],
                "classification": CLASSIFICATION["pii" if found["pii"] else "pii_derived"],
                "pii_sources": found["pii_sources"],
            }
    return out


def meta_mismatches(manifest: dict, lineage, layers: tuple[str, ...] = META_LAYERS) -> list[str]:
    """Columns of `layers` whose YAML meta differs from what the lineage says: a column derived
    from pii without the flag, or a flag on a column the lineage does not derive from pii."""
    expected = column_meta(lineage, layers)
    models = {
        node["name"]: node
        for node in _models(manifest).values()
        if node["name"] in lineage.datasets and lineage.datasets[node["name"]].layer in layers
    }
    problems = []
    for name, node in sorted(models.items()):
        for column in lineage.datasets[name].columns:
            meta = ((node.get("columns") or {}).get(column) or {}).get("meta") or {}
            have = {
                k: meta[k]
                for k in ("pii", "pii_derived", "classification", "pii_sources")
                if k in meta
            }
            want = expected.get((name, column), {})
            if have != want:
                problems.append(f"{name}.{column}")
    return problems


def write_column_meta(
    manifest: dict, lineage, project, layers: tuple[str, ...] = META_LAYERS
) -> list:
    """Rewrite the `meta:` of every column of `layers` in the model YAML (where the manifest says
    each model's YAML is) to what the lineage says; returns the files changed."""
    from pathlib import Path

    expected = column_meta(lineage, layers)
    files: dict[str, set[str]] = {}
    for node in _models(manifest).values():
        dataset = lineage.datasets.get(node["name"])
        if dataset is None or dataset.layer not in layers or not node.get("patch_path"):
            continue
        files.setdefault(node["patch_path"].split("://", 1)[-1], set()).add(node["name"])
    changed = []
    for relative, names in sorted(files.items()):
        path = Path(project) / relative
        text = path.read_text()
        new = _rewrite_meta(text, names, expected)
        if new != text:
            path.write_text(new)
            changed.append(path)
    return changed


PII_META_KEYS = ("pii", "pii_derived", "classification", "pii_sources")


def _meta_lines(meta: dict, indent: int) -> list[str]:
    """The pii entries of a column's meta, `indent` spaces in (the meta: key's own is above)."""
    pad = " " * indent
    sources = ", ".join(meta["pii_sources"])
    return [
        f"{pad}pii: {str(meta['pii']).lower()}\n",
        f"{pad}pii_derived: {str(meta['pii_derived']).lower()}\n",
        f"{pad}classification: {meta['classification']}\n",
        f"{pad}pii_sources: [{sources}]\n",
    ]


def _other_meta(lines: list[str], indent: int) -> list[str]:
    """The entries of a column's meta block (below `meta:`, keys `indent` spaces in) that are not
    the pii keys: the critical-data-element register (`cde:`) and anything else written by hand
    stays."""
    import re

    kept, keep = [], False
    for line in lines:
        key = re.match(rf"^ {{{indent}}}(\w+):", line)
        if key:
            keep = key.group(1) not in PII_META_KEYS
        if keep:
            kept.append(line)
    return kept


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _rewrite_meta(text: str, models: set[str], expected: dict) -> str:
    """The YAML text with each column block of `models` ending in its expected meta (and no
    other meta): a text edit, so comments and layout stay as written. Either layout of a list
    under its key is read: indented (`models:` / `  - name:`, as written by hand) or not
    (`models:` / `- name:`, as PyYAML writes the starting files of finlake/contract)."""
    import re

    lines = text.splitlines(keepends=True)
    out: list[str] = []
    model = None
    model_at = None  # indent of the `- name:` of the models
    columns_key = False  # the current model's `columns:` key was the last key seen
    column_at = None  # indent of the `- name:` of the current model's columns
    in_models = False
    i = 0
    while i < len(lines):
        line = lines[i]
        out.append(line)
        i += 1
        if re.match(r"^[^\s#-]", line):  # a top-level section (models:, unit_tests:, ...)
            in_models = line.startswith("models:")
            model = None
            continue
        item = re.match(r"^( *)- name: (\S+)\s*$", line)
        if in_models and item and model_at in (None, len(item.group(1))):
            model_at = len(item.group(1))
            model, columns_key, column_at = item.group(2), False, None
            continue
        if model is None:
            continue
        if re.match(r"^ *columns:\s*$", line) and _indent(line) == model_at + 2:
            columns_key, column_at = True, None
            continue
        if not (item and columns_key and len(item.group(1)) > model_at):
            if line.strip() and _indent(line) == model_at + 2:
                columns_key = False  # another key of the model
            continue
        if column_at is None:
            column_at = len(item.group(1))
        if len(item.group(1)) != column_at or model not in models:
            continue
        key_at = column_at + 2
        block = []
        while i < len(lines) and lines[i].strip() and _indent(lines[i]) > column_at:
            block.append(lines[i])
            i += 1
        kept, meta_block, in_meta = [], [], False
        for entry in block:
            if entry.strip() and _indent(entry) <= key_at:
                in_meta = entry.startswith(" " * key_at + "meta:")
            (meta_block if in_meta else kept).append(entry)
        others = _other_meta(meta_block[1:], key_at + 2)
        meta = expected.get((model, item.group(2)))
        if meta or others:
            pad = " " * key_at
            kept += [f"{pad}meta:\n", *(_meta_lines(meta, key_at + 2) if meta else []), *others]
        out.extend(kept)
    return "".join(out)


def ungoverned_models(manifest: dict, layers: tuple[str, ...] = ("silver", "gold")) -> list[str]:
    """Models of `layers` without an owning group, and models an exposure reads that are not
    `access: public`, each named with what is missing."""
    from pathlib import Path

    models = _models(manifest)
    problems = []
    for node in models.values():
        parts = Path(node.get("original_file_path", "")).parts
        if len(parts) > 1 and parts[1] in layers and not node.get("group"):
            problems.append(f"{node['name']}: no group")
    for exposure in manifest.get("exposures", {}).values():
        for unique_id in exposure["depends_on"]["nodes"]:
            node = models.get(unique_id)
            if node is not None and node.get("access") != "public":
                problems.append(
                    f"{node['name']}: read by exposure {exposure['name']} but not public"
                )
    return sorted(set(problems))


def marts_without_primary_key(manifest: dict) -> list[str]:
    """Models with an enforced contract that declare no primary_key constraint (on the model or
    on a column): the key DuckDB enforces and Athena's and Trino's catalogs document."""
    missing = []
    for node in _models(manifest).values():
        if not (node.get("contract") or {}).get("enforced"):
            continue
        constraints = list(node.get("constraints") or [])
        for column in (node.get("columns") or {}).values():
            constraints += column.get("constraints") or []
        if not any(c.get("type") == "primary_key" for c in constraints):
            missing.append(node["name"])
    return sorted(missing)


# The critical data elements a regulator asks about (BCBS 239): each is the `cde:` entry of its
# column's meta in the model YAML, with owner (a group), definition, lineage path, the tests that
# guard it and the reconciliation that proves it. docs/governance.md is the register's page.
CRITICAL_DATA_ELEMENTS = (
    "exposure_at_default",
    "probability_of_default",
    "expected_loss_12m",
    "default_flag",
    "ctr_cash_in_amount",
)


def cde_register(manifest: dict) -> list[dict]:
    """Every column meta `cde:` of the project's models, with its model, column and the owning
    group's owner, sorted by name."""
    groups = {g["name"]: g for g in manifest.get("groups", {}).values()}
    register = []
    for node in _models(manifest).values():
        for column, spec in (node.get("columns") or {}).items():
            cde = (spec.get("meta") or {}).get("cde")
            if not cde:
                continue
            owner = (groups.get(cde.get("owner")) or {}).get("owner") or {}
            register.append(
                {
                    **cde,
                    "model": node["name"],
                    "column": column,
                    "owner_name": owner.get("name"),
                    "owner_email": owner.get("email"),
                }
            )
    return sorted(register, key=lambda c: c["name"])


def cde_problems(manifest: dict) -> list[str]:
    """What the register lacks: a critical data element with no entry, an owner that is not a
    group, a test or reconciliation the manifest does not hold, or a reconciliation not listed
    among its tests."""
    tests = {n["name"] for n in manifest["nodes"].values() if n["resource_type"] == "test"}
    tests |= {u["name"] for u in manifest.get("unit_tests", {}).values()}
    register = cde_register(manifest)
    problems = [
        f"{name}: no column carries it"
        for name in CRITICAL_DATA_ELEMENTS
        if name not in {c["name"] for c in register}
    ]
    for cde in register:
        where = f"{cde['name']} ({cde['model']}.{cde['column']})"
        for key in ("definition", "lineage", "reconciliation"):
            if not cde.get(key):
                problems.append(f"{where}: no {key}")
        if not cde.get("owner_name"):
            problems.append(f"{where}: owner {cde.get('owner')!r} is not a group with an owner")
        for test in cde.get("tests") or []:
            if test not in tests:
                problems.append(f"{where}: test {test} is not in the manifest")
        if cde.get("reconciliation") not in (cde.get("tests") or []):
            problems.append(
                f"{where}: reconciliation {cde.get('reconciliation')} is not among its tests"
            )
        if not cde.get("tests"):
            problems.append(f"{where}: no tests")
    return problems
