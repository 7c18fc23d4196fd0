"""`finlake generate`: draw the dataset chunk by chunk and write landing files and ground truth.

Output goes to a staging folder inside the lake and is moved into place only when complete, so
an interrupted run never leaves a half-written landing zone behind.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import resource
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from finlake.contract import load_contract
from finlake.errors import FinlakeError
from finlake.generator.chunk import build_chunk
from finlake.generator.config import GeneratorConfig, from_day
from finlake.generator.defects import EXPECTED, DefectInjector
from finlake.generator.files import DefectLog, FilePlan, Sink
from finlake.generator.profiles import DEFAULT_PROFILE, apply_profile, get_profile, profile_truth
from finlake.generator.writer import render_entity
from finlake.lake import Lake
from finlake.progress import progress

MANIFEST = "manifest.json"
GENERATOR_VERSION = 1
DEFAULT_WORKERS = min(2, os.cpu_count() or 1)
ENTITY_ORDER = ("customers", "accounts", "transactions", "loans", "loan_payments")


@dataclass
class GenerationReport:
    config: dict
    files: list[dict] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    defects: dict[str, int] = field(default_factory=dict)
    fraud_transactions: int = 0
    fraud_episodes: int = 0
    oracle_auc: float | None = None
    oracle_rows: int = 0
    default_rate_12m: float | None = None
    seconds: float = 0.0
    peak_rss_mb: float = 0.0
    reused: bool = False

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def config_fingerprint(cfg: GeneratorConfig) -> dict:
    return {
        "generator_version": GENERATOR_VERSION,
        "preset": cfg.preset.name,
        "customers": cfg.n_customers,
        "chunk_customers": cfg.chunk_customers,
        "seed": cfg.seed,
        "as_of": cfg.as_of.isoformat(),
        "days": cfg.days,
        "dirty_rate": cfg.dirty_rate,
        "snapshot_date": from_day(cfg.snapshot_day).isoformat(),
        "window_start": from_day(cfg.window_start_day).isoformat(),
        **cfg.scenario_options(),  # drift and fraud options, only when set
    } | ({} if cfg.profile == DEFAULT_PROFILE else {"profile": cfg.profile})


def existing_manifest(lake: Lake) -> dict | None:
    path = lake.truth / MANIFEST
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text())
    except (OSError, json.JSONDecodeError):
        return None


def generate(
    cfg: GeneratorConfig,
    lake: Lake,
    force: bool = False,
    show_progress: bool = True,
    workers: int = DEFAULT_WORKERS,
) -> GenerationReport:
    fingerprint = config_fingerprint(cfg)
    previous = existing_manifest(lake)
    landing_used = lake.landing.exists() and any(lake.landing.rglob("*.csv"))
    if previous and previous.get("config") == fingerprint and not force:
        report = GenerationReport(
            **{k: v for k, v in previous.items() if k in GenerationReport.__dataclass_fields__}
        )
        report.reused = True
        return report
    if landing_used and not force:
        if previous:
            c = previous["config"]
            what = f"the {c['preset']} dataset of seed {c['seed']} as of {c['as_of']}"
        else:
            what = "files that finlake did not generate"
        raise FinlakeError(
            f"{lake.landing} already holds {what}; pass --force to replace it (bronze, the warehouse "
            f"and ml outputs are cleared too) or choose another folder with --lake."
        )
    if force:
        clear_lake(lake)

    started = time.perf_counter()
    staging = lake.root / ".generate-staging"
    shutil.rmtree(staging, ignore_errors=True)
    landing, truth = Lake(staging).landing, Lake(staging).truth
    contract = load_contract()
    plan = FilePlan.make(cfg, contract, np.random.default_rng([cfg.seed, cfg.as_of_day, 7]))
    sinks = {
        name: [Sink(spec, landing / name / spec.name) for spec in specs]
        for name, specs in plan.files.items()
    }
    for entity_sinks in sinks.values():
        for sink in entity_sinks:
            sink.open()
    log = DefectLog(truth / "defects.csv")
    truth_writers: dict[str, pacsv.CSVWriter] = {}
    report = GenerationReport(config=fingerprint)
    oracle_pd, oracle_y = [], []

    n = cfg.n_customers
    jobs = [
        (cfg, plan, chunk, first, min(cfg.chunk_customers, n - first))
        for chunk, first in enumerate(range(0, n, cfg.chunk_customers))
    ]
    pool = None
    if workers > 1 and len(jobs) > 1:
        pool = multiprocessing.get_context("spawn").Pool(min(workers, len(jobs)))
        results = pool.imap(render_chunk, jobs)  # ordered: output is independent of timing
    else:
        results = map(render_chunk, jobs)
    try:
        for rendered in progress(
            results, len(jobs), f"generate {cfg.preset.name}", "chunks", show_progress
        ):
            for name in ENTITY_ORDER:
                for block in rendered.blocks[name]:
                    sink = sinks[name][block.file]
                    for line, kind, key, column, expected, detail in block.defects:
                        log.add(
                            sink.spec.name,
                            sink.lines + line,
                            name,
                            kind,
                            key,
                            column,
                            expected,
                            detail,
                        )
                    sink.write(block.data, block.lines, block.rows)
                report.rows[name] = report.rows.get(name, 0) + rendered.counts[name]
            for name, table in rendered.truth.items():
                _append_truth(truth_writers, truth / f"{name}.csv", table)
            monthly = rendered.truth["default_risk_monthly"]
            complete = monthly.column("window_complete").to_numpy(zero_copy_only=False)
            oracle_pd.append(monthly.column("true_pd_12m").to_numpy()[complete])
            oracle_y.append(
                monthly.column("defaults_within_12m").to_numpy(zero_copy_only=False)[complete]
            )
            report.fraud_transactions += rendered.truth["fraud_labels"].num_rows
            report.fraud_episodes += len(
                set(rendered.truth["fraud_labels"].column("episode_id").to_pylist())
            )
    finally:
        if pool is not None:
            pool.terminate()
        for entity_sinks in sinks.values():
            for sink in entity_sinks:
                sink.close()
        log.close()
        for writer in truth_writers.values():
            writer.close()

    for spec, kind, detail in plan.file_defects:
        log_path = truth / "defects.csv"
        with log_path.open("a", encoding="utf-8", newline="") as fh:
            import csv

            csv.writer(fh, lineterminator="\n").writerow(
                [spec.name, 1, spec.entity, kind, "", "", EXPECTED[kind], detail]
            )
        log.counts[kind] = log.counts.get(kind, 0) + 1
    report.defects = dict(sorted(log.counts.items()))
    pd, y = np.concatenate(oracle_pd), np.concatenate(oracle_y)
    report.oracle_rows = len(y)
    report.oracle_auc = round(auc(pd, y), 4) if 0 < y.sum() < len(y) else None
    report.default_rate_12m = round(float(y.mean()), 4) if len(y) else None
    report.files = [
        {
            "entity": s.spec.entity,
            "file": s.spec.name,
            "rows": s.rows,
            "lines": s.lines,
            "bytes": s.bytes,
        }
        for entity_sinks in sinks.values()
        for s in entity_sinks
    ]
    report.seconds = round(time.perf_counter() - started, 2)
    report.peak_rss_mb = round(
        max(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
        )
        / 1024,
        1,
    )
    if cfg.profile != DEFAULT_PROFILE:
        profile_truth(cfg, truth)
    (truth / MANIFEST).write_text(json.dumps(asdict(report), indent=2) + "\n")
    publish(staging, lake)
    return report


@dataclass
class RenderedChunk:
    blocks: dict[str, list]
    truth: dict[str, pa.Table]
    counts: dict[str, int]


def render_chunk(job) -> RenderedChunk:
    """Worker: draw one chunk and render every entity's landing-file bytes."""
    cfg, plan, chunk, first, size = job
    contract = load_contract()
    result = build_chunk(
        cfg, chunk, first + 1, size, np.random.SeedSequence([cfg.seed, cfg.as_of_day, chunk])
    )
    rng = np.random.default_rng([cfg.seed, cfg.as_of_day, chunk, 1])
    if cfg.profile != DEFAULT_PROFILE:
        profile_rng = np.random.default_rng([cfg.seed, cfg.as_of_day, chunk, 2])
        apply_profile(get_profile(cfg.profile), result.entities, result.truth, profile_rng)
    blocks = {}
    for name in ENTITY_ORDER:
        entity = contract.entity(name)
        injector = DefectInjector(rng, entity, cfg.dirty_rate, cfg.as_of_day + cfg.extract_lag)
        blocks[name] = render_entity(result.entities[name], entity, plan, rng, injector)
    return RenderedChunk(blocks=blocks, truth=result.truth, counts=result.counts)


