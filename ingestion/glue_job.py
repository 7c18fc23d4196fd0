"""AWS Glue 5.0 entry point: the same ingest stage as `finlake ingest` (finlake.pipeline),
reading and writing S3.

The only module that imports `awsglue`. Job parameters (Glue passes them as `--name value`):

    --landing_uri s3://<lake-bucket>/landing     where the extracts arrive
    --bronze_uri  s3://<lake-bucket>/bronze      bronze tables, _malformed, _load_log
    --entities    customers,accounts             optional: only these entity folders
    --pii_key_secret_id finlake-pii-key           Secrets Manager secret with the tokenisation
                                                 key (hex); the job role may read only it

`--landing_uri` and `--bronze_uri` are the `landing` and `bronze` folders of one lake
(`finlake.lake.Lake.of_zones` refuses any other pair): the lake layout is finlake/lake.py's.

Deploy the script with the `finlake` and `ingestion` packages on `--extra-py-files` (a wheel
or zip built from this repository) and at most one concurrent run per lake. The locations
come from the job's parameters and S3 access from its IAM role; nothing here names a bucket
or a credential, and the platform's Spark settings are left as they are.

Outside Glue (no `awsglue` module) the same flags are read with argparse and a local Spark
session is used: `python -m ingestion.glue_job --landing_uri lake/landing --bronze_uri
lake/bronze` runs the job exactly as Glue would, on local folders.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from finlake import pipeline
from finlake.errors import FinlakeError
from finlake.lake import Lake
from finlake.lease import run_lease, stale_notice
from ingestion.cli import build_parser, entities_arg
from ingestion.pii import key_from_secret
from ingestion.report import FilesNotLoaded

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

REQUIRED = ("landing_uri", "bronze_uri")
OPTIONAL = ("entities", "pii_key_secret_id")


def glue_available() -> bool:
    try:
        import awsglue  # noqa: F401
    except ImportError:
        return False
    return True


def resolve_options(argv: Sequence[str]) -> dict[str, str]:
    """The job's parameters from `argv` (sys.argv: the script name first)."""
    if glue_available():
        from awsglue.utils import getResolvedOptions

        names = [*REQUIRED, *(o for o in OPTIONAL if f"--{o}" in argv)]
        if "--JOB_NAME" in argv:
            names.append("JOB_NAME")
        return dict(getResolvedOptions(list(argv), names))
    args = build_parser().parse_args(list(argv[1:]))
    return {k: v for k, v in vars(args).items() if v not in (None, "", False)}


def glue_session(options: dict[str, str]):
    """The Glue job's SparkSession and Job (the Job only when Glue passed a JOB_NAME)."""
    from awsglue.context import GlueContext
    from awsglue.job import Job
    from pyspark.context import SparkContext

    glue_context = GlueContext(SparkContext.getOrCreate())
    job = None
    if "JOB_NAME" in options:
        job = Job(glue_context)
        job.init(options["JOB_NAME"], options)
    return glue_context.spark_session, job


def main(argv: Sequence[str] | None = None, spark: SparkSession | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    options = resolve_options(argv)
    job = None
    if spark is None and glue_available():
        spark, job = glue_session(options)
    stage_options = pipeline.IngestOptions(
        entities=entities_arg(options.get("entities")),
        pii_key=key_from_secret(options.get("pii_key_secret_id")),
        dev_pii_key=bool(options.get("dev_pii_key")),
        spark=spark,  # None outside Glue: the stage's local session
        verbose=bool(options.get("verbose")),
    )
    try:
        lake = Lake.of_zones(options["landing_uri"], options["bronze_uri"])
        # One writing run per lake: Glue's maximum concurrency covers Glue-started runs only.
        with run_lease(lake.root, "ingest") as previous:
            if stale_notice(previous):
                print(f"warning: {stale_notice(previous)}", file=sys.stderr)
            pipeline.ingest(lake, stage_options)
    except FilesNotLoaded:  # the run happened and its summary is printed: commit, then fail
        if job is not None:
            job.commit()
        raise
    if job is not None:
        job.commit()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except FinlakeError as exc:  # one sentence in the job's log, and a failed run
        print(f"finlake: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
