"""`make test`'s runner (tools/test_steps.py) on a toy Makefile, and the real TEST_PLAN: every
step it lists is a make target, in a mode the runner knows."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
RUNNER = REPO / "tools" / "test_steps.py"

TOY = """\
ok-a:
\t@echo a-ran
ok-b:
\t@echo b-ran
fails:
\t@echo about-to-fail; exit 3
slow-side:
\t@sleep 1; echo side-ran
side-fails:
\t@echo side-broke; exit 1
sleeper:
\t@echo $$$$ > sleeper.pid; exec sleep 60
busy-server:
\t@(setsid python3 -c "$$BUSY" &); while [ ! -f burnt ]; do sleep 0.1; done; sleep 2.5
"""


def runner(tmp_path: Path, *plan: str, wait: bool = True):
    (tmp_path / "Makefile").write_text(TOY)
    command = [sys.executable, str(RUNNER), *plan]
    if not wait:
        return subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, text=True)
    return subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=60)


def test_in_turn_steps_run_in_order_and_beside_logs_come_after(tmp_path):
    done = runner(tmp_path, "slow-side", "beside", "ok-a", "in-turn", "ok-b", "in-turn")
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    order = [out.index(s) for s in ("a-ran", "== make ok-a: ok", "b-ran", "side-ran")]
    assert order == sorted(order)
    assert re.search(r"== make slow-side: ok in [12]s, \d+s of CPU", out)


def test_a_failing_step_stops_the_others_in_turn_and_fails_the_run(tmp_path):
    done = runner(tmp_path, "ok-a", "in-turn", "fails", "in-turn", "ok-b", "in-turn")
    assert done.returncode == 1
    assert "about-to-fail" in done.stdout and "b-ran" not in done.stdout
    assert "finlake: 'make fails' failed." in done.stderr


def test_a_failing_beside_step_is_printed_and_fails_the_run(tmp_path):
    done = runner(tmp_path, "side-fails", "beside", "ok-a", "in-turn")
    assert done.returncode == 1
    assert "side-broke" in done.stdout and "== make side-fails: FAILED after" in done.stdout
    assert "finlake: 'make side-fails' failed." in done.stderr


def test_a_bad_plan_is_one_sentence(tmp_path):
    done = runner(tmp_path, "ok-a", "sideways")
    assert done.returncode != 0
    assert done.stderr.strip() == (
        "finlake: TEST_PLAN gives step 'ok-a' the mode 'sideways'; use in-turn or beside."
    )


def test_sigterm_stops_the_steps_still_running(tmp_path):
    proc = runner(tmp_path, "sleeper", "beside", "sleeper", "in-turn", wait=False)
    pid_file = tmp_path / "sleeper.pid"
    deadline = time.monotonic() + 20
    while not (pid_file.is_file() and pid_file.read_text().strip()):
        assert time.monotonic() < deadline, "the step never started"
        time.sleep(0.1)
    time.sleep(0.3)  # both steps started
    sleeper = int(pid_file.read_text())
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=20) == 128 + signal.SIGTERM
    with pytest.raises(ProcessLookupError):
        for _ in range(50):  # reaped by its make a moment later
            os.kill(sleeper, 0)
            time.sleep(0.1)


# The recipes without their install: the install stamp is the Makefile itself, and `-o` keeps
# make from remaking it. Without `-o`, GNU make remakes a makefile older than its
# prerequisites even under -n (a clone's Makefile may be older than requirements/lock.txt),
# and each check ran `pip install` into the .venv the other test steps were using.
NOT_THE_INSTALL = ("STAMP=Makefile", "-o", "Makefile")


def make_value(variable: str) -> str:
    """A variable of the repository's Makefile (and mk/*.mk), as make expands it."""
    return subprocess.run(
        ["make", "-s", "--no-print-directory", "--eval", f"show: ; @echo $({variable})", "show"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_every_step_of_the_plan_is_a_make_target():
    words = make_value("TEST_PLAN").split()
    plan = dict(zip(words[::2], words[1::2]))
    assert {"lint", "test-python"} <= set(plan) and set(plan.values()) <= {"in-turn", "beside"}
    for target in plan:  # -n prints a recipe without running it; an unknown target fails
        known = subprocess.run(
            ["make", "-n", "--no-print-directory", target, *NOT_THE_INSTALL],
            cwd=REPO,
            capture_output=True,
            text=True,
        )
        assert known.returncode == 0, f"TEST_PLAN lists '{target}': {known.stderr.strip()}"


def test_every_suite_test_python_leaves_out_is_run_by_a_step_of_its_own():
    words = make_value("TEST_PLAN").split()
    recipes = "\n".join(
        subprocess.run(
            ["make", "-n", "--no-print-directory", target, *NOT_THE_INSTALL],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for target in words[::2]
        if target != "test-python"
    )
    left_out = [w.split("=", 1)[1] for w in make_value("PYTEST_IGNORE").split()]
    assert left_out, "PYTEST_IGNORE is empty"
    runs = set(recipes.split())
    assert not [suite for suite in left_out if suite not in runs], (
        f"suites no step of TEST_PLAN runs: {[s for s in left_out if s not in runs]}"
    )


def test_a_pytest_step_that_collects_nothing_fails_and_says_so():
    ran = subprocess.run(
        [
            *("make", "--no-print-directory", "test-services", *NOT_THE_INSTALL),
            "PYTEST_ARGS=-k no_test_is_named_like_this",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert ran.returncode != 0
    assert "finlake: pytest collected no tests; that is a failure here." in ran.stderr


# Burns 3 s of CPU, says so, and lives on a while, as a server does: the sampler reads a process
# only while it lives, and the step lasts more than one sampling interval after the burn.
BUSY = (
    "import time, pathlib\n"
    "t = time.process_time()\n"
    "while time.process_time() - t < 3: pass\n"
    "pathlib.Path('burnt').touch()\n"
    "time.sleep(6)\n"
)


def test_the_cpu_of_a_step_counts_the_servers_it_detached(tmp_path, monkeypatch):
    """A server a step starts in the background and never waits for (Trino's launcher) is still
    the step's: its environment names the step."""
    monkeypatch.setenv("BUSY", BUSY)
    done = runner(tmp_path, "busy-server", "in-turn")
    assert done.returncode == 0, done.stdout + done.stderr
    seconds = int(re.search(r"== make busy-server: ok in \d+s, (\d+)s of CPU", done.stdout)[1])
    assert seconds >= 2, done.stdout
    assert re.search(r"== CPU by step .*\n +busy-server +\d+s", done.stdout), done.stdout
