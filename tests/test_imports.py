"""The floor plan, checked: the project's packages import each other without a cycle, and the
kernel imports nothing above it.

The imports are read from the source (ast), not executed, and an import inside a function counts
like one at the top of the module: a lazy import hides a cycle from Python, not from a reader.

Layers, bottom to top (docs/architecture.md, "Layers of the code"):

    kernel      finlake.errors, environ, lake, contract, java, spark, progress, lease: import no project
                module outside the kernel
    stages      finlake.generator, ingestion, finlake.build (+ parity, summary), ml, tools:
                each imports the kernel and its own modules
    pipeline    finlake.pipeline: each stage as a function of (Lake, options), and the demo
    entries     finlake.cli, finlake.__main__, ingestion.glue_job, ingestion.cli: the command
                lines; they call the pipeline and nothing imports them

`python -m tests.test_imports` prints the module graph's cycles and the package graph.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("finlake", "ingestion", "ml", "tools")
KERNEL = (
    "finlake.errors",
    "finlake.environ",
    "finlake.lake",
    "finlake.contract",
    "finlake.java",
    "finlake.spark",
    "finlake.progress",
    "finlake.lease",
)
# Command lines: they sit above the pipeline whatever package holds their file (the Glue job's
# script must stay ingestion/glue_job.py, terraform/modules/ingestion_job uploads it).
ENTRIES = ("finlake.cli", "finlake.__main__", "ingestion.glue_job", "ingestion.cli")


def module_name(path: Path, root: Path = REPO) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules(root: Path = REPO, packages: Iterable[str] = PACKAGES) -> dict[str, Path]:
    out = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            out[module_name(path, root)] = path
    return out


def _imported(node: ast.AST, module: str, is_package: bool) -> list[str]:
    """The dotted names one import statement asks for (`from a import b` gives a.b and a)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module or ""
    if node.level:  # relative: from the module's package, one level up per extra dot
        package = module.split(".") if is_package else module.split(".")[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join([*package, base] if base else package)
    return [base, *(f"{base}.{alias.name}" for alias in node.names)]


@functools.cache
def parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), str(path))


def import_graph(root: Path = REPO, packages: Iterable[str] = PACKAGES) -> dict[str, set[str]]:
    """module -> the project modules it imports (anywhere in its body)."""
    modules = project_modules(root, packages)
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = parsed(path)
        targets: set[str] = set()
        for node in ast.walk(tree):
            for dotted in _imported(node, name, path.name == "__init__.py"):
                # the deepest project module the name reaches (a.b.func -> a.b)
                parts = dotted.split(".")
                while parts and ".".join(parts) not in modules:
                    parts.pop()
                if parts and ".".join(parts) != name:
                    targets.add(".".join(parts))
        graph[name] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one node (Tarjan), each as a cycle
    through its nodes where one is found, sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:  # iterative enough for this tree's depth
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(_cycle_in(graph, set(component)))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def _cycle_in(graph: dict[str, set[str]], component: set[str]) -> list[str]:
    """One cycle inside a strongly connected component, as a path back to its start."""
    start = min(component)
    previous = {start: None}
    queue = [start]
    while queue:  # breadth first: the shortest way back to start
        v = queue.pop(0)
        for w in sorted(graph[v] & component):
            if w == start:
                path = [v]
                while previous[path[-1]] is not None:
                    path.append(previous[path[-1]])
                return [*reversed(path), start]
            if w not in previous:
                previous[w] = v
                queue.append(w)
    return sorted(component)


