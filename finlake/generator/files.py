"""Landing files: which files exist, how each is written (header order, BOM, line endings), the
sinks that append chunks to them while counting physical lines for the defect log, and the
chunk loop that `finlake generate` and `--continue` share (`rendered_chunks`, `LandingFiles`)."""

from __future__ import annotations

import csv
import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from finlake.contract import Contract, Entity, landing_file_name
from finlake.generator.config import GeneratorConfig, from_day
from finlake.generator.defects import EXPECTED
from finlake.progress import progress

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


class LandingFiles:
    """Every landing file of a plan, open under `landing`: rendered chunks are appended in chunk
    order, their defects logged at the physical line they land on; closed on leaving `with`."""

    def __init__(self, plan: FilePlan, landing: Path, defect_log: Path):
        self.plan = plan
        self.sinks = {
            name: [Sink(spec, landing / name / spec.name) for spec in specs]
            for name, specs in plan.files.items()
        }
        self.log = DefectLog(defect_log)
        self.rows: dict[str, int] = {}

    def __enter__(self) -> LandingFiles:
        for sink in self._all():
            sink.open()
        return self

    def __exit__(self, *exc) -> None:
        for sink in self._all():
            sink.close()
        self.log.close()

    def _all(self) -> Iterator[Sink]:
        return (sink for entity_sinks in self.sinks.values() for sink in entity_sinks)

    def fill(
        self,
        render: Callable,
        jobs: Sequence[tuple],
        each: Callable[[Any], None],
        *,
        workers: int,
        label: str,
        show_progress: bool,
    ) -> LandingFiles:
        """Open the files, write every job's rendered chunk in job order (`each` takes the rest of
        a chunk: its truth), log the plan's whole-file defects, close the files."""
        with self, rendered_chunks(render, jobs, workers, label, show_progress) as chunks:
            for rendered in chunks:
                self.write(rendered.blocks, rendered.counts)
                each(rendered)
            self.log_file_defects()
        return self

    def write(self, blocks: dict[str, list], counts: dict[str, int]) -> None:
        """One chunk's rendered blocks, entity by entity (`render_entity`'s output)."""
        for name, entity_blocks in blocks.items():
            for block in entity_blocks:
                sink = self.sinks[name][block.file]
                for line, *defect in block.defects:
                    self.log.add(sink.spec.name, sink.lines + line, name, *defect)
                sink.write(block.data, block.lines, block.rows)
            self.rows[name] = self.rows.get(name, 0) + counts[name]

    def log_file_defects(self) -> None:
        """The plan's whole-file defects (BOM, CRLF, header variants), after every row's."""
        for spec, kind, detail in self.plan.file_defects:
            self.log.add(spec.name, 1, spec.entity, kind, "", "", EXPECTED[kind], detail)

    @property
    def defects(self) -> dict[str, int]:
        return dict(sorted(self.log.counts.items()))

    def summary(self) -> list[dict]:
        """Each file's entity, name, rows, physical lines and bytes (the manifest's `files`)."""
        return [
            {
                "entity": s.spec.entity,
                "file": s.spec.name,
                "rows": s.rows,
                "lines": s.lines,
                "bytes": s.bytes,
            }
            for s in self._all()
        ]


def chunk_jobs(cfg: GeneratorConfig, plan: FilePlan, *extra) -> list[tuple]:
    """One job a chunk of customers: (cfg, plan, chunk, first customer, size, *extra)."""
    n = cfg.n_customers
    return [
        (cfg, plan, chunk, first, min(cfg.chunk_customers, n - first), *extra)
        for chunk, first in enumerate(range(0, n, cfg.chunk_customers))
    ]


@contextmanager
def rendered_chunks(
    render: Callable, jobs: Sequence[tuple], workers: int, label: str, show_progress: bool
) -> Iterator[Iterator]:
    """`render(job)` of every job, in job order (so the files do not depend on timing): in a pool
    of `workers` spawned processes when there are several jobs, with a progress line."""
    pool = None
    if workers > 1 and len(jobs) > 1:
        pool = multiprocessing.get_context("spawn").Pool(min(workers, len(jobs)))
        results = pool.imap(render, jobs)
    else:
        results = map(render, jobs)
    try:
        yield progress(results, len(jobs), label, "chunks", show_progress)
    finally:
        if pool is not None:
            pool.terminate()


class CsvAppender:
    """CSV files written table by table, each created on its first table (with a header line
    or without, for rows to be appended to an existing file); closed on leaving `with`."""

    def __init__(self, header: bool = True):
        self.header = header
        self.writers: dict[Path, pacsv.CSVWriter] = {}

    def __enter__(self) -> CsvAppender:
        return self

    def __exit__(self, *exc) -> None:
        for writer in self.writers.values():
            writer.close()

    def append(self, path: Path, table: pa.Table) -> None:
        if path not in self.writers:
            path.parent.mkdir(parents=True, exist_ok=True)
            options = pacsv.WriteOptions(include_header=self.header)
            self.writers[path] = pacsv.CSVWriter(str(path), table.schema, write_options=options)
        self.writers[path].write_table(table)
