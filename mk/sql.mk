# SQL review (tools/sql_lint, tools/athena_check): what a pull request that touches the dbt
# project must pass, each step runnable on its own. None needs AWS, a warehouse or data,
# except dbt-slim-ci, which generates the tiny preset.
#   lint-sql          sqlfluff over models/ and tests/dbt/ (rules in .sqlfluff)
#   lint-sql-changed  the same over the SQL files changed since the merge base with BASE
#   fix-sql           sqlfluff fix in place (formatting only; check with sql-same-queries)
#   sql-same-queries  prove models/ and tests/dbt/ compile to the same queries as at BASE
#   athena-check      compile for prod (dbt-athena) against moto and check every model and test
#   dbt-state         dbt parse of MAIN_DIR (a checkout of main) into STATE, for state:modified;
#                     with STATE_LAKE, also main's source freshness over that lake (landed by
#                     main's code when empty), for source_status:fresher
#   dbt-slim-ci-plan  what `--select state:modified+` builds against STATE (and
#                     source_status:fresher+ over SLIM_LAKE when STATE holds sources.json)
#   dbt-slim-ci       dbt build on dev of state:modified+ (and fresher+) over the tiny preset
#   ci-summary        the pull-request checks' results as Markdown for $GITHUB_STEP_SUMMARY

BASE ?= origin/main
STATE ?=
STATE_LAKE ?=
SLIM_LAKE ?=
MAIN_DIR ?=
CI_LOG_DIR ?= $(or $(RUNNER_TEMP),/tmp)

.PHONY: lint-sql lint-sql-changed fix-sql sql-same-queries athena-check dbt-state \
	dbt-slim-ci-plan dbt-slim-ci ci-summary

lint-sql: $(STAMP) ## sqlfluff over models/ and tests/dbt/ (dbt templater, offline)
	$(PY) -m tools.sql_lint lint

lint-sql-changed: $(STAMP) ## sqlfluff over the SQL changed since the merge base with BASE (origin/main)
	$(PY) -m tools.sql_lint changed --base $(BASE)

fix-sql: $(STAMP) ## sqlfluff fix over models/ and tests/dbt/ (then run sql-same-queries)
	$(PY) -m tools.sql_lint fix

sql-same-queries: $(STAMP) ## prove the SQL compiles to the same queries as at BASE (e.g. BASE=HEAD)
	$(PY) -m tools.sql_lint same-sql --base $(BASE)

athena-check: $(STAMP) ## compile for prod against a local AWS emulator and check Athena readiness
	$(PY) -m tools.athena_check

dbt-state: $(STAMP) ## dbt parse MAIN_DIR (a checkout of main) into STATE for slim CI
	@test -n "$(MAIN_DIR)" -a -n "$(STATE)" \
		|| { echo "finlake: set MAIN_DIR=<checkout of main> and STATE=<folder for its manifest>." >&2; exit 2; }
	$(PY) -m tools.slim_ci state --project-dir $(MAIN_DIR) --state $(STATE) \
		$(if $(STATE_LAKE),--lake $(STATE_LAKE))

dbt-slim-ci-plan: $(STAMP) ## list what state:modified+ selects against STATE
	@test -n "$(STATE)" || { echo "finlake: set STATE=<folder with main's manifest.json> (make dbt-state)." >&2; exit 2; }
	$(PY) -m tools.slim_ci plan --state $(STATE) $(if $(SLIM_LAKE),--lake $(SLIM_LAKE))

dbt-slim-ci: $(STAMP) ## dbt build on dev of the modified models and their children (tiny preset)
	@test -n "$(STATE)" || { echo "finlake: set STATE=<folder with main's manifest.json> (make dbt-state)." >&2; exit 2; }
	$(PY) -m tools.slim_ci build --state $(STATE)

ci-summary: ## Markdown summary of the pull-request checks (reads CI_LOG_DIR and CI_OUTCOMES)
	@$(PYTHON) .github/scripts/step_summary.py --log-dir $(CI_LOG_DIR)

# The suites of these tools (tests/sql_lint, tests/athena_check: the sqlfluff-fix round trip,
# slim CI, the deliberate Athena break) need no data and share nothing with the rest, so
# `make test` runs them beside test-python as test-sql-tools.

.PHONY: test-sql-tools
test-sql-tools: $(STAMP) ## pytest of the SQL review tools (tests/sql_lint, tests/athena_check)
	$(call run_pytest,-p no:cacheprovider tests/sql_lint tests/athena_check $(PYTEST_DURATIONS) $(PYTEST_ARGS))
