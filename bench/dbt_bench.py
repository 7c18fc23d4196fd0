"""dbt build benchmark on the dev target: wall time and peak memory per preset.

    python bench/dbt_bench.py --lake DIR [--lake DIR ...]

Each lake must already hold bronze (`finlake generate` then `finlake ingest`). Builds from an
empty warehouse (a full refresh), then again with nothing new (an incremental no-op re-run),
and reports both with the size of the bronze input. Never fails on a timing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from procmem import run_measured

from finlake.lake import Lake


def bronze_rows(lake: Path) -> int:
    import duckdb

    return (
        duckdb.connect()
        .execute(
            f"select count(*) from read_parquet('{Lake(lake).bronze_dir('transactions')}/*/*.parquet')"
        )
        .fetchall()[0][0]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lake", action="append", required=True)
    args = parser.parse_args(argv)
    results = []
    for lake in map(Path, args.lake):
        Lake(lake).warehouse.unlink(missing_ok=True)
        figures = {"lake": str(lake), "bronze_transactions": bronze_rows(lake)}
        for run in ("full", "rerun"):
            cmd = [sys.executable, "-m", "finlake", "--quiet", "build", "--lake", str(lake)]
            result, seconds, peak = run_measured(cmd)
            if result.returncode != 0:
                print(result.stdout[-3000:], result.stderr[-3000:], file=sys.stderr)
                return result.returncode
            figures[f"{run}_wall_s"] = round(seconds, 1)
            figures[f"{run}_peak_rss_mb"] = round(peak / 1e6)
        results.append(figures)
        print(json.dumps(figures))
    out = Path(args.lake[0]).parent / "dbt_bench.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"figures written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
