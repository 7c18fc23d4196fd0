"""Generator benchmark: wall time, rows/s, MB/s and peak memory (whole process tree) per preset.

    python bench/generator_bench.py [--presets small medium] [--out DIR]

Reports figures; never fails on a timing. `large` (≈100M transactions, ≈12 GB of CSV) is
opt-in: pass --presets large.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from procmem import run_measured

from finlake.lake import Lake


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presets", nargs="+", default=["small", "medium"])
    parser.add_argument("--out", default="lake-bench", help="scratch folder (removed per preset)")
    parser.add_argument("--keep", action="store_true", help="keep the generated data")
    args = parser.parse_args(argv)
    results = []
    for preset in args.presets:
        lake = Path(args.out) / f"generator-{preset}"
        shutil.rmtree(lake, ignore_errors=True)
        cmd = [
            sys.executable,
            "-m",
            "finlake",
            "--quiet",
            "generate",
            "--preset",
            preset,
            "--lake",
            str(lake),
        ]
        result, seconds, peak = run_measured(cmd)
        if result.returncode != 0:
            print(result.stderr, file=sys.stderr)
            return result.returncode
        manifest = json.loads((Lake(lake).truth / "manifest.json").read_text())
        rows = sum(manifest["rows"].values())
        size = sum(f["bytes"] for f in manifest["files"])
        figures = {
            "preset": preset,
            "customers": manifest["config"]["customers"],
            "transactions": manifest["rows"]["transactions"],
            "rows": rows,
            "csv_mb": round(size / 1e6, 1),
            "wall_s": round(seconds, 1),
            "rows_per_s": round(rows / seconds),
            "mb_per_s": round(size / 1e6 / seconds, 1),
            "peak_rss_mb_tree": round(peak / 1e6),
            "oracle_auc": manifest["oracle_auc"],
        }
        results.append(figures)
        print(json.dumps(figures))
        if not args.keep:
            shutil.rmtree(lake, ignore_errors=True)
    out = Path(args.out) / "generator.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"figures written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
