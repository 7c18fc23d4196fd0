# finlake — the two commands a newcomer needs are `make demo` and `make test`.
# Everything else here is what those two are made of, and what CI and the PR workflow call.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.finlake-installed
TOOLS := .tools
CHECKOV_VENV := $(TOOLS)/checkov
LAKE ?= lake
PRESET ?= small
PROFILE ?= default
PYTEST_ARGS ?=

# `make test`, top to bottom: every check CI runs, one step a line -- a make target (defined here
# or in mk/<area>.mk) and how it runs. `in-turn` steps run one after another in this order and
# stop at the first failure; `beside` steps all start first, each in the background with its own
# log printed at the end: they share no files with the pytest run (dbt target and log folders
# are their own), and the pytest run leaves a core idle much of the time (JVM starts, Trino
# queries). tools/test_steps.py runs the table; a step is added by adding its line here.
TEST_PLAN := \
	lint            in-turn \
	test-python     in-turn \
	lint-sql        beside \
	athena-check    beside \
	test-sql-tools  beside \
	tf-check        beside \
	test-services   beside \
	parity          beside \
	athena-run      beside \
	test-ml         beside
# test-python is every suite under tests/ but those that are a step of their own above...
PYTEST_IGNORE := --ignore=tests/sql_lint --ignore=tests/athena_check --ignore=tests/athena_run \
	--ignore=tests/services --ignore=tests/trino --ignore=tests/ml
# The offline Athena scenarios (athena-run) and the Trino parity suite (parity) are steps of
# their own beside the others: they wait on dbt's round trips through moto and Trino much of the
# time, so beside the pytest run they cost little wall time, where inside it they added ~7 and
# ~8 min to its serial path. The tiny warehouse that test-python, parity, athena-run and test-ml
# all read is built once per run by the first to ask and copied by the others
# (tests/lake_copy.py, shared_lake; tools/test_steps.py names the shared folder).
# The slowest tests are listed at the end of each run, so CI's log says where the minutes go.
PYTEST_DURATIONS ?= --durations=25 --durations-min=10
# pytest as every test step runs it, `$(call run_pytest,ARGS)`: a step that collects nothing
# (pytest's exit 5: a path gone, a -k or marker mistyped) fails and says so. (`||`: the recipes'
# shell runs with -e, which would end it at pytest's status before any test of it.)
define run_pytest
$(PY) -m pytest $(1) || { status=$$?; if [ $$status -eq 5 ]; then echo "finlake: pytest collected no tests; that is a failure here." >&2; fi; exit $$status; }
endef
# Older branches append to these in mk/<area>.mk; their steps still run, after the table's.
TEST_STEPS :=
TEST_SIDE_STEPS :=

include $(sort $(wildcard mk/*.mk))

.PHONY: help install demo test test-python lint bench lock clean

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements/lock.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -c 'import sys; assert sys.version_info[:2] == (3, 11), "finlake needs Python 3.11; set PYTHON=/path/to/python3.11"' \
		|| { echo "finlake: $(PY) is not Python 3.11; remove $(VENV) and run again with PYTHON=python3.11." >&2; exit 2; }
	$(PY) -m pip install -q -r requirements/lock.txt
	$(PY) -m pip install -q --no-deps --no-build-isolation -e .
	@$(PY) -m finlake.java ensure
	@touch $@

install: $(STAMP) ## create .venv and install pinned dependencies (and Java 17 if missing)

demo: install ## generate the small preset and run every stage end to end
	$(BIN)/finlake demo --preset $(PRESET) --profile $(PROFILE) --lake $(LAKE)

test: install chromium ## run every check (what CI runs): the steps of TEST_PLAN above
	@MAKE="$(MAKE)" $(PY) tools/test_steps.py $(TEST_PLAN) $(foreach s,$(TEST_STEPS),$(s) in-turn) \
		$(foreach s,$(TEST_SIDE_STEPS),$(s) beside)

test-python: install ## the pytest suites (but those PYTEST_IGNORE leaves to their own step)
	$(call run_pytest,$(PYTEST_IGNORE) $(PYTEST_DURATIONS) $(PYTEST_ARGS))

lint: install ## ruff on the Python code
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install ## benchmarks: report figures, never fail on a timing
	$(PY) bench/generator_bench.py

lock: ## re-resolve dependencies and rewrite requirements/lock.txt
	rm -rf $(TOOLS)/lock-venv && $(PYTHON) -m venv $(TOOLS)/lock-venv
	$(TOOLS)/lock-venv/bin/pip install -q setuptools wheel -e ".[dev]"
	{ echo "# Exact versions a fresh machine installs (make install). Regenerate with: make lock"; \
	  $(TOOLS)/lock-venv/bin/pip freeze --all --exclude-editable | grep -v -E '^(pip|finlake)=='; } > requirements/lock.txt
	rm -rf $(TOOLS)/lock-venv

clean: ## remove generated data, dbt output and caches (keeps .venv)
	rm -rf $(LAKE) target dbt_packages logs .pytest_cache .ruff_cache
