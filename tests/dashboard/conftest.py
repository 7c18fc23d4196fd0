"""The dashboard served by Streamlit on the shared tiny warehouse (tests/conftest.py), on a free
port, stopped when the module's tests are done -- also when they fail or are interrupted, and
with the test process (the server gets SIGTERM when its parent dies); and each of its pages
rendered once in headless Chromium for the tests to read."""

from __future__ import annotations

import ctypes
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from dashboards.figures import PAGES
from dashboards.serve import command
from tests.browser_fixture import WatchedPage, watch

REPO = Path(__file__).resolve().parents[2]

STARTUP_SECONDS = 90
RENDER_MS = 120_000
FIRST = next(iter(PAGES))  # the app's default page, served at the root


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@pytest.fixture(scope="module")
def dashboard(tiny_warehouse, tmp_path_factory):
    """The dashboard's base URL, e.g. http://127.0.0.1:PORT/"""
    port = _free_port()
    log = tmp_path_factory.mktemp("dashboard") / "streamlit.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            command(str(tiny_warehouse.root), port),
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=REPO,
            preexec_fn=_die_with_parent,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if server.poll() is not None:
                pytest.fail(f"streamlit exited ({server.returncode}): {log.read_text()[-800:]}")
            try:
                with urllib.request.urlopen(url + "_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit did not answer in {STARTUP_SECONDS} s: {log.read_text()}")
            time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
def rendered(dashboard, chromium):
    """Every page opened once and run to its end: page key -> WatchedPage, with a screenshot of
    each in test-artifacts/screenshots/dashboard_<page>.png."""
    pages: dict[str, WatchedPage] = {}
    try:
        for key in PAGES:
            watched = pages[key] = watch(chromium, dashboard if key == FIRST else dashboard + key)
            watched.page.wait_for_selector(
                '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=RENDER_MS
            )
            watched.page.locator("h1").first.wait_for(timeout=RENDER_MS)
            watched.screenshot(f"dashboard_{key}")
        yield pages
    finally:
        for watched in pages.values():
            watched.close()
