"""Ingestion benchmark: `finlake ingest` (Spark) against this machine's floor (DuckDB).

    python bench/ingest_bench.py [--preset medium] [--out lake-bench] [--keep]

Generates the preset once (reused while its configuration is unchanged), loads it into an
empty bronze with `finlake ingest`, and in the same run measures the floor: DuckDB reading the
same CSV files with every column as text (`all_varchar=true`) and writing one snappy Parquet
file per landing file. Reports rows/s, MB/s, wall time and the peak memory of each process
tree, and the ratio Spark/floor. Never fails on a timing.

The two are not equal work: DuckDB skips what it cannot parse (it has no line numbers, no
malformed capture, no checksums, no ledger), so the ratio is what exactness costs on top of
raw CSV-to-Parquet conversion.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from procmem import run_measured

from finlake.lake import Lake

DUCKDB_FLOOR = """
import sys, duckdb
from pathlib import Path
landing, out = Path(sys.argv[1]), Path(sys.argv[2])
con = duckdb.connect()
for path in sorted(landing.glob("*/*.csv")):
    target = out / path.parent.name / (path.stem + ".parquet")
    target.parent.mkdir(parents=True, exist_ok=True)
    con.execute(
        "copy (select * from read_csv(?, all_varchar = true, header = true, ignore_errors = true))"
        " to '" + str(target) + "' (format parquet, compression snappy)",
        [str(path)],
    )
"""


class CpuByProcess:
    """CPU seconds of this process's descendants, by kind (JVM, Python workers, driver).

    Samples /proc while a measured command runs; a process's last sample is its total.
    """

    TICK = os.sysconf("SC_CLK_TCK")

    def __init__(self):
        self.seen: dict[int, tuple[str, float]] = {}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()

    def _loop(self):
        while not self.done.is_set():
            for pid in self._tree(os.getpid()):
                try:
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                    cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
                except (OSError, IndexError):
                    continue
                cpu = (int(fields[11]) + int(fields[12])) / self.TICK
                self.seen[pid] = (self._kind(cmd), cpu)
            self.done.wait(0.25)

    @staticmethod
    def _tree(root: int) -> list[int]:
        out, stack = [], [root]
        while stack:
            pid = stack.pop()
            try:
                for task in Path(f"/proc/{pid}/task").iterdir():
                    stack.extend(int(c) for c in (task / "children").read_text().split())
            except OSError:
                continue
            if pid != root:
                out.append(pid)
        return out

    @staticmethod
    def _kind(cmd: str) -> str:
        if "java" in cmd.split(" ", 1)[0]:
            return "jvm"
        if "pyspark.daemon" in cmd or "pyspark/worker" in cmd:
            return "python_workers"
        return "driver_and_other"

    def totals(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for kind, cpu in self.seen.values():
            out[kind] = round(out.get(kind, 0.0) + cpu, 1)
        return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="medium", help="generator preset (default medium)")
    parser.add_argument("--out", default="lake-bench", help="scratch folder")
    parser.add_argument("--keep", action="store_true", help="keep bronze after the run")
    args = parser.parse_args(argv)
    lake = Path(args.out) / f"ingest-{args.preset}"
    gen = [sys.executable, "-m", "finlake", "--quiet", "generate", "--preset", args.preset]
    result, _, _ = run_measured([*gen, "--lake", str(lake)])
    if result.returncode != 0:
        print(result.stderr, file=sys.stderr)
        return result.returncode
    files = sorted(Lake(lake).landing.glob("*/*.csv"))
    size = sum(p.stat().st_size for p in files)

    shutil.rmtree(Lake(lake).bronze, ignore_errors=True)
    cmd = [sys.executable, "-m", "finlake", "ingest", "--lake", str(lake), "--dev-pii-key"]
    with CpuByProcess() as cpu:
        result, seconds, peak = run_measured(cmd)
    print(result.stdout, end="")
    if result.returncode != 0:
        print(result.stderr, file=sys.stderr)
        return result.returncode
    ledger = _ledger(Lake(lake).load_log)
    rows = sum(r["rows_written"] for r in ledger)
    lines = sum(r["lines_read"] for r in ledger)

    with tempfile.TemporaryDirectory(dir=args.out) as scratch, CpuByProcess() as floor_cpu:
        floor, floor_seconds, floor_peak = run_measured(
            [sys.executable, "-c", DUCKDB_FLOOR, str(Lake(lake).landing), scratch]
        )
        if floor.returncode != 0:
            print(floor.stderr, file=sys.stderr)
            return floor.returncode

    figures = {
        "preset": args.preset,
        "files": len(files),
        "csv_mb": round(size / 1e6, 1),
        "lines_read": lines,
        "rows_written": rows,
        "malformed": lines - rows,
        "wall_s": round(seconds, 1),
        "rows_per_s": round(lines / seconds),
        "mb_per_s": round(size / 1e6 / seconds, 1),
        "peak_rss_mb_tree": round(peak / 1e6),
        "cpu_s": cpu.totals(),
        "duckdb_floor_wall_s": round(floor_seconds, 1),
        "duckdb_floor_mb_per_s": round(size / 1e6 / floor_seconds, 1),
        "duckdb_floor_peak_rss_mb": round(floor_peak / 1e6),
        "duckdb_floor_cpu_s": round(sum(floor_cpu.totals().values()), 1),
        "ratio_spark_to_floor": round(seconds / floor_seconds, 2),
        # CPU seconds are the fairer ratio on a shared machine: wall time depends on the load.
        "cpu_ratio_spark_to_floor": round(
            sum(cpu.totals().values()) / max(sum(floor_cpu.totals().values()), 0.1), 2
        ),
    }
    print(json.dumps(figures))
    out = Path(args.out) / "ingest.json"
    out.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"figures written to {out}")
    if not args.keep:
        shutil.rmtree(Lake(lake).bronze, ignore_errors=True)
    return 0


def _ledger(folder: Path) -> list[dict]:
    import pyarrow.dataset as ds

    return ds.dataset(folder, format="parquet").to_table().to_pylist()


if __name__ == "__main__":
    sys.exit(main())
