"""Dirty data, as the contract's "reality" clause promises, injected at a configurable rate and
logged line by line in _truth/defects.csv.

Every defect kind has an expected outcome downstream, so tests can check the pipeline's
quarantine and de-duplication against what was actually injected:

  kind                   where                         expected
  exact_duplicate        same line twice in a file     duplicate_removed
  resent                 same line in a later file     duplicate_removed
  null_required          a required field empty        quarantine
  bad_date               a date that does not parse    quarantine
  amount_with_symbol     "$1,234.50"                   corrected (unambiguous)
  amount_unparseable     "1.234,50", "N/A"             quarantine
  unknown_enum           a value outside the enum      quarantine
  whitespace_case        " CHECKING "                  corrected
  orphan_key             a reference to nothing        quarantine
  future_date            a date after the extract      quarantine
  out_of_range           credit score 999, amount < 0  quarantine
  late_arriving_parent   account record a day late     corrected (its orphans return)
  malformed_field_count  too many or too few fields    malformed
  malformed_quote        text after a closing quote    malformed
  bad_encoding           bytes that are not UTF-8      malformed
File-level features (bom, crlf, header_variant) are logged on line 1 with outcome `file_level`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from finlake.contract import Entity

KIND_WEIGHTS = {
    "exact_duplicate": 0.15,
    "resent": 0.12,
    "null_required": 0.10,
    "bad_date": 0.08,
    "amount_with_symbol": 0.07,
    "amount_unparseable": 0.05,
    "unknown_enum": 0.08,
    "whitespace_case": 0.10,
    "orphan_key": 0.07,
    "future_date": 0.04,
    "out_of_range": 0.04,
    "malformed_field_count": 0.05,
    "malformed_quote": 0.03,
    "bad_encoding": 0.02,
}
EXPECTED = {
    "exact_duplicate": "duplicate_removed",
    "resent": "duplicate_removed",
    "null_required": "quarantine",
    "bad_date": "quarantine",
    "amount_with_symbol": "corrected",
    "amount_unparseable": "quarantine",
    "unknown_enum": "quarantine",
    "whitespace_case": "corrected",
    "orphan_key": "quarantine",
    "future_date": "quarantine",
    "out_of_range": "quarantine",
    "late_arriving_parent": "corrected",
    "malformed_field_count": "malformed",
    "malformed_quote": "malformed",
    "bad_encoding": "malformed",
    "bom": "file_level",
    "crlf": "file_level",
    "header_variant": "file_level",
}
COPY_KINDS = ("exact_duplicate", "resent")
LINE_KINDS = ("malformed_field_count", "malformed_quote")
OUT_OF_RANGE = {
    "customers": "credit_score",
    "transactions": "amount",
    "loans": "term_months",
    "loan_payments": "amount_due",
}
TEXT_COLUMNS = {
    "customers": ("first_name", "last_name", "city"),
    "accounts": ("currency",),
    "transactions": ("merchant_name",),
    "loans": ("loan_type",),
    "loan_payments": ("payment_method",),
}
ENCODING_SENTINEL = "\x07"  # replaced by a lone 0xE9 byte (Latin-1 "é") once the text is bytes


@dataclass
class Tag:
    kind: str
    column: str
    detail: str


def applicable_kinds(entity: Entity) -> dict[str, float]:
    types = {c.name: c.base_type for c in entity.columns}
    has = {
        "resent": True,
        "bad_date": any(t in ("date", "timestamp") for t in types.values()),
        "amount_with_symbol": "decimal" in types.values(),
        "amount_unparseable": "decimal" in types.values(),
        "unknown_enum": "enum" in types.values(),
        "orphan_key": any(c.references for c in entity.columns),
        "out_of_range": entity.name in OUT_OF_RANGE,
        "bad_encoding": entity.name in TEXT_COLUMNS,
    }
    weights = {k: w for k, w in KIND_WEIGHTS.items() if has.get(k, True)}
    total = sum(weights.values())
    return {k: w / total for k, w in weights.items()}


class DefectInjector:
    """Chooses and applies row-level defects to one entity's rows for one chunk."""

    def __init__(self, rng: np.random.Generator, entity: Entity, rate: float, as_of_day: int):
        self.rng = rng
        self.entity = entity
        self.rate = rate
        self.as_of_day = as_of_day
        self.kinds = applicable_kinds(entity)

    def choose(self, n: int, can_resend: np.ndarray) -> dict[int, str]:
        """Row index -> defect kind, about `rate` of the rows, at most one defect per row."""
        if self.rate <= 0 or n == 0:
            return {}
        rows = np.nonzero(self.rng.random(n) < self.rate)[0]
        names = list(self.kinds)
        kinds = self.rng.choice(len(names), size=len(rows), p=list(self.kinds.values()))
        chosen = {}
        for r, k in zip(rows.tolist(), kinds.tolist()):
            kind = names[k]
            if kind == "resent" and not can_resend[r]:
                kind = "exact_duplicate"
            chosen[r] = kind
        return chosen

    def apply_values(
        self, table: pa.Table, chosen: dict[int, str]
    ) -> tuple[pa.Table, dict[int, Tag]]:
        """Mutate cells for value-level kinds; returns the new table and a tag per defective row."""
        cols = {name: table.column(name).combine_chunks() for name in table.column_names}
        edits: dict[str, dict[int, str | None]] = {}
        tags: dict[int, Tag] = {}
        ent = self.entity
        for row, kind in chosen.items():
            if kind in COPY_KINDS or kind in LINE_KINDS:
                tags[row] = Tag(kind, "", "")
                continue
            try:
                column, new = self._mutate(kind, row, cols)
            except _NoCandidate:
                column = None
            if column is None:
                continue
            edits.setdefault(column, {})[row] = new
            old = cols[column][row].as_py()
            tags[row] = Tag(kind, column, f"{old!r} -> {new!r}")
        for column, changes in edits.items():
            cols[column] = set_values(cols[column], changes)
        _ = ent
        return pa.table(cols), tags

    def _mutate(
        self, kind: str, row: int, cols: dict[str, pa.Array]
    ) -> tuple[str | None, str | None]:
        rng, ent = self.rng, self.entity

        def pick(options):
            if not options:
                raise _NoCandidate
            return options[int(rng.integers(0, len(options)))]

        value = lambda c: cols[c][row].as_py()  # noqa: E731
        if kind == "null_required":
            candidates = [c for c in ent.required_columns if value(c) is not None]
            column = pick(candidates)
            return column, None
        if kind == "bad_date":
            column = pick(
                [
                    c.name
                    for c in ent.columns
                    if c.base_type in ("date", "timestamp") and value(c.name)
                ]
            )
            return column, bad_date(rng, value(column))
        if kind in ("amount_with_symbol", "amount_unparseable"):
            candidates = [c.name for c in ent.columns if c.base_type == "decimal" and value(c.name)]
            if not candidates:
                return None, None
            column = pick(candidates)
            v = float(value(column))
            if kind == "amount_with_symbol":
                return column, pick(
                    [f"${v:,.2f}", f"{v:,.2f} ", f"USD {v:,.2f}"]
                ) if v >= 1000 else f"${v:.2f}"
            return column, pick(
                [
                    f"{v:,.2f}".replace(",", "_").replace(".", ",").replace("_", "."),
                    "N/A",
                    f"{v:.2f}.00",
                    "--",
                    f"{v:.1f}e",
                ]
            )
        if kind == "unknown_enum":
            column = pick([c.name for c in ent.columns if c.base_type == "enum" and value(c.name)])
            v = value(column)
            return column, pick(["unknown", "N/A", "other", v[:-1], v + "x"])
        if kind == "whitespace_case":
            codes = [
                c.name
                for c in ent.columns
                if (c.base_type == "enum" or c.name in ("currency", "country")) and value(c.name)
            ]
            if not codes:
                return None, None
            column = pick(codes)
            v = value(column)
            return column, pick(
                [
                    x
                    for x in (f"  {v.upper()} ", v.title(), f"{v}  ", f" {v}", v.upper(), v.lower())
                    if x != v
                ]
            )
        if kind == "orphan_key":
            column = pick([c.name for c in ent.columns if c.references])
            prefix = {"customer_id": "C9", "account_id": "A9", "loan_id": "L9"}[column]
            width = {"customer_id": 6, "account_id": 7, "loan_id": 7}[column]
            return column, prefix + str(int(rng.integers(0, 10**width))).zfill(width)
        if kind == "future_date":
            column = (
                ent.event_time
                or {
                    "customers": "customer_since",
                    "accounts": "opened_date",
                    "loans": "origination_date",
                }[ent.name]
            )
            day = self.as_of_day + int(rng.integers(400, 2000))
            text = str(np.datetime64(day, "D"))
            if ent.column(column).base_type == "timestamp":
                text += "T" + value(column).split("T", 1)[1]
            return column, text
        if kind == "out_of_range":
            column = OUT_OF_RANGE[ent.name]
            v = value(column)
            if column == "credit_score":
                return column, pick(["0", "999", "1200", "-1"])
            if column == "term_months":
                return column, pick(["0", "-12", "9999"])
            return column, "-" + (v or "1.00")
        if kind == "bad_encoding":
            candidates = [c for c in TEXT_COLUMNS[ent.name] if value(c)]
            if not candidates:
                return None, None
            column = pick(candidates)
            v = value(column)
            pos = int(rng.integers(0, len(v) + 1))
            return column, v[:pos] + ENCODING_SENTINEL + v[pos:]
        raise ValueError(kind)


