"""Landing files: which files exist, how each is written (header order, BOM, line endings), and
the sinks that append chunks to them while counting physical lines for the defect log."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from finlake.contract import Contract, Entity, landing_file_name
from finlake.generator.config import GeneratorConfig, from_day

SEQ2_SHARE = 0.1  # share of the last day's transactions delivered in a second file (_2)


@dataclass
class FileSpec:
    entity: str
    day: int
    seq: int | None
    columns: list[str]  # contract column names in the order they appear in this file
    header: list[str]  # header text as written (case, spacing may vary)
    bom: bool = False
    eol: str = "\n"

    @property
    def name(self) -> str:
        return landing_file_name(self.entity, from_day(self.day).strftime("%Y%m%d"), self.seq)


@dataclass
class Sink:
    spec: FileSpec
    path: Path
    handle: object = None
    lines: int = 0  # physical lines written so far, header included
    rows: int = 0  # records written
    bytes: int = 0

    def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = self.path.open("wb")
        head = (",".join(self.spec.header) + self.spec.eol).encode("utf-8")
        if self.spec.bom:
            head = b"\xef\xbb\xbf" + head
        self.write(head, lines=1, rows=0)

    def write(self, data: bytes, lines: int, rows: int) -> None:
        self.handle.write(data)
        self.lines += int(lines)
        self.rows += int(rows)
        self.bytes += len(data)

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None


@dataclass
class FilePlan:
    """Every landing file of a run, decided before any data is drawn."""

    files: dict[str, list[FileSpec]] = field(default_factory=dict)
    file_defects: list[tuple[FileSpec, str, str]] = field(default_factory=list)

    @classmethod
    def make(cls, cfg: GeneratorConfig, contract: Contract, rng: np.random.Generator) -> FilePlan:
        plan = cls()
        dirty = cfg.dirty_rate > 0
        for name, entity in contract.entities.items():
            specs = []
            for day in cfg.file_days.tolist():
                specs.append(FileSpec(name, day, None, entity.column_names, entity.column_names))
                last = cfg.as_of_day + cfg.extract_lag
                if name == "transactions" and day == last and cfg.days > 0:
                    specs.append(FileSpec(name, day, 2, entity.column_names, entity.column_names))
            if dirty:
                for i, spec in enumerate(specs):
                    if rng.random() < 0.15 or (name == "customers" and i == 0):
                        spec.bom = True
                        plan.file_defects.append(
                            (spec, "bom", "UTF-8 byte order mark before the header")
                        )
                    if rng.random() < 0.15 or (name == "accounts" and i == 0):
                        spec.eol = "\r\n"
                        plan.file_defects.append((spec, "crlf", "CRLF line endings"))
                    deltas = len(specs) > 1 and i > 0
                    if deltas and (rng.random() < 0.2 or (name == "transactions" and i == 1)):
                        _vary_header(rng, spec, entity)
                        plan.file_defects.append((spec, "header_variant", ",".join(spec.header)))
            plan.files[name] = specs
        return plan

    def index(self, entity: str, day: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """File number (into files[entity]) of each row, given its extract day."""
        specs = self.files[entity]
        plain = {s.day: i for i, s in enumerate(specs) if s.seq is None}
        out = (
            np.array([plain[d] for d in day.tolist()], dtype=np.int64)
            if len(day)
            else np.zeros(0, np.int64)
        )
        for i, s in enumerate(specs):
            if s.seq is not None:
                move = (out == plain[s.day]) & (rng.random(len(out)) < SEQ2_SHARE)
                out[move] = i
        return out


def _vary_header(rng: np.random.Generator, spec: FileSpec, entity: Entity) -> None:
    order = list(rng.permutation(len(entity.columns)))
    spec.columns = [entity.column_names[i] for i in order]
    styles = [str.upper, str.title, lambda s: f" {s} ", str.lower]
    spec.header = [styles[int(rng.integers(0, len(styles)))](c) for c in spec.columns]


DEFECT_LOG_COLUMNS = ["file", "line", "entity", "kind", "key", "column", "expected", "detail"]


class DefectLog:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = path.open("w", newline="", encoding="utf-8")
        self.writer = csv.writer(self.handle, lineterminator="\n")
        self.writer.writerow(DEFECT_LOG_COLUMNS)
        self.counts: dict[str, int] = {}

    def add(
        self,
        file: str,
        line: int,
        entity: str,
        kind: str,
        key: str,
        column: str,
        expected: str,
        detail: str,
    ) -> None:
        self.writer.writerow([file, line, entity, kind, key, column, expected, detail])
        self.counts[kind] = self.counts.get(kind, 0) + 1

    def close(self) -> None:
        self.handle.close()
