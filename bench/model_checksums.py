"""Checksums of every silver and gold relation of a dev warehouse, saved and compared: proof that
a refactoring of the SQL left the results unchanged.

    python bench/model_checksums.py save --lake DIR before.json
    # ... change the SQL, `finlake build --lake DIR` again ...
    python bench/model_checksums.py compare --lake DIR before.json

Per relation (tables and views of the layers, --layers silver gold by default): its columns with
their types, its row count and an order-independent checksum of its rows (finlake/parity.py's
canonical text of each value, so doubles are compared to 9 significant digits and summation
order cannot make two equal builds differ). `compare` exits 1 and names every relation whose
columns, types, row count or checksum changed, or that appeared or disappeared.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from finlake import parity
from finlake.lake import Lake


def relation_checksums(warehouse: Path, schemas: list[str]) -> dict[str, dict]:
    """{schema.name: {columns: [[name, type], ...], rows: N, checksum: hex}} of every relation."""
    import duckdb

    out: dict[str, dict] = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        names = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in (select unnest(?)) order by 1, 2",
            [schemas],
        ).fetchall()
        for schema, name in names:
            columns = con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = ? and table_name = ? order by ordinal_position",
                [schema, name],
            ).fetchall()
            cursor = con.execute(f'select * from "{schema}"."{name}"')
            table = parity.Table(name, [d[0] for d in cursor.description], cursor.fetchall())
            doubles = parity.double_columns(table)
            rows = parity.canonical_rows(table, [c.lower() for c in table.columns], doubles)
            out[f"{schema}.{name}"] = {
                "columns": [list(c) for c in columns],
                "rows": len(table.rows),
                "checksum": parity.checksum(rows),
            }
    return out


def differences(before: dict[str, dict], after: dict[str, dict]) -> list[str]:
    """One line per relation that is not the same in both."""
    lines = []
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old is None or new is None:
            lines.append(f"{name}: {'appeared' if old is None else 'disappeared'}")
        elif old != new:
            what = [k for k in ("columns", "rows", "checksum") if old[k] != new[k]]
            lines.append(f"{name}: {', '.join(what)} changed ({old['rows']} -> {new['rows']} rows)")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("save", "compare"))
    parser.add_argument("file", type=Path, help="the saved checksums (JSON)")
    parser.add_argument(
        "--lake", default=None, help="lake folder (default: $FINLAKE_LAKE or ./lake)"
    )
    parser.add_argument("--layers", nargs="+", default=["silver", "gold"])
    args = parser.parse_args(argv)
    lake = Lake.resolve(args.lake)
    if not lake.warehouse.is_file():
        print(f"model_checksums: no warehouse at {lake.warehouse}; run `finlake build` first.")
        return 2
    now = relation_checksums(lake.warehouse, parity.layer_schemas(args.layers))
    if args.action == "save":
        args.file.write_text(json.dumps(now, indent=1, sort_keys=True) + "\n")
        print(f"model_checksums: {len(now)} relations saved to {args.file}")
        return 0
    if not args.file.is_file():
        print(f"model_checksums: {args.file} does not exist; run `save` on the old build first.")
        return 2
    changed = differences(json.loads(args.file.read_text()), now)
    for line in changed:
        print(f"  {line}")
    print(
        f"model_checksums: {len(now)} relations, "
        + (f"{len(changed)} differ from {args.file}" if changed else f"all equal to {args.file}")
    )
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
