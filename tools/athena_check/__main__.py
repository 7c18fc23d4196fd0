"""Command line: `python -m tools.athena_check` (what `make athena-check` runs).

Compiles the project for the prod target against a local moto server, checks every
compiled model, test and hook, prints one line per finding and exits 1 if there is any.
`--target-path DIR --data-dir S3URI` checks an existing prod compilation instead.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from tools.athena_check.check import check_manifest, summary
from tools.athena_check.compile import CompileError, compile_for_athena
from tools.athena_check.moto_server import EmulatorError
from tools.sql_lint.project import REPO


def _report(manifest: dict, data_dir: str, started: float, source: str) -> int:
    findings = check_manifest(manifest, data_dir)
    counts = ", ".join(f"{n} {kind}s" for kind, n in sorted(summary(manifest).items()))
    for finding in findings:
        print(finding)
    seconds = time.perf_counter() - started
    if findings:
        print(f"athena-check: {len(findings)} problem(s) in {counts} ({source}, {seconds:.0f}s).")
        return 1
    print(f"athena-check: ok, {counts} ready for Athena engine v3 ({source}, {seconds:.0f}s).")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.athena_check", description=__doc__)
    parser.add_argument(
        "--project-dir", type=Path, default=REPO, help="dbt project (default: this repository)"
    )
    parser.add_argument(
        "--keep", type=Path, help="copy the prod compilation (target/) here for inspection"
    )
    parser.add_argument(
        "--target-path", type=Path, help="check this existing prod target/ instead of compiling"
    )
    parser.add_argument(
        "--data-dir", help="FINLAKE_S3_DATA_DIR the --target-path was compiled with"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()

    if args.target_path:
        if not args.data_dir:
            parser.error("--target-path needs --data-dir")
        manifest = json.loads((args.target_path / "manifest.json").read_text())
        return _report(manifest, args.data_dir, started, f"checked {args.target_path}")

    with tempfile.TemporaryDirectory(prefix="finlake-athena-check-") as work:
        try:
            compiled = compile_for_athena(args.project_dir.resolve(), Path(work))
        except (CompileError, EmulatorError) as exc:
            print(
                f"finlake: the Athena check could not compile the project: {exc}", file=sys.stderr
            )
            return 2
        if args.keep:
            shutil.copytree(compiled.target_path, args.keep, dirs_exist_ok=True)
            print(f"athena-check: prod compilation kept in {args.keep}")
        return _report(
            compiled.manifest, compiled.data_dir, started, "compiled for prod against moto"
        )


if __name__ == "__main__":
    sys.exit(main())
