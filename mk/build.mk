# Build (`finlake build`: dbt on dev, DuckDB; finlake/build.py): its benchmark. The build's tests
# run in `make test-python` (tests/warehouse builds the tiny preset's warehouse) and in
# `make parity` (tests/trino).
#   bench-dbt   generate and ingest BENCH_DBT_PRESET into lake-bench/, then time a full
#               `finlake build` and a no-op re-run (bench/dbt_bench.py; never fails on timing)

BENCH_DBT_PRESET ?= small
BENCH_DBT_LAKE := lake-bench/dbt-$(BENCH_DBT_PRESET)

.PHONY: bench-dbt

bench-dbt: install ## dbt build benchmark on dev: full build and incremental re-run
	$(BIN)/finlake --quiet generate --preset $(BENCH_DBT_PRESET) --lake $(BENCH_DBT_LAKE)
	$(BIN)/finlake ingest --lake $(BENCH_DBT_LAKE) --dev-pii-key
	$(PY) bench/dbt_bench.py --lake $(BENCH_DBT_LAKE)
