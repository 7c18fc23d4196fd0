"""The parity pipeline: the tiny preset through bronze, built on dev (DuckDB) and on trino.

By default the dev side is the test session's tiny warehouse (tests/conftest.py) and only the
trino build runs here (`build`), its dev outcomes read back with `recorded_build`. With
FINLAKE_PARITY_BRONZE_CMD set, `make_tiny_lake` generates the tiny preset and runs that command
instead of `finlake ingest` (`{lake}` is replaced by the lake folder), e.g. to try parity
against hand-made bronze, and dev is built here too.

Each target is built in two dbt invocations so that a failing data test cannot skip the models
after it (parity needs every table): `dbt build` of seeds and models, then `dbt test` (data
tests and unit tests). Each writes its own target folder, so concurrent dbt runs in the
repository do not mix their run_results.json with ours. On trino the first step writes, audits
and publishes (models/README.md): it builds into a slot schema and re-points the published
views; the second reads through those views, as consumers do.
"""

from __future__ import annotations

import json
import os
import resource
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from finlake.build import DbtFailed, run_dbt
from finlake.generator.config import PRESETS, GeneratorConfig
from finlake.generator.run import generate
from finlake.lake import Lake

BRONZE_COMMAND_ENV = "FINLAKE_PARITY_BRONZE_CMD"
MODELS_ONLY = ["--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]


def make_tiny_lake(folder: Path) -> Lake:
    """A lake with the tiny preset's landing files and its bronze."""
    lake = Lake.resolve(folder)
    generate(GeneratorConfig(PRESETS["tiny"]), lake, show_progress=False, workers=1)
    make_bronze(lake)
    return lake


def make_bronze(lake: Lake) -> None:
    """landing -> bronze: `finlake ingest`, or the command in FINLAKE_PARITY_BRONZE_CMD."""
    custom = os.environ.get(BRONZE_COMMAND_ENV)
    if custom:
        command = shlex.split(custom.replace("{lake}", shlex.quote(str(lake.root))))
    else:
        command = [
            sys.executable,
            "-m",
            "finlake",
            "ingest",
            "--lake",
            str(lake.root),
            "--dev-pii-key",
        ]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(
            f"Making bronze failed: `{shlex.join(command)}` exited {done.returncode}.\n"
            + "\n".join((done.stdout + done.stderr).splitlines()[-30:])
        )


@dataclass
class Build:
    """One target's build: how long it took and what dbt recorded (models, seeds, tests)."""

    target: str
    model_seconds: float = 0.0
    test_seconds: float = 0.0
    client_cpu_seconds: float = 0.0  # this process: dbt, and DuckDB itself on dev
    results: dict = field(default_factory=lambda: {"results": []})
    failed: list[str] = field(default_factory=list)
    manifest: Path | None = None  # the manifest dbt wrote for the models (compiled SQL)

    @property
    def seconds(self) -> float:
        return self.model_seconds + self.test_seconds

    def errors(self) -> list[str]:
        """Models and seeds that did not build, with dbt's message."""
        return [
            f"{r['unique_id'].split('.')[-1]}: {(r.get('message') or '').strip() or r['status']}"
            for r in self.results["results"]
            if r["unique_id"].startswith(("model.", "seed."))
            and r["status"] in ("error", "skipped")
        ]


def build(lake: Lake, target: str, work: Path) -> Build:
    """Seeds and models, then every test, on `target`; failures are recorded, not raised."""
    result = Build(target=target)
    cpu_before = process_cpu_seconds()
    for step, args in (("build", MODELS_ONLY), ("test", [])):
        target_path = work / f"{target}-{step}"
        started = time.perf_counter()
        try:
            run_dbt(
                lake,
                target=target,
                command=step,
                extra_args=[*args, "--target-path", str(target_path)],
            )
        except DbtFailed as failure:
            result.failed.append(f"dbt {step}: {failure}")
        seconds = time.perf_counter() - started
        if step == "build":
            result.model_seconds = seconds
            result.manifest = target_path / "manifest.json"
        else:
            result.test_seconds = seconds
        run_results = target_path / "run_results.json"
        if not run_results.is_file():
            raise RuntimeError(f"dbt {step} on {target} did not run: {'; '.join(result.failed)}")
        result.results["results"] += json.loads(run_results.read_text())["results"]
    result.client_cpu_seconds = process_cpu_seconds() - cpu_before
    return result


def recorded_build(run_results: Path, target: str) -> Build:
    """A build that already ran (one `dbt build` of models and tests), from its run_results.json."""
    results = json.loads(run_results.read_text())
    result = Build(
        target=target,
        results={"results": results["results"]},
        manifest=run_results.parent / "manifest.json",
    )
    for r in results["results"]:
        seconds = r.get("execution_time") or 0.0
        if r["unique_id"].startswith(("test.", "unit_test.")):
            result.test_seconds += seconds
        else:
            result.model_seconds += seconds
    return result


def process_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
