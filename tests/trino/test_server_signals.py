"""A Trino server started for a run is stopped when the run is killed (issue 20, item 7).

`make test` interrupted (SIGTERM or SIGINT to its process group, as CI cancellation and Ctrl-C
send) must not leave the server's 1.6 GB JVM running, orphaned to init: `server.py run` (as
every `running_server` block, the test suite's `trino` fixture among them) leaves a watchdog in
its own session, started before the server, that stops the server once its parent has gone,
however it went, also while the server was still starting.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.trino.conftest import trino_server

SERVER = Path(__file__).resolve().parents[2] / "tools" / "trino" / "server.py"


@pytest.mark.trino
def test_a_terminated_run_leaves_no_server(tmp_path):
    trino_server.fetch(log=lambda _: None)
    state = tmp_path / "state"
    run = subprocess.Popen(
        [
            *(sys.executable, str(SERVER), "run", "--state", str(state), "--"),
            *(sys.executable, "-c", "import time; print('up', flush=True); time.sleep(600)"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,  # its own process group, like `make test` in a terminal
    )
    try:
        for line in run.stdout:
            if line.strip() == "up":
                break
        info = trino_server.status(state)
        assert info is not None and trino_server.process_alive(info.pid)
        os.killpg(run.pid, signal.SIGTERM)  # the whole group: the run and its command
        run.wait(timeout=30)
        deadline = time.monotonic() + 120
        while trino_server.process_alive(info.pid) and time.monotonic() < deadline:
            time.sleep(1)
        assert not trino_server.process_alive(info.pid), "the Trino server outlived its run"
    finally:
        if run.poll() is None:
            run.kill()
        trino_server.stop(state, log=lambda _: None)


HOLDING_TEST = """\
import time

import pytest


@pytest.mark.trino
def test_holds_the_server(trino):
    time.sleep(600)
"""


def port_answers(port: int) -> bool:
    import socket

    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.trino
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_test_session_leaves_no_server(tmp_path, signum):
    """A pytest session whose `trino` fixture is starting the server (the minute in which a
    `make test` is most often interrupted) gets SIGINT or SIGTERM on its process group, as from
    Ctrl-C or a cancelled CI job: neither the server's JVM nor its port may be left."""
    trino_server.fetch(log=lambda _: None)
    (tmp_path / "test_hold.py").write_text(HOLDING_TEST)
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers =\n    trino: needs Trino\n")
    basetemp = tmp_path / "basetemp"
    session = subprocess.Popen(
        [
            *(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"),
            *("-p", "tests.trino.conftest", "-c", str(tmp_path / "pytest.ini")),
            *("--basetemp", str(basetemp), str(tmp_path / "test_hold.py")),
        ],
        cwd=SERVER.parents[2],
        env={**os.environ, "FINLAKE_TRINO_TESTS": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, like `make test` in a terminal
    )
    pid = port = None
    state = None
    try:
        deadline = time.monotonic() + 180
        while pid is None and time.monotonic() < deadline and session.poll() is None:
            for candidate in basetemp.glob("trino-state*"):
                found = trino_server.launcher_pid(candidate)
                if found and trino_server.is_trino_process(found, candidate):
                    state, pid = candidate, found
            time.sleep(0.2)
        assert pid is not None, "the session never launched a Trino server"
        config = (state / "etc" / "config.properties").read_text()
        port = int(config.split("http-server.http.port=")[1].split()[0])
        os.killpg(session.pid, signum)
        session.wait(timeout=60)
        deadline = time.monotonic() + 90
        while (trino_server.process_alive(pid) or port_answers(port)) and (
            time.monotonic() < deadline
        ):
            time.sleep(0.5)
        assert not trino_server.is_trino_process(pid, state), (
            f"Trino (pid {pid}) outlived {signum!r}"
        )
        assert not port_answers(port), f"port {port} still answers after {signum!r}"
    finally:
        if session.poll() is None:
            os.killpg(session.pid, signal.SIGKILL)
        if state is not None:
            trino_server.stop(state, log=lambda _: None)
