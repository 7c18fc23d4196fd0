"""Rendering one chunk's rows into landing-file bytes: defects, duplicates, line assembly.

This runs in worker processes; the parent only appends the bytes to the files in chunk order
and turns the block-relative line numbers of defects into file line numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from finlake.contract import Entity
from finlake.generator import textcsv as t
from finlake.generator.chunk import EntityRows
from finlake.generator.defects import (
    COPY_KINDS,
    ENCODING_SENTINEL,
    EXPECTED,
    LINE_KINDS,
    DefectInjector,
    Tag,
    break_line,
    set_values,
)
from finlake.generator.files import FilePlan


@dataclass
class FileBlock:
    file: int  # index into plan.files[entity]
    data: bytes
    lines: int  # physical lines
    rows: int
    # (line within the block, 1-based; kind; key; column; expected outcome; detail)
    defects: list[tuple[int, str, str, str, str, str]] = field(default_factory=list)


def next_files(plan: FilePlan, entity: str) -> np.ndarray:
    """For each file, the first file of a later extract day (-1 if none): where re-sends land."""
    specs = plan.files[entity]
    out = np.full(len(specs), -1, dtype=np.int64)
    for i, s in enumerate(specs):
        later = [j for j, o in enumerate(specs) if o.day > s.day and o.seq is None]
        out[i] = later[0] if later else -1
    return out


def render_entity(
    rows: EntityRows,
    entity: Entity,
    plan: FilePlan,
    rng: np.random.Generator,
    injector: DefectInjector,
) -> list[FileBlock]:
    n = rows.table.num_rows
    specs = plan.files[entity.name]
    after = next_files(plan, entity.name)
    file_idx = plan.index(entity.name, rows.day, rng)
    chosen = injector.choose(n, after[file_idx] >= 0) if n else {}
    table, tags = injector.apply_values(rows.table, chosen) if chosen else (rows.table, {})
    if entity.name == "accounts" and injector.rate > 0:
        _late_parents(table, specs, after, file_idx, tags, rng)

    tag_list: list[Tag] = list(tags.values())
    tag_rows = np.fromiter(tags.keys(), dtype=np.int64, count=len(tags))
    is_copy = np.array([tg.kind in COPY_KINDS for tg in tag_list], dtype=bool)
    # Originals of copied rows stay clean; the copy carries the defect.
    base_tag = np.full(n, -1, dtype=np.int64)
    base_tag[tag_rows[~is_copy]] = np.nonzero(~is_copy)[0]
    copy_ids = np.nonzero(is_copy)[0]
    copy_rows = tag_rows[copy_ids]
    resent = np.array([tag_list[i].kind == "resent" for i in copy_ids], dtype=bool)

    src = np.concatenate([np.arange(n), copy_rows])
    fidx = np.concatenate(
        [file_idx, np.where(resent, after[file_idx[copy_rows]], file_idx[copy_rows])]
    )
    key = np.concatenate(
        [
            np.arange(n, dtype=np.float64),
            np.where(
                resent,
                rng.random(len(copy_rows)) * n,
                copy_rows + rng.uniform(0.5, 30, len(copy_rows)),
            ),
        ]
    )
    tag_id = np.concatenate([base_tag, copy_ids])
    order = np.lexsort((key, fidx))
    src, fidx, tag_id = src[order], fidx[order], tag_id[order]

    blocks = []
    bounds = np.r_[0, np.nonzero(np.diff(fidx))[0] + 1, len(fidx)]
    for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
        if a == b:
            continue
        spec = specs[fidx[a]]
        part = table.take(pa.array(src[a:b]))
        lines = t.join_lines([part.column(c).combine_chunks() for c in spec.columns], spec.eol)
        tagged = np.nonzero(tag_id[a:b] >= 0)[0]
        broken = {
            int(j): tag_list[tag_id[a + j]]
            for j in tagged
            if tag_list[tag_id[a + j]].kind in LINE_KINDS
        }
        if broken:
            lines = _break_lines(rng, lines, broken, spec.eol)
        data = t.to_bytes(lines)
        if ENCODING_SENTINEL.encode() in data:
            data = data.replace(ENCODING_SENTINEL.encode(), b"\xe9")
        physical = t.newline_counts(lines)
        start = np.cumsum(physical) - physical + 1
        block = FileBlock(int(fidx[a]), data, int(physical.sum()), b - a)
        if len(tagged):
            keys = rows.key.take(pa.array(src[a:b][tagged])).to_pylist()
            for j, k in zip(tagged.tolist(), keys):
                tg = tag_list[tag_id[a + j]]
                block.defects.append(
                    (int(start[j]), tg.kind, k or "", tg.column, EXPECTED[tg.kind], tg.detail)
                )
        blocks.append(block)
    return blocks


def _break_lines(rng, lines: pa.Array, broken: dict[int, Tag], eol: str) -> pa.Array:
    changes = {}
    for j, tg in broken.items():
        line = lines[j].as_py()[: -len(eol)]
        if tg.kind == "malformed_quote" and ('"' in line or "\n" in line):
            tg.kind = "malformed_field_count"  # this line cannot take the quoting defect cleanly
        changes[j] = break_line(rng, tg.kind, line) + eol
        tg.detail = (
            "wrong field count"
            if tg.kind == "malformed_field_count"
            else "text after a closing quote"
        )
    return set_values(lines, changes)


def _late_parents(table: pa.Table, specs, after, file_idx, tags, rng) -> None:
    """Some new accounts' first record arrives a day after their first transactions."""
    opened = np.array(table.column("opened_date").to_pylist(), dtype=object)
    file_date = np.array([str(np.datetime64(s.day, "D")) for s in specs], dtype=object)
    candidates = np.nonzero((opened == file_date[file_idx]) & (after[file_idx] >= 0))[0]
    for i in candidates.tolist():
        if i not in tags and specs[file_idx[i]].seq is None and rng.random() < 0.3:
            file_idx[i] = after[file_idx[i]]
            tags[i] = Tag(
                "late_arriving_parent", "", "account record delivered a day after it opened"
            )
