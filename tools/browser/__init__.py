"""Chromium for the browser tests (tests/dashboard, tests/lineage's page test): find it, or
install Debian's package when running as root. Standard library only, so .ci/run can call it
before the virtual environment exists:

    python3 -m tools.browser find      # print the Chromium executable, or fail saying how to get one
    python3 -m tools.browser ensure    # the same, installing Debian's chromium first as root
"""
