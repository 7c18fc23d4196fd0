"""Is the compiled SQL of two versions of the project the same query, layout aside?

Used to prove that formatting (`sqlfluff fix`, hand re-wrapping) changed no model's
meaning: compile both versions, parse every node's compiled SQL with sqlglot and compare
a canonical form that ignores what formatting may change and nothing else:

- whitespace, comments and the case of keywords (window frames included), functions and
  unquoted identifiers;
- an explicit `asc` (the default order) in `order by`;
- which side of a comparison an operand is written on (`a < b` is `b > a`).

Anything else -- a different column, alias, join, function or literal -- is a difference.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import sqlglot
from sqlglot import exp

_MIRROR = {exp.GT: exp.LT, exp.LT: exp.GT, exp.GTE: exp.LTE, exp.LTE: exp.GTE}
_SYMMETRIC = (exp.EQ, exp.NEQ, exp.NullSafeEQ, exp.NullSafeNEQ)


def _canonical(node: exp.Expression) -> exp.Expression:
    node.comments = None
    if isinstance(node, exp.WindowSpec):  # frame words are kept as written: `rows`, `ROWS`
        for key in ("kind", "start", "start_side", "end", "end_side"):
            if isinstance(node.args.get(key), str):
                node.set(key, node.args[key].upper())
    if isinstance(node, exp.Ordered) and not node.args.get("desc"):
        node.set("desc", None)  # `x asc` is `x`
    if isinstance(node, (*_SYMMETRIC, *_MIRROR)):
        left, right = node.left, node.right
        if left.sql() > right.sql():
            mirrored = _MIRROR.get(type(node), type(node))
            return mirrored(this=right, expression=left)
    return node


def normalise(sql: str, dialect: str) -> str:
    """The canonical text of `sql` (one or more statements) in `dialect`."""
    statements = sqlglot.parse(sql, read=dialect)
    out = []
    for statement in statements:
        if statement is None:
            continue
        statement = statement.transform(_canonical, copy=True)
        out.append(statement.sql(dialect=dialect, normalize=True, comments=False))
    return ";\n".join(out)


def compiled_nodes(target_path: Path) -> dict[str, tuple[str, str]]:
    """unique_id -> (original file path, compiled SQL) of every compiled node."""
    manifest = json.loads((target_path / "manifest.json").read_text())
    return {
        uid: (node["original_file_path"], node["compiled_code"])
        for uid, node in manifest["nodes"].items()
        if node.get("compiled_code")
    }


@dataclass(frozen=True)
class Difference:
    node: str
    path: str
    detail: str

    def __str__(self) -> str:
        return f"{self.path} [{self.node}]: {self.detail}"


def compare(before: Path, after: Path, dialect: str) -> list[Difference]:
    """Nodes whose compiled SQL under `after` is not the same query as under `before`."""
    a, b = compiled_nodes(before), compiled_nodes(after)
    differences = [
        Difference(uid, a[uid][0], "compiled only in the first version")
        for uid in a.keys() - b.keys()
    ]
    differences += [
        Difference(uid, b[uid][0], "compiled only in the second version")
        for uid in b.keys() - a.keys()
    ]
    for uid in sorted(a.keys() & b.keys()):
        if normalise(a[uid][1], dialect) != normalise(b[uid][1], dialect):
            differences.append(Difference(uid, b[uid][0], "compiled SQL differs"))
    return sorted(differences, key=lambda d: d.node)
