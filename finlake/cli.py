"""The `finlake` command line: parse the flags into a stage's options and call that stage of
finlake/pipeline.py, which prints its short result.

Library code raises FinlakeError subclasses; this module turns them into one plain sentence on
stderr and a non-zero exit code. Unexpected exceptions are reported the same way, with the
traceback only under FINLAKE_DEBUG=1.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import traceback
from collections.abc import Callable, Sequence

from finlake import __version__, pipeline
from finlake.errors import ConfigError, FinlakeError
from finlake.lake import LAKE_ENV, Lake
from finlake.pipeline import GenerateOptions


def _lake_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lake", metavar="DIR", default=None, help=f"lake folder (default: ${LAKE_ENV} or ./lake)"
    )


def _generate_args(parser: argparse.ArgumentParser, default_preset: str) -> None:
    from finlake.generator.config import (
        DEFAULT_AS_OF,
        DEFAULT_DAYS,
        DEFAULT_DIRTY_RATE,
        DEFAULT_SEED,
        PRESETS,
    )

    parser.add_argument(
        "--preset",
        choices=list(PRESETS),
        default=default_preset,
        help="dataset size: " + "; ".join(f"{p.name} {p.description}" for p in PRESETS.values()),
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
    )
    parser.add_argument(
        "--as-of",
        default=DEFAULT_AS_OF.isoformat(),
        metavar="YYYY-MM-DD",
        help=f"last extract date; all dates are relative to it (default {DEFAULT_AS_OF})",
    )
    parser.add_argument(
        "--days",
        type=int,
        default=DEFAULT_DAYS,
        metavar="N",
        help=f"daily delta files after the snapshot (default {DEFAULT_DAYS}); with --continue, "
        "the days of deliveries to add",
    )
    parser.add_argument(
        "--dirty-rate",
        type=float,
        default=DEFAULT_DIRTY_RATE,
        metavar="R",
        help=f"share of rows with an injected defect (default {DEFAULT_DIRTY_RATE})",
    )
    parser.add_argument(
        "--customers",
        type=int,
        default=None,
        metavar="N",
        help="override the preset's customer count",
    )
    parser.add_argument(
        "--workers", type=int, default=None, metavar="N", help="worker processes (default: up to 2)"
    )
    from finlake.generator.profiles import DEFAULT_PROFILE, PROFILES

    parser.add_argument(
        "--profile",
        choices=list(PROFILES),
        default=DEFAULT_PROFILE,
        help="which bank delivers the extracts: "
        + "; ".join(f"{p.name}: {p.description}" for p in PROFILES.values()),
    )
    parser.add_argument(
        "--economic-shock",
        type=float,
        default=1.0,
        metavar="F",
        help="multiply the chance of an income shock by F over the last 12 months, a population "
        "shift that model monitoring must catch (default 1: none)",
    )
    parser.add_argument(
        "--book-shift",
        type=float,
        default=0.0,
        metavar="F",
        help="from 12 months before --as-of, the whole book F standard deviations riskier: lower "
        "bureau scores and incomes at a refresh of every customer, a riskier mix of new "
        "borrowers (finlake/generator/shift.py; default 0: none)",
    )
    parser.add_argument(
        "--fraud-variation",
        type=float,
        default=0.0,
        metavar="S",
        help="draw this run's fraud behaviour around the one the rules were tuned on (sizes, "
        "spans, amounts, hours moved by random factors of typical size S) and add genuine "
        "look-alikes, for bench/fraud_rules_eval.py (default 0: none)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace an existing dataset in the lake (clears bronze and the warehouse too)",
    )
    if default_preset == "tiny":  # generate only, not demo
        parser.add_argument(
            "--continue",
            dest="continue_lake",
            action="store_true",
            help="append the next --days N days of deliveries to the lake's existing dataset "
            "(same customers, accounts and loans; the dataset options come from its manifest)",
        )


def generate_options(args: argparse.Namespace) -> GenerateOptions:
    """What `generate` and `demo` were asked for, as the pipeline's options."""
    from finlake.generator.config import PRESETS, GeneratorConfig, parse_as_of

    config = GeneratorConfig(
        preset=PRESETS[args.preset],
        seed=args.seed,
        as_of=parse_as_of(args.as_of),
        days=args.days,
        dirty_rate=args.dirty_rate,
        customers=args.customers,
        profile=getattr(args, "profile", "default"),
        economic_shock=args.economic_shock,
        book_shift=getattr(args, "book_shift", 0.0),
        fraud_variation=getattr(args, "fraud_variation", 0.0),
    )
    return GenerateOptions(config, force=args.force, workers=args.workers, progress=not args.quiet)


