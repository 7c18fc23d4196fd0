"""A Trino server started for a run is stopped when the run is killed (issue 20, item 5).

`make test` interrupted (SIGTERM or SIGINT to its process group, as CI cancellation and Ctrl-C
send) must not leave the server's 1.6 GB JVM running, orphaned to init: `server.py run` (as
every `running_server` block) leaves a watchdog in its own session that stops the server once
its parent has gone, however it went.
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
