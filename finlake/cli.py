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
from dataclasses import dataclass

from finlake import __version__, pipeline
from finlake.errors import ConfigError, FinlakeError
from finlake.lake import LAKE_ENV, Lake
from finlake.pipeline import GenerateOptions


def flag(*names: str, **settings) -> tuple[tuple[str, ...], dict]:
    """One `add_argument(*names, **settings)` of a command, as data."""
    return names, settings


def switch(name: str, help: str, **settings) -> tuple[tuple[str, ...], dict]:
    """A flag that is off unless given."""
    return flag(name, action="store_true", help=help, **settings)


LAKE = flag(
    "--lake", metavar="DIR", default=None, help=f"lake folder (default: ${LAKE_ENV} or ./lake)"
)
TARGET = flag("--target", default="dev", choices=["dev", "trino", "prod"])
# `finlake train`'s settings: a TrainConfig field each, its default TrainConfig's when not given.
TRAIN_SETTINGS = {
    "test_months": (int, "latest labelled months held out"),
    "gap_months": (int, "months left out between train and test"),
    "seed": (int, "random seed of the fit"),
    "holdout_share": (float, "share of customers held out of training for the test (default 0.3)"),
    "min_train_rows": (int, "refuse below this many training rows"),
    "min_train_defaults": (int, "refuse below this many defaults in the training rows"),
    "min_test_defaults": (int, "warn that the test set is too small below this many defaults"),
    "max_data_lag_days": (
        int,
        "refuse to score a date more than this many days after the latest data (default 45)",
    ),
}


def generate_flags(default_preset: str) -> list[tuple[tuple[str, ...], dict]]:
    """The dataset's flags, shared by `generate` (tiny by default, and --continue) and `demo`."""
    from finlake.generator.config import (
        DEFAULT_AS_OF,
        DEFAULT_DAYS,
        DEFAULT_DIRTY_RATE,
        DEFAULT_SEED,
        PRESETS,
    )
    from finlake.generator.profiles import DEFAULT_PROFILE, PROFILES

    presets = "; ".join(f"{p.name} {p.description}" for p in PRESETS.values())
    profiles = "; ".join(f"{p.name}: {p.description}" for p in PROFILES.values())
    flags = [
        flag(
            "--preset",
            choices=list(PRESETS),
            default=default_preset,
            help="dataset size: " + presets,
        ),
        flag(
            "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
        ),
        flag(
            "--as-of",
            default=DEFAULT_AS_OF.isoformat(),
            metavar="YYYY-MM-DD",
            help=f"last extract date; all dates are relative to it (default {DEFAULT_AS_OF})",
        ),
        flag(
            "--days",
            type=int,
            default=DEFAULT_DAYS,
            metavar="N",
            help=f"daily delta files after the snapshot (default {DEFAULT_DAYS}); with --continue, "
            "the days of deliveries to add",
        ),
        flag(
            "--dirty-rate",
            type=float,
            default=DEFAULT_DIRTY_RATE,
            metavar="R",
            help=f"share of rows with an injected defect (default {DEFAULT_DIRTY_RATE})",
        ),
        flag("--customers", type=int, metavar="N", help="override the preset's customer count"),
        flag("--workers", type=int, metavar="N", help="worker processes (default: up to 2)"),
        flag(
            "--profile",
            choices=list(PROFILES),
            default=DEFAULT_PROFILE,
            help="which bank delivers the extracts: " + profiles,
        ),
        flag(
            "--economic-shock",
            type=float,
            default=1.0,
            metavar="F",
            help="multiply the chance of an income shock by F over the last 12 months, a "
            "population shift that model monitoring must catch (default 1: none)",
        ),
        flag(
            "--book-shift",
            type=float,
            default=0.0,
            metavar="F",
            help="from 12 months before --as-of, the whole book F standard deviations riskier: "
            "lower bureau scores and incomes at a refresh of every customer, a riskier mix of new "
            "borrowers (finlake/generator/shift.py; default 0: none)",
        ),
        flag(
            "--fraud-variation",
            type=float,
            default=0.0,
            metavar="S",
            help="draw this run's fraud behaviour around the one the rules were tuned on (sizes, "
            "spans, amounts, hours moved by random factors of typical size S) and add genuine "
            "look-alikes, for bench/fraud_rules_eval.py (default 0: none)",
        ),
        switch(
            "--force",
            "replace an existing dataset in the lake (clears bronze and the warehouse too)",
        ),
    ]
    if default_preset == "tiny":  # generate only, not demo
        flags.append(
            switch(
                "--continue",
                "append the next --days N days of deliveries to the lake's existing dataset "
                "(same customers, accounts and loans; the dataset options come from its manifest)",
                dest="continue_lake",
            )
        )
    return flags


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
        name: getattr(args, name) for name in TRAIN_SETTINGS if getattr(args, name) is not None
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