def _append_truth(writers: dict, path: Path, table: pa.Table) -> None:
    if path not in writers:
        path.parent.mkdir(parents=True, exist_ok=True)
        writers[path] = pacsv.CSVWriter(str(path), table.schema)
    writers[path].write_table(table)


def publish(staging: Path, lake: Lake) -> None:
    """Move the finished landing zone and truth into the lake, replacing earlier ones."""
    lake.root.mkdir(parents=True, exist_ok=True)
    staged = Lake(staging)
    for source, target in ((staged.landing, lake.landing), (staged.truth, lake.truth)):
        if target.exists():
            shutil.rmtree(target)
        source.rename(target)
    shutil.rmtree(staging, ignore_errors=True)


def clear_lake(lake: Lake) -> None:
    for path in (lake.landing, lake.truth, lake.bronze, lake.gold, lake.ml):
        shutil.rmtree(path, ignore_errors=True)
    for path in (lake.warehouse, lake.warehouse.with_suffix(".duckdb.wal")):
        path.unlink(missing_ok=True)


def auc(score: np.ndarray, label: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney, ties shared)."""
    score = np.asarray(score, dtype=np.float64)
    label = np.asarray(label, dtype=bool)
    _, inverse, counts = np.unique(score, return_inverse=True, return_counts=True)
    ranks = (np.cumsum(counts) - (counts - 1) / 2)[inverse]  # tied scores share their mean rank
    pos = label.sum()
    neg = len(label) - pos
    return float((ranks[label].sum() - pos * (pos + 1) / 2) / (pos * neg))
