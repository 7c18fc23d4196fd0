"""The watchdog of a local server the tests start (Trino, moto): nothing is left running.

A server started for a run (tools/trino/server.py, tools/athena_check/moto_server.py) gets a
watchdog: a small process in its own session (so a signal to the run's process group does not
reach it) that stops the server

- once the process that started it is gone, however it went (SIGKILL included), or it was
  orphaned;
- when the watchdog itself is told to stop (SIGTERM, SIGINT or SIGHUP, e.g. a `kill <pid>` of
  it): it stops its server first, then exits. A watchdog that simply died would leave the
  server (a 1.6 GB JVM for Trino) running, orphaned to init.

The run that stopped its server the ordinary way dismisses the watchdog (SIGKILL: there is
nothing left for it to do). Standard library only: tools/trino/server.py runs as a script.

    watchdog = start([sys.executable, "server.py", "watch", ...])   # in the run
    watch(parent, stop=lambda: stop_my_server())                    # in the watchdog
    dismiss(watchdog)                                               # after the ordinary stop
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

# The signals after which a watchdog stops its server, then exits.
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def process_alive(pid: int) -> bool:
    """True when a process `pid` exists (also one this user may not signal)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def start(command: Sequence[str], cwd: Path | None = None) -> subprocess.Popen[bytes]:
    """Start the watchdog `command` in a session of its own, detached from the terminal."""
    return subprocess.Popen(
        list(command),
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # a signal to the run's process group does not reach it
    )


def dismiss(watchdog: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    """End the watchdog of a server that was stopped the ordinary way."""
    if watchdog.poll() is None:
        watchdog.kill()
    watchdog.wait(timeout=timeout)


def watch(
    parent: int,
    stop: Callable[[], bool],
    running: Callable[[], bool] | None = None,
    poll: float = 0.5,
    grace: float = 0.0,
) -> str:
    """Wait until process `parent` has ended, this process was orphaned or told to stop
    (STOP_SIGNALS), then call `stop` (True when it stopped a server), again every `poll`
    seconds for `grace` seconds while it finds none (a server still being launched).
    `running`, when given, ends the watch quietly once the server is gone the ordinary way.
    Returns why it stopped the server: "parent gone", "orphaned" or the signal's name."""
    told: list[str] = []

    def on_signal(signum: int, _frame) -> None:
        if not told:
            told.append(signal.Signals(signum).name)

    for signum in STOP_SIGNALS:
        signal.signal(signum, on_signal)
    original_parent = os.getppid()
    while not told:
        if not process_alive(parent):
            told.append("parent gone")
        elif os.getppid() != original_parent:
            told.append("orphaned")
        elif running is not None and not running():
            return "stopped the ordinary way"
        else:
            time.sleep(poll)  # a signal interrupts the sleep; its handler runs first
    deadline = time.monotonic() + grace
    while not stop() and time.monotonic() < deadline:
        time.sleep(poll)
    return told[0]
