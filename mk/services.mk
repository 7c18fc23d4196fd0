# The services the lake and the tests rely on, against moto's server and stand-in processes:
#   test-services  tests/services: the lake lease on S3 (finlake/lease.py, conditional writes
#                  raced by several runs on one S3 lake) and the watchdogs of the Trino and moto
#                  servers (tools/watchdog.py, signalled). `make test` runs this step beside
#                  test-python (the Makefile's TEST_PLAN): it mostly waits on processes.

.PHONY: test-services

test-services: $(STAMP) ## pytest of the S3 lake lease and the server watchdogs (moto, processes)
	$(call run_pytest,-p no:cacheprovider tests/services $(PYTEST_DURATIONS) $(PYTEST_ARGS))
