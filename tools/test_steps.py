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
STEP_ENV = "FINLAKE_TEST_STEP"  # names the step in the environment of every process it starts
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class CpuSampler:
    """The CPU each step's processes use, servers and JVMs included: every `interval` seconds
    /proc is read, each process counted for the step named by FINLAKE_TEST_STEP in its
    environment (or in a parent's: some tools start processes with an environment of their own).
    A process that lives less than one interval can be missed; the figure is a floor."""

    def __init__(self, interval: float = 2.0) -> None:
        self.interval = interval
        self.ticks: dict[tuple[int, str], tuple[str, int]] = {}  # (pid, start) -> (step, ticks)
        self.steps: dict[tuple[int, str], str | None] = {}
        self.stop = threading.Event()
        self.machine_start = self.machine_ticks()

    @staticmethod
    def machine_ticks() -> int:
        try:
            fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
        except OSError:
            return 0
        return sum(int(f) for f in fields[:3]) + sum(int(f) for f in fields[5:8])  # not idle

    def step_of(self, pid: int, start: str, parent: int, depth: int = 0) -> str | None:
        key = (pid, start)
        if key in self.steps:
            return self.steps[key]
        step = None
        with contextlib.suppress(OSError):
            for item in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0"):
                if item.startswith(STEP_ENV.encode() + b"="):
                    step = item.split(b"=", 1)[1].decode()
        if step is None and parent > 1 and depth < 20:
            with contextlib.suppress(OSError, IndexError):
                fields = Path(f"/proc/{parent}/stat").read_text().rsplit(")", 1)[1].split()
                step = self.step_of(parent, fields[19], int(fields[1]), depth + 1)
        self.steps[key] = step
        return step

    def sample(self) -> None:
        if not Path("/proc/stat").exists():  # no procfs (macOS): the waited-for CPU only
            return
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                fields = Path(f"/proc/{entry.name}/stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            pid, start = int(entry.name), fields[19]
            step = self.step_of(pid, start, int(fields[1]))
            if step:
                self.ticks[(pid, start)] = (step, int(fields[11]) + int(fields[12]))

    def run(self) -> None:
        while not self.stop.wait(self.interval):
            self.sample()

    def start(self) -> None:
        threading.Thread(target=self.run, daemon=True).start()

    def cpu(self, step: str) -> float:
        return sum(t for s, t in self.ticks.values() if s == step) / CLOCK_TICKS

    def machine_cpu(self) -> float:
        return (self.machine_ticks() - self.machine_start) / CLOCK_TICKS


@dataclass
class Step:
    target: str
    mode: str
    process: subprocess.Popen | None = None
    started: float = field(default_factory=time.monotonic)
    log: Path | None = None
    finished: float | None = None
    cpu: float = 0.0  # seconds of CPU (user + system) the step and the processes it waited for used
    sampled: float = 0.0  # seconds of CPU of all its processes, as CpuSampler saw them
    ended: threading.Event = field(default_factory=threading.Event)

    def elapsed(self) -> int:
        return round((self.finished or time.monotonic()) - self.started)

    def used(self) -> float:
        """Its CPU: the larger of the two counts (each can miss what the other sees)."""
        return max(self.cpu, self.sampled)

    def outcome(self) -> str:
        return f"{self.elapsed()}s, {round(self.used())}s of CPU"

    def watch(self, sampler: CpuSampler) -> None:
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
            sampler.sample()  # its last processes' final figures, where still readable
            self.sampled = sampler.cpu(self.target)
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
        command,
        stdout=out,
        stderr=subprocess.STDOUT if out else None,
        start_new_session=True,
        env={**os.environ, STEP_ENV: step.target},
    )
    if out:
        out.close()  # the child holds its own descriptor
    return step.process


def cpu_table(steps: list[Step], sampler: CpuSampler, wall: float) -> str:
    """Where the machine's CPU went: each step's share, most first."""
    rows = sorted(steps, key=lambda s: -s.used())
    machine = sampler.machine_cpu()
    lines = [
        f"== CPU by step (sampled every {sampler.interval:g}s; the machine used {machine:.0f}s of "
        f"CPU in {wall:.0f}s on {os.cpu_count()} cores):"
    ]
    lines += [f"   {s.target:<16} {s.used():6.0f}s  (wall {s.elapsed()}s)" for s in rows]
    return "\n".join(lines)


def run(steps: list[Step], logs: Path) -> int:
    sampler = CpuSampler()
    sampler.start()
    began = time.monotonic()
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
        step.watch(sampler)
    for step in (s for s in steps if s.mode == "in-turn"):
        if stopped:
            break
        print(f"== make {step.target}", flush=True)
        running.append(step)
        make(step)
        step.watch(sampler)
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
    sampler.stop.set()
    print(
        cpu_table([s for s in steps if s.finished], sampler, time.monotonic() - began), flush=True
    )
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
