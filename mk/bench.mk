# Benchmarks of a daily run's cost (never fail on a timing; the figures are the output).
#   bench-incremental  generate BENCH_INCREMENTAL_PRESET into lake-bench/, build it in full, then
#                      deliver one and then seven more days (finlake generate --continue), each
#                      ingested, built incrementally and compared with a full rebuild of the same
#                      data: wall time, peak memory, bytes read from bronze and silver per model,
#                      projected Athena cost at $5/TB (bench/incremental_bench.py). A smoke run:
#                      make bench-incremental BENCH_INCREMENTAL_PRESET=tiny
#                      BENCH_INCREMENTAL_TARGET: dev (DuckDB, the default; bytes from DuckDB's
#                      profile, silver bytes an estimate) or trino (a local Trino server started
#                      and stopped around the run, tools/trino/; bytes from Trino's query
#                      statistics, bench/trino_reads.py, the stand-in for Athena's bytes scanned):
#                      make bench-incremental BENCH_INCREMENTAL_PRESET=tiny BENCH_INCREMENTAL_TARGET=trino

BENCH_INCREMENTAL_PRESET ?= medium
BENCH_INCREMENTAL_TARGET ?= dev

.PHONY: bench-incremental

bench-incremental: install ## incremental builds vs full rebuilds over 1 and 7 more days (bench/incremental_bench.py)
	$(PY) bench/incremental_bench.py --preset $(BENCH_INCREMENTAL_PRESET) --target $(BENCH_INCREMENTAL_TARGET)
