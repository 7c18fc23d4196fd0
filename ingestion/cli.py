"""`python -m ingestion.cli --landing_uri … --bronze_uri …`: the ingest stage of
finlake.pipeline on two folders or URIs, with the Glue job's flags (ingestion/glue_job.py reads
the same ones). The stage itself is ingestion/load.py's `load_landing()`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from finlake import pipeline
from finlake.errors import FinlakeError
from finlake.lake import Lake
from ingestion.pii import key_from_secret

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Land landing CSV extracts as bronze Parquet.")
    parser.add_argument("--landing_uri", required=True, help="landing folder or URI")
    parser.add_argument("--bronze_uri", required=True, help="bronze folder or URI")
    parser.add_argument("--entities", default="", help="comma-separated entities (default all)")
    parser.add_argument("--verbose", action="store_true", help="show Spark's own logs")
    parser.add_argument(
        "--pii_key_secret_id",
        default="",
        help="Secrets Manager secret holding the tokenisation key (hex), when FINLAKE_PII_KEY is unset",
    )
    parser.add_argument(
        "--dev-pii-key",
        action="store_true",
        help="tokenise with the public development key (development lakes only)",
    )
    return parser


def entities_arg(text: str | None) -> list[str] | None:
    names = [e.strip() for e in (text or "").split(",") if e.strip()]
    return names or None


def main(argv: Sequence[str] | None = None, spark: SparkSession | None = None) -> int:
    """Run the stage, print its summary, return the exit code."""
    args = build_parser().parse_args(argv)
    try:
        options = pipeline.IngestOptions(
            entities=entities_arg(args.entities),
            pii_key=key_from_secret(args.pii_key_secret_id),
            dev_pii_key=args.dev_pii_key,
            spark=spark,
            verbose=args.verbose,
        )
        pipeline.ingest(Lake.of_zones(args.landing_uri, args.bronze_uri), options)
    except FinlakeError as exc:
        print(f"finlake: {exc}", file=sys.stderr)
        return exc.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
