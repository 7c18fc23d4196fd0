"""Find Chromium, or install it from the Debian packages (as root), for Playwright to drive.

Playwright's own browser download is not used: `executable_path` points it at this one.
FINLAKE_CHROMIUM names an executable to use instead of searching.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time

ENV = "FINLAKE_CHROMIUM"
NAMES = ("chromium", "chromium-browser", "google-chrome-stable", "google-chrome")
PACKAGE = "chromium"
HOW = (
    "install Chromium with `make chromium` (as root it runs `apt-get install chromium`; "
    "otherwise run `sudo apt-get install chromium`) or set FINLAKE_CHROMIUM to a Chrome or "
    "Chromium executable"
)


class ChromiumMissing(Exception):
    """No usable Chromium; the message is one sentence saying how to get one."""


def _works(path: str) -> bool:
    try:
        done = subprocess.run(
            [path, "--headless", "--no-sandbox", "--version"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0 and "chrom" in done.stdout.lower()


def find() -> str:
    """The Chromium executable to drive, or ChromiumMissing saying how to get one."""
    named = os.environ.get(ENV)
    if named:
        if _works(named):
            return named
        raise ChromiumMissing(f"{ENV}={named} does not run as a browser: {HOW}.")
    for name in NAMES:
        path = shutil.which(name)
        if path and _works(path):
            return path
    raise ChromiumMissing(f"Chromium is not installed: {HOW}.")


def install() -> float:
    """`apt-get install chromium` (updating the package lists first when they do not offer it,
    or when the install fails on lists older than the mirror); the seconds it took. Root only."""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise ChromiumMissing(
            "Chromium is not installed and this is not root on a Debian/Ubuntu system, so it "
            f"cannot be installed here: {HOW}."
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    started = time.monotonic()
    offered = subprocess.run(
        ["apt-cache", "policy", PACKAGE], capture_output=True, text=True, env=env
    ).stdout
    if "Candidate:" not in offered or "Candidate: (none)" in offered:
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
    command = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", PACKAGE]
    done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL)
    if done.returncode != 0:  # package lists older than the mirror: refresh them, once
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
        done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL)
    if done.returncode != 0:
        raise ChromiumMissing(
            f"`apt-get install {PACKAGE}` failed (exit {done.returncode}; its messages are "
            f"above): {HOW}."
        )
    return time.monotonic() - started


def ensure() -> tuple[str, float | None]:
    """The Chromium executable, installed first when missing and possible; and the install's
    seconds (None when it was already there)."""
    try:
        return find(), None
    except ChromiumMissing:
        if os.environ.get(ENV):
            raise
    seconds = install()
    return find(), seconds


def version(path: str) -> str:
    out = subprocess.run([path, "--headless", "--version"], capture_output=True, text=True)
    return out.stdout.strip()
