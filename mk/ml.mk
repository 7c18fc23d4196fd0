# The default model's suites (tests/ml): training, validation, scoring, the notebook end to end
# on the tiny preset (Spark in local mode). `make test` runs them as a step of their own beside
# test-python (the Makefile's TEST_PLAN): ~7 min of the serial path in one process, where beside
# it they use the core the other steps leave idle in the second half of the run. The tiny
# warehouse they read is built once per `make test` for every step (tests/lake_copy.py).

.PHONY: test-ml

test-ml: $(STAMP) ## pytest of the default model (tests/ml): training, validation, scoring, notebook
	$(call run_pytest,-p no:cacheprovider tests/ml $(PYTEST_DURATIONS) $(PYTEST_ARGS))
