"""The pipeline: each stage a function of (Lake, options) that returns its result; `demo` composes
them. Written once here; the command line (finlake/cli.py), `python -m ingestion.cli`, the Glue
job (ingestion/glue_job.py), the tests' fixtures (tests/conftest.py) and the benchmarks (through
the command line) call these functions and repeat none of their steps.

    generate   landing extracts and their truth              GenerateOptions -> GenerationReport
    ingest     landing -> bronze Parquet (Spark)             IngestOptions   -> IngestReport
    build      dbt on a target (silver, gold, their tests)   BuildOptions    -> BuildResult
    train      the default model, its evidence and scores    TrainOptions    -> TrainResult
    score      customer_risk and what follows, on new scores BuildOptions    -> BuildResult
    alerts     the alert rules on the dev warehouse          AlertsOptions   -> AlertsResult
    demo       all six in order, timed                       DemoOptions     -> DemoResult

A stage prints its short summary unless `show=False`, and raises a FinlakeError (after the
summary) when its work cannot be accepted: files not loaded, a dbt model or test failed.

Layers (tests/test_imports.py checks them): the kernel (finlake.errors, lake, contract, java,
spark, progress, lease) imports nothing above it; the stages (finlake.generator, ingestion,
finlake.build, ml) import the kernel; this module imports the stages, lazily, so that the
Glue job (shipped with finlake/ and ingestion/ only) never imports ml or dbt; the command lines
import this module and nothing imports them.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from finlake.errors import ConfigError, FinlakeError
from finlake.lake import Lake

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from finlake.alerts.local import AlertsResult
    from finlake.build import BuildResult
    from finlake.contract import Contract
    from finlake.generator.config import GeneratorConfig
    from finlake.generator.run import GenerationReport
    from ingestion.pii import PiiKey
    from ingestion.report import IngestReport
    from ml.config import TrainConfig
    from ml.train import TrainResult


def spark_session(app_name: str, verbose: bool = False) -> SparkSession:
    """The local SparkSession of a stage that was given none (on Glue the job passes its own)."""
    from finlake.spark import local_session

    return local_session(app_name, verbose=verbose)


# ---------------------------------------------------------------------------------------------
# generate


@dataclass(frozen=True)
class GenerateOptions:
    config: GeneratorConfig
    force: bool = False  # replace a dataset of another configuration (clears bronze and more)
    workers: int | None = None  # worker processes; None: the generator's default (up to 2)
    progress: bool = True  # a progress bar or line while it writes
    show: bool = True  # print the summary


def generate(lake: Lake, options: GenerateOptions) -> GenerationReport:
    """Write landing/<entity>/*.csv and _truth/ (reused when the configuration is unchanged)."""
    from finlake.generator.run import DEFAULT_WORKERS
    from finlake.generator.run import generate as write_dataset
    from finlake.stage_summaries import print_generation

    report = write_dataset(
        options.config,
        lake,
        force=options.force,
        show_progress=options.progress,
        workers=options.workers or DEFAULT_WORKERS,
    )
    if options.show:
        print_generation(report, lake)
    return report


# ---------------------------------------------------------------------------------------------
# ingest


@dataclass(frozen=True)
class IngestOptions:
    entities: Sequence[str] | None = None  # only these entity folders
    dev_pii_key: bool = False  # the public development key when FINLAKE_PII_KEY is unset
    pii_key: PiiKey | None = None  # a key read elsewhere (the Glue job's secret)
    spark: SparkSession | None = None  # None: a local session
    verbose: bool = False  # Spark's own logs (local session only)
    contract: Contract | None = None  # None: finlake/contract/landing.yml
    show: bool = True  # print the summary


def ingest(lake: Lake, options: IngestOptions | None = None) -> IngestReport:
    """Land every new landing file as bronze Parquet (ingestion/load.py), in a lake folder or an
    `s3://` lake (the Glue job's). Raises FilesNotLoaded, after the summary, when a file was
    rejected or failed (also one left from an earlier run)."""
    from ingestion.load import load_landing
    from ingestion.report import print_report, raise_for_problems

    options = options or IngestOptions()
    spark = options.spark or spark_session("finlake-ingest", verbose=options.verbose)
    report = load_landing(
        spark,
        str(lake.landing),
        str(lake.bronze),
        options.entities,
        contract=options.contract,
        pii_key=options.pii_key,
        dev_pii_key=options.dev_pii_key,
    )
    if options.show:
        print_report(report, str(lake.bronze))
    raise_for_problems(report, str(lake.load_log))
    return report


# ---------------------------------------------------------------------------------------------
# build and score


@dataclass(frozen=True)
class BuildOptions:
    target: str = "dev"  # dev (DuckDB), trino or prod (Athena)
    command: str = "build"  # the dbt command
    select: Sequence[str] = ()
    exclude: Sequence[str] = ()
    full_refresh: bool = False
    dbt_args: Sequence[str] = ()  # more dbt arguments (the tests' --target-path, --log-path)
    quiet: bool = False  # no dbt progress lines
    show: bool = True  # print the summary (the reconciliation too, also when the build fails)


def build(lake: Lake, options: BuildOptions | None = None) -> BuildResult:
    """dbt <command> of the project on a target; raises DbtFailed naming what failed."""
    from finlake.build import run_dbt
    from finlake.freshness import business_environment
    from finlake.freshness import report as report_freshness
    from finlake.stage_summaries import print_build, print_reconciliation

    options = options or BuildOptions()
    extra = ["--select", *options.select] if options.select else []
    if options.exclude:
        extra += ["--exclude", *options.exclude]
    if options.full_refresh:
        extra += ["--full-refresh"]
    extra += list(options.dbt_args)
    whole_dev_build = options.target == "dev" and options.command == "build"
    try:
        with business_environment(lake):
            if options.command == "build" and not options.select:  # freshness first
                report_freshness(lake, options.target, _target_path(options.dbt_args))
            result = run_dbt(
                lake,
                target=options.target,
                command=options.command,
                extra_args=extra,
                quiet=options.quiet,
            )
    except FinlakeError:
        if options.show and whole_dev_build:
            print_reconciliation(lake)  # what was lost or held back, also when the build fails
        raise
    if options.select and not result.statuses and options.command != "docs generate":
        raise ConfigError(
            f"--select {' '.join(options.select)} matches no model, seed or test of the dbt "
            "project; check the names (models/README.md lists them)."
        )
    if options.show and whole_dev_build and not options.select:
        print_build(lake, result)
    elif options.show:
        print(result.describe())
    return result


def _target_path(dbt_args: Sequence[str]) -> Path | None:
    """The --target-path among dbt arguments (the build's; freshness writes sources.json there)."""
    from finlake.build import option_args

    found = option_args(list(dbt_args), "--target-path")
    return Path(found[-1].split("=", 1)[-1]) if found else None


RISK = ("customer_risk+",)


def score(lake: Lake, options: BuildOptions | None = None) -> BuildResult:
    """dbt build of customer_risk and its children, which join the scores `train` wrote."""
    return build(lake, dataclasses.replace(options or BuildOptions(quiet=True), select=RISK))


# ---------------------------------------------------------------------------------------------
# train


@dataclass(frozen=True)
class TrainOptions:
    config: TrainConfig | None = None  # None: ml/config.py's defaults
    spark: SparkSession | None = None  # None: a local session
    show: bool = True  # print the result


def train(lake: Lake, options: TrainOptions | None = None) -> TrainResult:
    """Train on gold loan_default_features; write <lake>/ml and the scores (ml/train.py)."""
    from ml.train import train_and_score

    options = options or TrainOptions()
    spark = options.spark or spark_session("finlake-train")
    result = train_and_score(lake, options.config, spark=spark)
    if options.show:
        print(result.describe())
    return result


# ---------------------------------------------------------------------------------------------
# alerts


@dataclass(frozen=True)
class AlertsOptions:
    rules: str | None = None  # None: alerts/rules.yml
    show: bool = True  # print the summary


def alerts(lake: Lake, options: AlertsOptions | None = None) -> AlertsResult:
    """The alert rules on the dev warehouse; new occurrences appended to <lake>/alerts/."""
    from finlake.alerts.local import run_alerts
    from finlake.alerts.rules import RULES_FILE

    options = options or AlertsOptions()
    return run_alerts(lake, options.rules or RULES_FILE, show=options.show)


# ---------------------------------------------------------------------------------------------
# demo: the composition


DEMO_STAGES = (
    "generate landing extracts",
    "ingest landing -> bronze (Spark)",
    "dbt build: silver and gold with their tests (DuckDB)",
    "train the default model (Spark ML)",
    "dbt build: customer_risk with the new scores",
    "raise alerts from the rules (alerts/rules.yml)",
)


@dataclass(frozen=True)
class DemoOptions:
    generate: GenerateOptions


@dataclass
class DemoResult:
    generation: GenerationReport | None = None
    ingestion: IngestReport | None = None
    build: BuildResult | None = None
    training: TrainResult | None = None
    risk: BuildResult | None = None
    alerts: AlertsResult | None = None
    seconds: dict[str, float] = field(default_factory=dict)


def demo(lake: Lake, options: DemoOptions) -> DemoResult:
    """generate -> ingest -> build -> train -> score -> alerts, each printing its summary, then where
    things are. The ingest runs with the public development key: the demo's data is synthetic."""
    out = DemoResult()
    started = time.perf_counter()
    print(f"== finlake demo: preset {options.generate.config.preset.name}, lake {lake.root}")

    def stage(number: int, name: str, run):
        print(f"-- {number}/{len(DEMO_STAGES)} {DEMO_STAGES[number - 1]}", flush=True)
        t0 = time.perf_counter()
        result = run()
        out.seconds[name] = time.perf_counter() - t0
        return result

    out.generation = stage(1, "generate", lambda: generate(lake, options.generate))
    sessions = []  # one Spark session for ingest and train, started by the first

    def ingest_stage() -> IngestReport:
        sessions.append(spark_session("finlake-demo"))
        return ingest(lake, IngestOptions(dev_pii_key=True, spark=sessions[0]))

    out.ingestion = stage(2, "ingest", ingest_stage)
    out.build = stage(3, "build", lambda: build(lake, BuildOptions(quiet=True)))
    out.training = stage(4, "train", lambda: train(lake, TrainOptions(spark=sessions[0])))
    out.risk = stage(5, "risk", lambda: score(lake))
    out.alerts = stage(6, "alerts", lambda: alerts(lake))

    trained = out.training
    print(
        f"== demo finished in {time.perf_counter() - started:.0f}s ("
        + ", ".join(f"{k} {v:.0f}s" for k, v in out.seconds.items())
        + ")"
    )
    print(f"  warehouse (DuckDB, schemas silver and gold): {lake.warehouse}")
    print(f"  {trained.headline()}")
    print(
        f"  model evidence: {trained.artifacts} (metrics.json, model_card.md, scorecard.json, "
        "roc.png, calibration.png)"
    )
    print(
        f"  lineage: finlake lineage --lake {lake.root}, then open "
        f"{lake.root / 'lineage' / 'lineage.html'} (column level; dbt docs: finlake build "
        "--command 'docs generate')"
    )
    raised = len(out.alerts.evaluation.notifications)
    print(f"  alerts: {raised} new, in {out.alerts.notifications_file} (summary.txt beside it)")
    print(f"  dashboard: make dashboard LAKE={lake.root}, then open http://localhost:8501/")
    return out