def cmd_generate(args: argparse.Namespace) -> int:
    if args.continue_lake:
        from finlake.generator.continuation import continue_lake, print_continuation
        from finlake.generator.run import DEFAULT_WORKERS

        lake = Lake.resolve(args.lake)
        report = continue_lake(lake, args.days, not args.quiet, args.workers or DEFAULT_WORKERS)
        print_continuation(report, lake)
        return 0
    pipeline.generate(Lake.resolve(args.lake), generate_options(args))
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    options = pipeline.IngestOptions(
        entities=args.entities, dev_pii_key=args.dev_pii_key, verbose=args.verbose
    )
    pipeline.ingest(Lake.resolve(args.lake), options)
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    options = pipeline.BuildOptions(
        target=args.target,
        command=args.command,
        select=args.select or (),
        exclude=args.exclude or (),
        full_refresh=args.full_refresh,
        quiet=args.quiet,
    )
    pipeline.build(Lake.resolve(args.lake), options)
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from ml.config import TrainConfig

    lake = Lake.resolve(args.lake)
    defaults = TrainConfig()
    chosen = {
        name: getattr(args, name)
        for name in (
            "test_months",
            "gap_months",
            "seed",
            "holdout_share",
            "min_train_rows",
            "min_train_defaults",
            "min_test_defaults",
            "max_data_lag_days",
        )
        if getattr(args, name) is not None
    }
    config = dataclasses.replace(defaults, **chosen)
    pipeline.train(lake, pipeline.TrainOptions(config))
    return 0


def cmd_contract(args: argparse.Namespace) -> int:
    """`finlake contract render`: write the files derived from the landing contract."""
    from pathlib import Path

    from finlake.build import project_root
    from finlake.contract.render import COMMAND, render_project, stale

    project = Path(args.project).resolve() if args.project else project_root()
    if args.check:
        outdated = stale(project)
        for path in outdated:
            print(f"{path} differs from the landing contract; run {COMMAND}.", file=sys.stderr)
        return 1 if outdated else 0
    changed, new = render_project(project)
    for path in changed:
        print(f"rendered {path}")
    for path in new:
        print(f"wrote {path} (a starting file: yours to edit, never rewritten)")
    if not changed and not new:
        print("every derived file already matches the landing contract")
    return 0


def cmd_lineage(args: argparse.Namespace) -> int:
    """`finlake lineage`: column lineage of a target as lineage.json and lineage.html."""
    from pathlib import Path

    from finlake.lineage import run_lineage, summary

    lake = Lake.resolve(args.lake)
    manifest = Path(args.manifest) if args.manifest else None
    out = Path(args.out) if args.out else None
    result = run_lineage(
        lake, args.target, manifest=manifest, out_dir=out, only=tuple(args.select or ())
    )
    facts = summary(result.lineage)
    print(
        f"lineage ({args.target}): {facts['gold_contract_columns_traced']} of "
        f"{facts['gold_contract_columns']} gold contract columns traced, {facts['models']} models, "
        f"{facts['columns']} columns, {facts['seconds']:.1f}s; wrote {result.json_path} and "
        f"{result.html_path}"
    )
    if args.write_meta:
        from finlake.build import project_root
        from finlake.lineage.governance import write_column_meta
        from finlake.lineage.graph import read_manifest

        changed = write_column_meta(read_manifest(result.manifest), result.lineage, project_root())
        for path in changed:
            print(f"wrote the pii classification meta of {path}")
        if not changed:
            print(
                "every silver and gold column's pii classification meta already matches the lineage"
            )
    return 0


def cmd_trace(args: argparse.Namespace) -> int:
    """`finlake trace ENTITY KEY`: the landing records behind one key's gold rows."""
    from finlake.lineage.trace import format_trace, trace

    print(format_trace(trace(Lake.resolve(args.lake), args.entity, args.key)))
    return 0


