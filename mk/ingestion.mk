# Ingestion (landing -> bronze, PySpark): its benchmark. Its tests run under `make test-python`.

BENCH_INGEST_PRESET ?= medium

.PHONY: bench-ingest

bench-ingest: install ## ingestion benchmark: finlake ingest vs the DuckDB floor (never fails on timing)
	$(PY) bench/ingest_bench.py --preset $(BENCH_INGEST_PRESET)
