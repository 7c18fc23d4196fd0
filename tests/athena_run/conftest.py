"""Fixtures of the offline Athena suite: one emulated AWS account per session (tools/athena_run).

Tests marked `offline_athena` need moto and a Trino server. They run when pytest is pointed at
tests/athena_run (`make athena-run`, a step of `make test` beside test-python, which leaves this
folder out) or when FINLAKE_ATHENA_RUN_TESTS=1; a bare `pytest` leaves them out,
FINLAKE_ATHENA_RUN_TESTS=0 skips them everywhere.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tools.athena_run.stack import offline_athena

SUITE = Path(__file__).resolve().parent
TIMINGS: dict[str, str] = {}


def pytest_configure(config):
    config.addinivalue_line("markers", "offline_athena: needs moto and Trino (tools/athena_run)")


def pytest_collection_modifyitems(config, items):
    choice = os.environ.get("FINLAKE_ATHENA_RUN_TESTS", "")
    if choice == "1":
        return
    root = Path(config.rootpath)
    targets = [Path(arg.split("::")[0]) for arg in config.args] or [root]
    inside = all(SUITE in [(root / t).resolve(), *(root / t).resolve().parents] for t in targets)
    if inside and choice != "0":
        return
    skip = pytest.mark.skip(reason="the offline Athena suite runs in `make athena-run`")
    for item in items:
        if item.get_closest_marker("offline_athena"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def account(tmp_path_factory):
    """moto + Trino + the Athena facade, with bronze loaded; stopped at the end."""
    started = time.perf_counter()
    with offline_athena(tmp_path_factory.mktemp("athena-account"), log=lambda _: None) as acct:
        TIMINGS["start (moto, Trino, facade)"] = f"{time.perf_counter() - started:.0f}s"
        yield acct


def pytest_terminal_summary(terminalreporter):
    if TIMINGS:
        terminalreporter.section("Offline Athena: scenarios")
        for key, value in TIMINGS.items():
            terminalreporter.write_line(f"{key}: {value}")