@dataclass(frozen=True)
class Command:
    """A subcommand: its function, help, flags (in --help order), and whether it holds the lake's
    lease while it runs (finlake/lease.py): the commands that write the lake folder do, whatever
    their flags (`create`: they may create the folder); a build on prod works on S3 and Athena
    and holds the lease of the S3 lake (FINLAKE_S3_DATA_DIR) that the Glue ingestion job takes."""

    func: Callable[[argparse.Namespace], int]
    help: str
    description: str
    flags: Sequence[tuple[tuple[str, ...], dict]]
    leased: bool = False
    create: bool = False


def commands() -> dict[str, Command]:
    return {
        "generate": Command(
            cmd_generate,
            "write synthetic core-banking extracts and ground truth into the lake",
            "Write landing/<entity>/*.csv per the landing contract, and _truth/ "
            "(defect log, fraud labels, true default probabilities). Deterministic: "
            "the same seed and as-of date give byte-identical files.",
            [*generate_flags("tiny"), LAKE],
            leased=True,
            create=True,
        ),
        "ingest": Command(
            cmd_ingest,
            "land new landing files as bronze Parquet (Spark)",
            "Parse every new file under landing/<entity>/ and write bronze Parquet, "
            "malformed lines and the load ledger. Files already loaded are left alone.",
            [
                LAKE,
                flag("--entities", nargs="+", metavar="ENTITY", help="only these entities"),
                switch("--verbose", "show Spark's own logs"),
                switch(
                    "--dev-pii-key",
                    "tokenise personal data with the public development key when "
                    "FINLAKE_PII_KEY is unset (development lakes only; also FINLAKE_DEV_PII_KEY=1)",
                ),
            ],
            leased=True,
        ),
        "build": Command(
            cmd_build,
            "run dbt (silver, gold and their tests) over the lake",
            "dbt build of the project on a target: dev (DuckDB over the lake folder, "
            "the default), trino (a local Trino server, see tools/trino) or prod (Athena, from "
            "the FINLAKE_* environment variables).",
            [
                LAKE,
                TARGET,
                flag(
                    "--command",
                    default="build",
                    choices=["build", "run", "test", "seed", "compile", "docs generate"],
                    help="the dbt command (default build); 'docs generate' writes the lineage "
                    "site to target/",
                ),
                flag("--select", nargs="+", metavar="SELECTOR", help="dbt --select"),
                flag("--exclude", nargs="+", metavar="SELECTOR", help="dbt --exclude"),
                switch(
                    "--full-refresh",
                    "rebuild incremental models from all of bronze instead of adding new rows",
                ),
            ],
            leased=True,
        ),
        "train": Command(
            cmd_train,
            "train, validate out of time and score the default model (Spark)",
            "Read gold loan_default_features from the lake, train the logistic-"
            "regression default model, write its evidence under <lake>/ml and the scores under "
            "<lake>/gold/customer_default_scores. Then `finlake build --select customer_risk`.",
            [
                LAKE,
                *(
                    flag("--" + name.replace("_", "-"), type=kind, help=text)
                    for name, (kind, text) in TRAIN_SETTINGS.items()
                ),
            ],
            leased=True,
        ),
        "contract": Command(
            cmd_contract,
            "render the files derived from the landing contract",
            "render: write every file derived from finlake/contract/landing.yml (the dbt "
            "macro, the bronze dbt sources, the quarantine's entity names, the Terraform Glue "
            "columns) and starting YAML for a new entity's silver models; "
            "docs/add-a-landing-entity.md.",
            [
                flag("action", choices=["render"]),
                flag("--project", help="project folder (default: this clone)"),
                switch(
                    "--check",
                    "write nothing; fail naming each file that differs",
                ),
            ],
        ),
        "lineage": Command(
            cmd_lineage,
            "column-level lineage from the landing contract to gold and the model",
            "Compile the project for a target (or read --manifest), resolve every "
            "model's columns with sqlglot and write <lake>/lineage/lineage.json (OpenLineage "
            "column-lineage facets) and lineage.html (a searchable page); fails naming any gold "
            "contract column it cannot trace to a landing column, a seed or a constant.",
            [
                TARGET,
                flag("--manifest", help="an existing dbt manifest.json to read"),
                flag("--out", help="output folder (default <lake>/lineage)"),
                flag("--select", nargs="+", help="only these models and their ancestors"),
                switch(
                    "--write-meta",
                    "also write each silver and gold column's pii classification (meta: pii, "
                    "pii_derived, classification, pii_sources) into its model's YAML",
                ),
                LAKE,
            ],
        ),
        "trace": Command(
            cmd_trace,
            "the landing files and lines behind one customer's (account's, loan's) gold rows",
            "For one key of a landing entity (customer C0001234), every landing record "
            "its gold rows are built from: the entity's own records and those of the entities "
            "that reference it, with landing file, line and what silver did with the record.",
            [
                flag("entity", help="customer, account, loan, transaction or loan_payment"),
                flag("key", help="the business key, e.g. C0001234"),
                LAKE,
            ],
        ),
        "alerts": Command(
            cmd_alerts,
            "evaluate the alert rules on the dev warehouse; write the new notifications",
            "Run each rule of the alert rules file on the lake's dev warehouse and "
            "append the occurrences new since the last run to <lake>/alerts/notifications.jsonl "
            "(JSON lines), with the dedup state and a summary beside it.",
            [
                flag("--rules", metavar="FILE", help="alert rules file (default alerts/rules.yml)"),
                LAKE,
            ],
            leased=True,
        ),
        "demo": Command(
            cmd_demo,
            "run every stage end to end and print a summary",
            "Generate (or reuse) a dataset, then run each pipeline stage in order.",
            [*generate_flags("small"), LAKE],
            leased=True,
            create=True,
        ),
    }


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="finlake",
        description="Retail-banking medallion pipeline: landing CSV -> bronze Parquet -> silver/gold (dbt) -> default model.",
    )
    parser.add_argument("--version", action="version", version=f"finlake {__version__}")
    parser.add_argument("--quiet", action="store_true", help="no progress output")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, command in commands().items():
        p = sub.add_parser(name, help=command.help, description=command.description)
        for names, settings in command.flags:
            p.add_argument(*names, **settings)
        p.set_defaults(func=command.func, create=command.create)
        p.set_defaults(lease=name if command.leased else None)
    return parser


def _run_leased(func: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    from finlake.lease import lake_lease, run_lease, stale_notice

    if args.lease is None:
        return func(args)
    if getattr(args, "target", "dev") == "prod":
        s3_lake = os.environ.get("FINLAKE_S3_DATA_DIR", "")
        if not s3_lake.startswith("s3://"):
            return func(args)  # the profile says what is missing
        lease = run_lease(s3_lake, args.lease)
    else:
        lake = Lake.resolve(args.lake)
        lease = lake_lease(lake.root, args.lease, create=args.create)
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
