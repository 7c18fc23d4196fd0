"""`finlake demo`: every stage, in order, each printing its own summary, then where things are.

generate -> ingest (Spark) -> dbt build on dev (silver, gold, tests) -> train the default
model (Spark) -> dbt build of customer_risk, which joins the fresh scores.
"""

from __future__ import annotations

import argparse
import time

from finlake.lake import Lake

STAGES = (
    "generate landing extracts",
    "ingest landing -> bronze (Spark)",
    "dbt build: silver and gold with their tests (DuckDB)",
    "train the default model (Spark ML)",
    "dbt build: customer_risk with the new scores",
)


def _stage(number: int) -> None:
    print(f"-- {number}/{len(STAGES)} {STAGES[number - 1]}", flush=True)


def run_demo(args: argparse.Namespace) -> int:
    from finlake.cli import _generator_config
    from finlake.dbt_runner import run_dbt
    from finlake.generator.run import DEFAULT_WORKERS, generate
    from finlake.spark import local_session
    from finlake.summary import print_build, print_generation
    from ingestion.main import raise_for_problems
    from ingestion.main import run as ingest
    from ingestion.summary import print_report
    from ml.train import run as train

    lake = Lake.resolve(args.lake)
    started = time.perf_counter()
    timings: dict[str, float] = {}

    def timed(name: str, t0: float) -> None:
        timings[name] = time.perf_counter() - t0

    print(f"== finlake demo: preset {args.preset}, lake {lake.root}")
    _stage(1)
    t0 = time.perf_counter()
    report = generate(
        _generator_config(args),
        lake,
        force=args.force,
        show_progress=not args.quiet,
        workers=args.workers or DEFAULT_WORKERS,
    )
    print_generation(report, lake)
    timed("generate", t0)

    _stage(2)
    t0 = time.perf_counter()
    spark = local_session("finlake-demo")
    ingested = ingest(spark, str(lake.landing), str(lake.bronze), dev_pii_key=True)
    print_report(ingested, str(lake.bronze))
    raise_for_problems(ingested, str(lake.load_log))
    timed("ingest", t0)

    _stage(3)
    t0 = time.perf_counter()
    built = run_dbt(lake, quiet=True)
    print_build(lake, built)
    timed("build", t0)

    _stage(4)
    t0 = time.perf_counter()
    trained = train(lake, spark=spark)
    print(trained.describe())
    timed("train", t0)

    _stage(5)
    t0 = time.perf_counter()
    print(run_dbt(lake, quiet=True, extra_args=["--select", "customer_risk+"]).describe())
    timed("risk", t0)

    print(
        f"== demo finished in {time.perf_counter() - started:.0f}s ("
        + ", ".join(f"{k} {v:.0f}s" for k, v in timings.items())
        + ")"
    )
    print(f"  warehouse (DuckDB, schemas silver and gold): {lake.warehouse}")
    print(f"  {trained.headline()}")
    print(
        f"  model evidence: {trained.artifacts} (metrics.json, model_card.md, scorecard.json, "
        "roc.png, calibration.png)"
    )
    print("  lineage: finlake build --command 'docs generate', then open target/index.html")
    return 0
