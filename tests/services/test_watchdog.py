"""A watchdog told to stop stops its server first (issue 20, item 7; tools/watchdog.py).

The watchdogs of tools/trino/server.py and tools/athena_check/moto_server.py run in a session
of their own and stop their server once the run that started it is gone. A SIGTERM or SIGINT
sent to the watchdog itself (a `kill <pid>` of a stray process, a CI runner ending every
session) used to end it and leave its server running, orphaned to init: now the watchdog
stops its server, then exits. Each test signals the real watchdog process and checks that its
server is gone; the Trino case uses a stand-in process that the server script recognises as
the Trino server of its state folder (its command line), so that no JVM has to start.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tools.athena_check.moto_server import MotoServer, is_moto_server
from tools.watchdog import process_alive

REPO = Path(__file__).resolve().parents[2]
SIGNALS = pytest.mark.parametrize(
    "signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"]
)


def wait_until(condition, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def catches(pid: int, signum: int) -> bool:
    """True when process `pid` has a handler for `signum` (SigCgt of /proc/<pid>/status)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    mask = next(line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:"))
    return bool(int(mask, 16) >> (signum - 1) & 1)


def started(watchdog: subprocess.Popen) -> None:
    """Wait until the watchdog has installed its handlers (it imports a few modules first).
    SIGHUP is the last it installs, and the only one of the three Python does not catch from
    the start (SIGINT's KeyboardInterrupt handler is there before any module is imported)."""
    ready = lambda: catches(watchdog.pid, signal.SIGHUP)  # noqa: E731
    assert wait_until(ready, timeout=60), "the watchdog installed no handler"
    assert watchdog.poll() is None, "the watchdog ended before it was signalled"


@SIGNALS
def test_a_signalled_moto_watchdog_stops_its_server(signum):
    server = MotoServer().start()
    pid, port, watchdog = server.process.pid, server.port, server.watchdog
    try:
        started(watchdog)
        os.kill(watchdog.pid, signum)
        assert wait_until(lambda: not is_moto_server(pid, port)), (
            f"the moto server outlived its watchdog's {signum.name}"
        )
        assert watchdog.wait(timeout=15) == 0
    finally:
        server.stop()


@SIGNALS
def test_a_signalled_trino_watchdog_stops_its_server(tmp_path, signum):
    state = tmp_path / "state"
    (state / "etc").mkdir(parents=True)
    # A process whose command line is the Trino server's of this state folder (what
    # server.py's is_trino_process reads), recorded where the launcher records the JVM's pid.
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time; time.sleep(600)",
            "io.trino.server.TrinoServer",
            f"-Dconfig={state.resolve() / 'etc' / 'config.properties'}",
        ]
    )
    (state / "server.pid").write_text(str(server.pid))
    watchdog = subprocess.Popen(
        [
            sys.executable,
            str(REPO / "tools" / "trino" / "server.py"),
            "watch",
            *("--state", str(state), "--parent", str(os.getpid())),
        ],
        cwd=tmp_path,  # as a script, from anywhere: it finds the shared module itself
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        started(watchdog)
        os.kill(watchdog.pid, signum)
        assert server.wait(timeout=30) is not None, "the server outlived its watchdog"
        assert watchdog.wait(timeout=15) == 0, watchdog.stderr.read().decode()
    finally:
        for process in (server, watchdog):
            if process.poll() is None:
                process.kill()
                process.wait()


def test_a_watchdog_dismissed_after_the_ordinary_stop_ends_at_once():
    from tools import watchdog as watchdogs

    sleeper = watchdogs.start([sys.executable, "-c", "import time; time.sleep(600)"])
    started_at = time.monotonic()
    watchdogs.dismiss(sleeper)
    assert not process_alive(sleeper.pid) and time.monotonic() - started_at < 5