def cmd_alerts(args: argparse.Namespace) -> int:
    pipeline.alerts(Lake.resolve(args.lake), pipeline.AlertsOptions(rules=args.rules))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    pipeline.demo(Lake.resolve(args.lake), pipeline.DemoOptions(generate_options(args)))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="finlake",
        description="Retail-banking medallion pipeline: landing CSV -> bronze Parquet -> silver/gold (dbt) -> default model.",
    )
    parser.add_argument("--version", action="version", version=f"finlake {__version__}")
    parser.add_argument("--quiet", action="store_true", help="no progress output")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser(
        "generate",
        help="write synthetic core-banking extracts and ground truth into the lake",
        description="Write landing/<entity>/*.csv per the landing contract, and _truth/ "
        "(defect log, fraud labels, true default probabilities). Deterministic: "
        "the same seed and as-of date give byte-identical files.",
    )
    _generate_args(p, "tiny")
    _lake_arg(p)
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser(
        "ingest",
        help="land new landing files as bronze Parquet (Spark)",
        description="Parse every new file under landing/<entity>/ and write bronze Parquet, "
        "malformed lines and the load ledger. Files already loaded are left alone.",
    )
    _lake_arg(p)
    p.add_argument(
        "--entities", nargs="+", metavar="ENTITY", default=None, help="only these entities"
    )
    p.add_argument("--verbose", action="store_true", help="show Spark's own logs")
    p.add_argument(
        "--dev-pii-key",
        action="store_true",
        help="tokenise personal data with the public development key when FINLAKE_PII_KEY is "
        "unset (development lakes only; also FINLAKE_DEV_PII_KEY=1)",
    )
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser(
        "build",
        help="run dbt (silver, gold and their tests) over the lake",
        description="dbt build of the project on a target: dev (DuckDB over the lake folder, "
        "the default), trino (a local Trino server, see tools/trino) or prod (Athena, from the "
        "FINLAKE_* environment variables).",
    )
    _lake_arg(p)
    p.add_argument("--target", default="dev", choices=["dev", "trino", "prod"])
    p.add_argument(
        "--command",
        default="build",
        choices=["build", "run", "test", "seed", "compile", "docs generate"],
        help="the dbt command (default build); 'docs generate' writes the lineage site to target/",
    )
    p.add_argument("--select", nargs="+", metavar="SELECTOR", help="dbt --select")
    p.add_argument("--exclude", nargs="+", metavar="SELECTOR", help="dbt --exclude")
    p.add_argument(
        "--full-refresh",
        action="store_true",
        help="rebuild incremental models from all of bronze instead of adding new rows",
    )
    p.set_defaults(func=cmd_build)

    p = sub.add_parser(
        "train",
        help="train, validate out of time and score the default model (Spark)",
        description="Read gold loan_default_features from the lake, train the logistic-"
        "regression default model, write its evidence under <lake>/ml and the scores under "
        "<lake>/gold/customer_default_scores. Then `finlake build --select customer_risk`.",
    )
    _lake_arg(p)
    p.add_argument("--test-months", type=int, default=None, help="latest labelled months held out")
    p.add_argument(
        "--gap-months", type=int, default=None, help="months left out between train and test"
    )
    p.add_argument("--seed", type=int, default=None, help="random seed of the fit")
    p.add_argument(
        "--holdout-share",
        type=float,
        default=None,
        help="share of customers held out of training for the test (default 0.3)",
    )
    p.add_argument(
        "--min-train-rows", type=int, default=None, help="refuse below this many training rows"
    )
    p.add_argument(
        "--min-train-defaults",
        type=int,
        default=None,
        help="refuse below this many defaults in the training rows",
    )
    p.add_argument(
        "--min-test-defaults",
        type=int,
        default=None,
        help="warn that the test set is too small below this many defaults",
    )
    p.add_argument(
        "--max-data-lag-days",
        type=int,
        default=None,
        help="refuse to score a date more than this many days after the latest data (default 45)",
    )
    p.set_defaults(func=cmd_train)

    p = sub.add_parser(
        "contract",
        help="render the files derived from the landing contract",
        description="render: write every file derived from finlake/contract/landing.yml (the dbt "
        "macro, the bronze dbt sources, the quarantine's entity names, the Terraform Glue "
        "columns) and starting YAML for a new entity's silver models; docs/add-a-landing-entity.md.",
    )
    p.add_argument("action", choices=["render"])
    p.add_argument("--project", default=None, help="project folder (default: this clone)")
    p.add_argument(
        "--check", action="store_true", help="write nothing; fail naming each file that differs"
    )
    p.set_defaults(func=cmd_contract)

    p = sub.add_parser(
        "lineage",
        help="column-level lineage from the landing contract to gold and the model",
        description="Compile the project for a target (or read --manifest), resolve every "
        "model's columns with sqlglot and write <lake>/lineage/lineage.json (OpenLineage "
        "column-lineage facets) and lineage.html (a searchable page); fails naming any gold "
        "contract column it cannot trace to a landing column, a seed or a constant.",
    )
    p.add_argument("--target", default="dev", choices=["dev", "trino", "prod"])
    p.add_argument("--manifest", default=None, help="an existing dbt manifest.json to read")
    p.add_argument("--out", default=None, help="output folder (default <lake>/lineage)")
    p.add_argument(
        "--select", nargs="+", default=None, help="only these models and their ancestors"
    )
    p.add_argument(
        "--write-meta",
        action="store_true",
        help="also write each silver and gold column's pii classification (meta: pii, pii_derived, "
        "classification, pii_sources) into its model's YAML",
    )
    _lake_arg(p)
    p.set_defaults(func=cmd_lineage)

    p = sub.add_parser(
        "trace",
        help="the landing files and lines behind one customer's (account's, loan's) gold rows",
        description="For one key of a landing entity (customer C0001234), every landing record "
        "its gold rows are built from: the entity's own records and those of the entities that "
        "reference it, with landing file, line and what silver did with the record.",
    )
    p.add_argument("entity", help="customer, account, loan, transaction or loan_payment")
    p.add_argument("key", help="the business key, e.g. C0001234")
    _lake_arg(p)
    p.set_defaults(func=cmd_trace)

    p = sub.add_parser(
        "alerts",
        help="evaluate the alert rules on the dev warehouse; write the new notifications",
        description="Run each rule of the alert rules file on the lake's dev warehouse and "
        "append the occurrences new since the last run to <lake>/alerts/notifications.jsonl "
        "(JSON lines), with the dedup state and a summary beside it.",
    )
    p.add_argument(
        "--rules", metavar="FILE", default=None, help="alert rules file (default alerts/rules.yml)"
    )
    _lake_arg(p)
    p.set_defaults(func=cmd_alerts)

    p = sub.add_parser(
        "demo",
        help="run every stage end to end and print a summary",
        description="Generate (or reuse) a dataset, then run each pipeline stage in order.",
    )
    _generate_args(p, "small")
    _lake_arg(p)
    p.set_defaults(func=cmd_demo)
    return parser


