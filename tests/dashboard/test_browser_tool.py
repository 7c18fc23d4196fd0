"""tools/browser: Chromium is found on the PATH or by FINLAKE_CHROMIUM, and when it is missing
and cannot be installed the command says how in one sentence, exit 2 -- without touching apt."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tools.browser import chromium

REPO = Path(__file__).resolve().parents[2]


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tools.browser", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_missing_browser_is_one_sentence_and_exit_2(tmp_path):
    env = {**os.environ, "PATH": str(tmp_path)}  # nothing to find
    env.pop(chromium.ENV, None)
    done = _run("find", env=env)
    assert done.returncode == 2 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert lines[0].startswith("finlake: Chromium is not installed") and "make chromium" in lines[0]


def test_a_named_executable_that_is_no_browser_is_refused(tmp_path):
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\necho 'not a browser'\n")
    fake.chmod(0o755)
    done = _run("ensure", env={**os.environ, chromium.ENV: str(fake)})
    assert done.returncode == 2
    assert f"{chromium.ENV}={fake} does not run as a browser" in done.stderr


def test_without_root_nothing_is_installed(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv(chromium.ENV, raising=False)
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    ran = []
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: ran.append(a) or pytest.fail("ran"))
    with pytest.raises(chromium.ChromiumMissing, match="not root"):
        chromium.ensure()
    assert not ran


def test_the_installed_browser_is_found():
    """On a machine where `make chromium` (or .ci/run) has run, find() names a working one."""
    path = chromium.find()
    assert "Chromium" in chromium.version(path) or "Chrome" in chromium.version(path)