class _NoCandidate(Exception):
    """The row has no field the defect kind could apply to (e.g. every enum field empty)."""


def bad_date(rng: np.random.Generator, value: str) -> str:
    date, _, rest = value.partition("T")
    y, m, d = date.split("-")
    options = [
        f"{y}-02-{30 + int(rng.integers(0, 2))}",
        f"{d}/{m}/{y}",
        f"{y}-13-{d}",
        f"{y}{m}{d}",
        f"{m}/{d}/{y}",
        "0000-00-00",
        f"{y}-{m}-{d} 25:61:00" if rest else f"{y}-{m}-32",
    ]
    out = options[int(rng.integers(0, len(options)))]
    return f"{out}T{rest}" if rest and "/" not in out and " " not in out else out


def set_values(arr: pa.Array, changes: dict[int, str | None]) -> pa.Array:
    """Replace values at the given positions."""
    rows = np.array(sorted(changes), dtype=np.int64)
    mask = np.zeros(len(arr), dtype=bool)
    mask[rows] = True
    replacement = pa.array([changes[r] for r in rows.tolist()], pa.string())
    # replace_with_mask cannot insert nulls from replacements reliably; do nulls separately.
    out = pc.replace_with_mask(arr, pa.array(mask), pc.fill_null(replacement, ""))
    null_rows = [r for r in rows.tolist() if changes[r] is None]
    if null_rows:
        null_mask = np.zeros(len(arr), dtype=bool)
        null_mask[null_rows] = True
        out = pc.if_else(pa.array(null_mask), pa.scalar(None, pa.string()), out)
    return out


def break_line(rng: np.random.Generator, kind: str, line: str) -> str:
    """Malform one CSV line (without its line ending)."""
    if kind == "malformed_field_count":
        if rng.random() < 0.5 and "," in line:
            return line[: line.rfind(",")]
        return line + ",UNEXPECTED"
    fields = line.split(",")
    j = int(rng.integers(1, len(fields)))
    fields[j] = f'"{fields[j]}"x'
    return ",".join(fields)