def _within(module: str, prefixes: Iterable[str]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def package_of(module: str) -> str:
    """The unit of the package graph: the kernel, an entry, else the first two name parts
    below finlake and tools (finlake.generator, tools.trino), the top package elsewhere."""
    if _within(module, KERNEL):
        return "finlake(kernel)"
    if _within(module, ENTRIES):
        return "(entries)"
    parts = module.split(".")
    if parts[0] in ("finlake", "tools") and len(parts) > 1:
        return ".".join(parts[:2])
    return parts[0]


def package_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for module, targets in graph.items():
        mine = package_of(module)
        out.setdefault(mine, set())
        out[mine] |= {package_of(t) for t in targets} - {mine}
    return out


def _describe(found: list[list[str]]) -> str:
    return "; ".join(" -> ".join(c) for c in found)


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph()


def test_no_module_imports_another_that_imports_it_back(graph):
    found = cycles(graph)
    assert not found, (
        f"{len(found)} import cycle(s) between modules: {_describe(found)}; move what both need "
        "into a module below them (docs/architecture.md, Layers of the code)."
    )


def test_no_cycle_between_packages(graph):
    found = cycles(package_graph(graph))
    assert not found, (
        f"{len(found)} import cycle(s) between packages: {_describe(found)}; the composition "
        "belongs in finlake.pipeline, above the stages (docs/architecture.md, Layers of the code)."
    )


def test_the_kernel_imports_nothing_above_it(graph):
    above = {
        f"{m} imports {t}"
        for m, targets in graph.items()
        if _within(m, KERNEL)
        for t in targets
        if not _within(t, KERNEL) and t != "finlake"
    }
    assert not above, f"the kernel imports from above it: {', '.join(sorted(above))}."


def test_nothing_imports_an_entry_point(graph):
    importers = {
        f"{m} imports {t}"
        for m, targets in graph.items()
        if not _within(m, ENTRIES)
        for t in targets
        if _within(t, ENTRIES)
    }
    assert not importers, (
        f"an entry point is imported by library code: {', '.join(sorted(importers))}; "
        "call finlake.pipeline instead."
    )


# Steps of the pipeline each called from one place (finlake/pipeline.py), whoever runs it: the
# CLI, python -m ingestion.cli, the Glue job, the test fixtures. `local_session` also stays in
# ml's own entries (python -m ml.train, the notebook's local fallback).
CALLED_ONLY_FROM = {
    "raise_for_problems": {"finlake/pipeline.py"},
    "load_landing": {"finlake/pipeline.py"},
    "local_session": {"finlake/pipeline.py", "ml/train.py", "ml/runtime.py"},
}


def test_each_step_of_the_pipeline_is_called_from_one_place():
    paths = [*project_modules().values(), REPO / "tests" / "conftest.py"]
    callers = {name: set() for name in CALLED_ONLY_FROM}
    for path in paths:
        for node in ast.walk(parsed(path)):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name in callers:
                    callers[name].add(path.relative_to(REPO).as_posix())
    extra = {
        n: sorted(c - CALLED_ONLY_FROM[n]) for n, c in callers.items() if c - CALLED_ONLY_FROM[n]
    }
    assert not extra, (
        f"pipeline steps called outside finlake/pipeline.py: {extra}; call the stage "
        "(finlake.pipeline) instead of repeating its steps."
    )


def test_the_walk_finds_a_cycle_and_names_it(tmp_path, graph):
    """The checks above cannot pass by reading nothing: a planted pair is found and named."""
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("def f():\n    from pkg.b import g\n")
    (pkg / "b.py").write_text("from . import a\n")
    (pkg / "c.py").write_text("import pkg.a\n")
    toy = import_graph(tmp_path, ["pkg"])
    assert toy["pkg.a"] == {"pkg.b"} and toy["pkg.b"] == {"pkg", "pkg.a"}
    assert cycles(toy) == [["pkg.a", "pkg.b", "pkg.a"]]
    assert len(graph) > 50  # the real tree was read


if __name__ == "__main__":  # the figures for a note: python -m tests.test_imports
    g = import_graph()
    edges = sum(len(t) for t in g.values())
    print(f"modules {len(g)}, import edges {edges}")
    for label, graph in (("module", g), ("package", package_graph(g))):
        found = cycles(graph)
        print(f"{label} cycles: {len(found)}")
        for c in found:
            print("  " + " -> ".join(c))
    print("package graph:")
    for package, targets in sorted(package_graph(g).items()):
        print(f"  {package} -> {', '.join(sorted(targets)) or '-'}")