# Commands that write the lake folder hold its lease (finlake/lease.py) while they run; a
# build on prod works on S3 and Athena: it holds the lease of the S3 lake (FINLAKE_S3_DATA_DIR)
# the Glue ingestion job takes too. generate and demo may create the lake folder.
LEASED = {
    "generate": True,
    "ingest": False,
    "build": False,
    "train": False,
    "alerts": False,
    "demo": True,
}


def _run_leased(func: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    from finlake.lease import lake_lease, run_lease, stale_notice

    if args.command not in LEASED:
        return func(args)
    if getattr(args, "target", "dev") == "prod":
        s3_lake = os.environ.get("FINLAKE_S3_DATA_DIR", "")
        if not s3_lake.startswith("s3://"):
            return func(args)  # the profile says what is missing
        lease = run_lease(s3_lake, args.command)
    else:
        lake = Lake.resolve(args.lake)
        lease = lake_lease(lake.root, args.command, create=LEASED[args.command])
    with lease as previous:
        notice = stale_notice(previous)
        if notice:
            print(f"warning: {notice}", file=sys.stderr)
        return func(args)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return _run_leased(func, args)
    except FinlakeError as exc:
        print(f"finlake: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(
            "finlake: interrupted; outputs are written to staging first, so nothing half-written is visible.",
            file=sys.stderr,
        )
        return 130
    except Exception as exc:  # the last resort: one sentence, the trace only on request
        if os.environ.get("FINLAKE_DEBUG"):
            traceback.print_exc()
        print(
            f"finlake: unexpected {type(exc).__name__}: {exc} (set FINLAKE_DEBUG=1 for the traceback).",
            file=sys.stderr,
        )
        return 1


__all__ = ["ConfigError", "main"]
