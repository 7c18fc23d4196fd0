"""The ingestion package stays readable: no function over 60 lines or 6 parameters (self and
cls not counted), but the few listed here with the reason they are kept whole."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "ingestion"
MAX_LINES, MAX_PARAMETERS = 60, 6
KEPT = {
    # The vectorised record splitter's hot loops: one pass over a block, kept in one piece.
    "worker.py:parse_range": "lines",
    "rfc4180.py:split_records": "lines",
    "rfc4180.py:scan_quotes": "lines",
    # The stage's public signature: keyword-only options that callers on other branches use.
    "load.py:load_landing": "parameters",
}


def sizes(package: Path = PACKAGE) -> list[tuple[str, int, int]]:
    """(`module:function`, lines, parameters) for every function of the package."""
    out = []
    for path in sorted(package.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                a = node.args
                names = [x.arg for x in (*a.posonlyargs, *a.args, *a.kwonlyargs)]
                params = len([n for n in names if n not in ("self", "cls")])
                params += (a.vararg is not None) + (a.kwarg is not None)
                out.append((f"{path.name}:{node.name}", node.end_lineno - node.lineno + 1, params))
    return out


def test_no_function_is_too_long_or_takes_too_many_parameters():
    found = sizes()
    assert len(found) > 100 and "load.py:load_landing" in {n for n, _, _ in found}  # read
    too_big = [
        f"{name} ({lines} lines, {params} parameters)"
        for name, lines, params in sorted(found)
        if (lines > MAX_LINES and KEPT.get(name) != "lines")
        or (params > MAX_PARAMETERS and KEPT.get(name) != "parameters")
    ]
    assert not too_big, (
        f"{', '.join(too_big)} in ingestion/: over {MAX_LINES} lines or {MAX_PARAMETERS} "
        "parameters; split it, or pass the run's state (ingestion/state.py IngestRun)."
    )
