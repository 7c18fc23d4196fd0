# The dashboard (dashboards/, Streamlit) and the browser its tests drive (tools/browser).
#   dashboard   serve the dashboard on $(LAKE)'s dev warehouse at http://localhost:$(DASHBOARD_PORT)/
#   chromium    find Chromium for the browser tests, installing Debian's package when root
# The browser tests themselves (tests/dashboard, tests/lineage/test_lineage_page_browser.py) are
# pytest suites, so test-python runs them; .ci/run installs Chromium before `make test`.

DASHBOARD_PORT ?= 8501

.PHONY: dashboard chromium

dashboard: install ## serve the dashboard on LAKE's warehouse (after make demo) at localhost:8501
	$(PY) dashboards/serve.py --lake $(LAKE) --port $(DASHBOARD_PORT)

chromium: ## find Chromium for the browser tests, or install Debian's package (as root)
	@$(PYTHON) -m tools.browser ensure
