"""Fixtures of the Trino parity suite: one Trino server and one Trino build per session.

Tests marked `trino` need the server (tools/trino/server.py starts it, and stops it at the end
of the session whatever happens). They run when pytest is pointed at tests/trino (that is
`make parity`, a step of `make test`) or when FINLAKE_TRINO_TESTS=1, which `make parity` sets;
the session's tiny warehouse (tests/conftest.py) is their dev side. A bare `pytest` leaves them
out; FINLAKE_TRINO_TESTS=0 skips them everywhere.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from finlake.environ import environment
from finlake.parity import ParityReport, compare, layer_schemas, read_duckdb, read_trino
from tests.conftest import DEV_TARGET_PATH
from tests.lake_copy import copy_lake
from tests.trino.pipeline import BRONZE_COMMAND_ENV, Build, build, make_tiny_lake, recorded_build

REPO = Path(__file__).resolve().parents[2]


def load_server_module():
    """tools/trino/server.py, which is a script beside the package rather than part of it."""
    spec = importlib.util.spec_from_file_location(
        "finlake_trino_server", REPO / "tools" / "trino" / "server.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


trino_server = load_server_module()

SUITE = Path(__file__).resolve().parent
COSTS: dict[str, str] = {}
REPORT: list[str] = []  # the parity report, printed at the end of the session


def pytest_configure(config):
    config.addinivalue_line("markers", "trino: needs the local Trino server (tools/trino/)")


def trino_tests_selected(config) -> tuple[bool, str]:
    choice = os.environ.get("FINLAKE_TRINO_TESTS", "")
    if choice == "0":
        return False, "FINLAKE_TRINO_TESTS=0"
    if choice == "1":
        return True, ""
    root = Path(config.rootpath)
    targets = [Path(arg.split("::")[0]) for arg in config.args] or [root]
    inside = all(SUITE in [(root / t).resolve(), *(root / t).resolve().parents] for t in targets)
    return (
        inside,
        "the Trino parity suite runs in `make parity`, a step of `make test` (FINLAKE_TRINO_TESTS=1)",
    )


def pytest_collection_modifyitems(config, items):
    selected, reason = trino_tests_selected(config)
    if selected:
        return
    skip = pytest.mark.skip(reason=reason)
    for item in items:
        if "trino" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def trino(tmp_path_factory):
    """A running Trino server (fetched into the cache the first time), stopped at the end."""
    fetched = trino_server.fetch(log=lambda _: None)
    if not fetched.cached:
        COSTS["download"] = fetched.describe()
    state = tmp_path_factory.mktemp("trino-state")
    with trino_server.running_server(state, log=lambda _: None) as info:
        COSTS["start"] = (
            f"Trino {info.version} on Java {info.java_home}: answered after {info.start_seconds:.0f}s"
        )
        with environment(info.environment()):
            yield info


@dataclass
class ParityRun:
    report: ParityReport
    dev: Build
    trino: Build
    timings: dict[str, float] = field(default_factory=dict)


@pytest.fixture(scope="session")
def parity_run(trino, request, tmp_path_factory) -> ParityRun:
    """The tiny preset built on dev and on trino, and the comparison of the two.

    The dev side is the session's tiny_warehouse (tests/conftest.py: the Spark ingest and a
    full `dbt build` on dev), copied so that the Trino build has a lake of its own. With
    FINLAKE_PARITY_BRONZE_CMD set, bronze comes from that command and dev is built here.
    """
    work = tmp_path_factory.mktemp("parity")
    timings = {}
    started = time.perf_counter()
    if os.environ.get(BRONZE_COMMAND_ENV):
        lake = make_tiny_lake(work / "lake")
        timings["tiny lake (generate + bronze)"] = time.perf_counter() - started
        dev = build(lake, "dev", work)
    else:
        warehouse = request.getfixturevalue("tiny_warehouse")
        lake = copy_lake(warehouse, work / "lake")
        dev = recorded_build(lake.root / DEV_TARGET_PATH / "run_results.json", "dev")
        timings["tiny warehouse (generate, ingest, dev build; shared)"] = (
            time.perf_counter() - started
        )
    server_cpu = trino_server.cpu_seconds(trino.pid)
    on_trino = build(lake, "trino", work)
    server_cpu = trino_server.cpu_seconds(trino.pid) - server_cpu
    started = time.perf_counter()
    schemas = layer_schemas()
    report = compare(
        read_duckdb(lake.warehouse, schemas),
        read_trino(trino.host, trino.port, trino_server.ICEBERG_CATALOG, schemas),
        left_results=dev.results,
        right_results=on_trino.results,
    )
    timings["compare"] = time.perf_counter() - started
    for one in (dev, on_trino):
        timings[f"{one.target}: seeds and models"] = one.model_seconds
        timings[f"{one.target}: tests"] = one.test_seconds
    COSTS["wall time"] = ", ".join(f"{name} {seconds:.0f}s" for name, seconds in timings.items())
    COSTS["CPU time"] = (
        f"dev build {dev.client_cpu_seconds:.0f}s (dbt and DuckDB, in this process); "
        f"trino build {server_cpu:.0f}s in the Trino server + {on_trino.client_cpu_seconds:.0f}s dbt"
    )
    REPORT.append(report.describe(verbose=True))
    return ParityRun(report=report, dev=dev, trino=on_trino, timings=timings)


def pytest_terminal_summary(terminalreporter):
    if REPORT:
        terminalreporter.section("Trino parity: tables")
        for line in REPORT[0].splitlines():
            terminalreporter.write_line(line)
    if COSTS:
        terminalreporter.section("Trino parity: cost")
        for key, value in COSTS.items():
            terminalreporter.write_line(f"{key}: {value}")
