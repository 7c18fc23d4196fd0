"""Run `make test`'s steps as the Makefile's TEST_PLAN lists them: `python tools/test_steps.py
STEP MODE [STEP MODE ...]`, where MODE is `in-turn` or `beside`.

`beside` steps start first, each `make <step>` in the background with its output in its own log;
then the `in-turn` steps run one after another, in the order listed, their output as it comes,
stopping at the first that fails; then each beside step's log is printed whole with its outcome.
The exit status is 0 only when every step that ran passed. SIGINT or SIGTERM is passed on to
every running step (each runs in its own process group), which are waited for before exiting.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

MODES = ("in-turn", "beside")
SHARED_DIR_ENV = "FINLAKE_TEST_SHARED_DIR"  # tests/lake_copy.py reads it
TRINO_JVM_OPTIONS_ENV = "FINLAKE_TRINO_JVM_OPTIONS"  # tools/trino/server.py reads it
SPARK_JVM_OPTIONS_ENV = "FINLAKE_SPARK_JVM_OPTIONS"  # finlake/spark.py reads it


@dataclass
class Step:
    target: str
    mode: str
    process: subprocess.Popen | None = None
    started: float = field(default_factory=time.monotonic)
    log: Path | None = None
    finished: float | None = None
    cpu: float = 0.0  # seconds of CPU (user + system) the step and the processes it waited for used
    ended: threading.Event = field(default_factory=threading.Event)

    def elapsed(self) -> int:
        return round((self.finished or time.monotonic()) - self.started)

    def outcome(self) -> str:
        return f"{self.elapsed()}s, {round(self.cpu)}s of CPU"

    def watch(self) -> None:
        """Note when the step ends and what CPU it used (a beside step's time is its own, not the
        wait for it). All steps share the machine's cores: the CPU figure says which to cut."""

        def wait() -> None:
            try:
                _, status, usage = os.wait4(self.process.pid, 0)
                self.process.returncode = os.waitstatus_to_exitcode(status)
                self.cpu = usage.ru_utime + usage.ru_stime
            except ChildProcessError:  # reaped elsewhere: the exit status is what Popen saw
                self.process.wait()
            self.finished = time.monotonic()
            self.ended.set()

        threading.Thread(target=wait, daemon=True).start()

    def wait(self) -> int:
        while not self.ended.wait(0.5):  # a timeout, so a signal handler gets to run
            pass
        return self.process.returncode


def parse_plan(words: list[str]) -> list[Step]:
    """Pairs of words: a make target and its mode; one sentence naming a bad pair."""
    if len(words) % 2:
        raise SystemExit(
            f"finlake: TEST_PLAN ends with '{words[-1]}' alone; list each step as a target and a mode ({' or '.join(MODES)})."
        )
    steps = [Step(t, m) for t, m in zip(words[::2], words[1::2])]
    for step in steps:
        if step.mode not in MODES:
            raise SystemExit(
                f"finlake: TEST_PLAN gives step '{step.target}' the mode '{step.mode}'; "
                f"use {' or '.join(MODES)}."
            )
    return steps


def make(step: Step, log: Path | None = None) -> subprocess.Popen:
    command = [os.environ.get("MAKE", "make"), "--no-print-directory", step.target]
    out = open(log, "wb") if log else None  # noqa: SIM115 (closed when the step is reaped)
    step.started, step.log = time.monotonic(), log
    step.process = subprocess.Popen(
        command, stdout=out, stderr=subprocess.STDOUT if out else None, start_new_session=True
    )
    if out:
        out.close()  # the child holds its own descriptor
    return step.process


def run(steps: list[Step], logs: Path) -> int:
    running: list[Step] = []
    stopped: list[int] = []  # the signal that stopped the run

    def pass_on(signum, _frame):  # only signals here: the waits below then return
        stopped.append(signum)
        for step in running:
            if step.process and step.process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(step.process.pid, signum)

    signal.signal(signal.SIGINT, pass_on)
    signal.signal(signal.SIGTERM, pass_on)
    status = 0
    beside = [s for s in steps if s.mode == "beside"]
    for step in beside:
        print(
            f"== make {step.target}: started beside the others (log printed at the end)", flush=True
        )
        running.append(step)
        make(step, logs / f"{step.target}.log")
        step.watch()
    for step in (s for s in steps if s.mode == "in-turn"):
        if stopped:
            break
        print(f"== make {step.target}", flush=True)
        running.append(step)
        make(step)
        step.watch()
        if step.wait() != 0:
            print(f"finlake: 'make {step.target}' failed.", file=sys.stderr, flush=True)
            status = 1
            break
        print(f"== make {step.target}: ok in {step.outcome()}", flush=True)
    for step in beside:
        code = step.wait()
        outcome = f"ok in {step.outcome()}" if code == 0 else f"FAILED after {step.outcome()}"
        print(f"== make {step.target} (ran beside the others):", flush=True)
        sys.stdout.buffer.write(step.log.read_bytes())
        print(f"== make {step.target}: {outcome}", flush=True)
        if code != 0:
            print(f"finlake: 'make {step.target}' failed.", file=sys.stderr, flush=True)
            status = 1
    return 128 + stopped[0] if stopped else status


def main(argv: list[str] | None = None) -> int:
    steps = parse_plan(sys.argv[1:] if argv is None else argv)
    with tempfile.TemporaryDirectory(prefix="finlake-test-") as logs:
        # A folder every step's tests share for this run: the tiny warehouse several suites
        # need is built there once and copied (tests/lake_copy.py, shared_lake).
        os.environ[SHARED_DIR_ENV] = str(Path(logs) / "shared")
        # Test servers and Spark sessions are short-lived: the C1 JIT alone costs their JVMs
        # less CPU on 2 cores.
        os.environ.setdefault(TRINO_JVM_OPTIONS_ENV, "-XX:TieredStopAtLevel=1")
        os.environ.setdefault(SPARK_JVM_OPTIONS_ENV, "-XX:TieredStopAtLevel=1")
        return run(steps, Path(logs))


if __name__ == "__main__":
    sys.exit(main())
