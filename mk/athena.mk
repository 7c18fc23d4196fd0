# The prod target run for real, offline (tools/athena_run): dbt-athena's own materialisations
# against an emulated AWS account -- moto's S3, Glue, STS, KMS and IAM, Trino 476 as Athena's
# engine with its Iceberg catalog on moto's Glue, and a small Athena API in front of Trino.
#   athena-run    the README's AWS runbook as scenarios on the tiny preset (tests/athena_run:
#                 bootstrap and first build, a day's delivery with a build killed and re-run,
#                 Iceberg maintenance, full refreshes, the scores write; each compared with the
#                 dev build, every AWS call checked against its Terraform role). `make test`
#                 runs this step beside test-python (the Makefile's TEST_PLAN); the tiny
#                 warehouse it compares with is the run's shared one (tests/lake_copy.py).

.PHONY: athena-run

athena-run: $(STAMP) ## dbt-athena's materialisations for real on an offline AWS (moto + Trino + Athena API)
	$(call run_pytest,-p no:cacheprovider tests/athena_run $(PYTEST_DURATIONS) $(PYTEST_ARGS))
