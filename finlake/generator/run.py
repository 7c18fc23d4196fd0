"""`finlake generate`: draw the dataset chunk by chunk and write landing files and ground truth.

Output goes to a staging folder inside the lake and is moved into place only when complete, so
an interrupted run never leaves a half-written landing zone behind.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from finlake.contract import load_contract
from finlake.errors import FinlakeError
from finlake.generator.chunk import build_chunk
from finlake.generator.config import GeneratorConfig, from_day
from finlake.generator.defects import DefectInjector
from finlake.generator.files import CsvAppender, FilePlan, LandingFiles, chunk_jobs
from finlake.generator.profiles import DEFAULT_PROFILE, apply_profile, get_profile, profile_truth
from finlake.generator.writer import render_entity
from finlake.lake import Lake

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
    report = GenerationReport(config=fingerprint)
    oracle_pd, oracle_y = [], []
    with CsvAppender() as truth_csv:

        def take_truth(rendered: RenderedChunk) -> None:
            for name, table in rendered.truth.items():
                truth_csv.append(truth / f"{name}.csv", table)
            monthly = rendered.truth["default_risk_monthly"]
            complete = monthly.column("window_complete").to_numpy(zero_copy_only=False)
            oracle_pd.append(monthly.column("true_pd_12m").to_numpy()[complete])
            oracle_y.append(
                monthly.column("defaults_within_12m").to_numpy(zero_copy_only=False)[complete]
            )
            labels = rendered.truth["fraud_labels"]
            report.fraud_transactions += labels.num_rows
            report.fraud_episodes += len(set(labels.column("episode_id").to_pylist()))

        files = LandingFiles(plan, landing, truth / "defects.csv").fill(
            render_chunk,
            chunk_jobs(cfg, plan),
            take_truth,
            workers=workers,
            label=f"generate {cfg.preset.name}",
            show_progress=show_progress,
        )
    report.rows, report.defects, report.files = files.rows, files.defects, files.summary()
    pd, y = np.concatenate(oracle_pd), np.concatenate(oracle_y)
    report.oracle_rows = len(y)
    report.oracle_auc = round(auc(pd, y), 4) if 0 < y.sum() < len(y) else None
    report.default_rate_12m = round(float(y.mean()), 4) if len(y) else None
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
