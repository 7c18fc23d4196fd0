# The prod target run for real, offline (tools/athena_run): dbt-athena's own materialisations
# against an emulated AWS account -- moto's S3, Glue, STS, KMS and IAM, Trino 476 as Athena's
# engine with its Iceberg catalog on moto's Glue, and a small Athena API in front of Trino.
#   athena-run    the scenarios of tests/athena_run on the tiny preset (bootstrap, first build
#                 compared with dev, interrupted full refresh, no key in any statement, a view
#                 documented by dbt-athena). `make test` runs them inside test-python
#                 (FINLAKE_ATHENA_RUN_TESTS=1), sharing the tiny warehouse; ATHENA_RUN_TESTS=0
#                 leaves them out. Alone, `make athena-run` took 6m09s on a loaded 2-core machine.

.PHONY: athena-run

athena-run: $(STAMP) ## dbt-athena's materialisations for real on an offline AWS (moto + Trino + Athena API)
	$(PY) -m pytest -p no:cacheprovider tests/athena_run $(PYTEST_ARGS)
