"""Headless Chromium for the page tests (tests/dashboard, tests/lineage): Debian's Chromium
(tools/browser finds it; `make chromium` installs it) driven by Playwright, one browser per test
module. A page opened with `open_page` records its console errors and uncaught exceptions;
`screenshot` leaves a PNG in the ignored test-artifacts/screenshots/ (FINLAKE_TEST_ARTIFACTS
names another folder)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def artifacts_dir() -> Path:
    folder = Path(os.environ.get("FINLAKE_TEST_ARTIFACTS") or REPO / "test-artifacts")
    shots = folder / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    return shots


@dataclass
class WatchedPage:
    page: object
    errors: list[str] = field(default_factory=list)
    shot: Path | None = None  # its latest screenshot

    def close(self) -> None:
        self.page.context.close()

    def screenshot(self, name: str) -> Path:
        self.shot = artifacts_dir() / f"{name}.png"
        self.page.screenshot(path=str(self.shot), full_page=True)
        return self.shot


@pytest.fixture(scope="module")
def chromium():
    """A headless Chromium browser (Playwright), or a failure saying how to install one. One per
    test module: it starts in about a second, and between the modules that use it (tests/dashboard
    and tests/lineage run far apart) neither the browser nor Playwright's event loop lingers."""
    from tools.browser.chromium import ChromiumMissing, find

    try:
        executable = find()
    except ChromiumMissing as missing:
        pytest.fail(str(missing), pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def watch(browser, url: str, width: int = 1400, height: int = 1000) -> WatchedPage:
    """`url` opened in a new context of `browser`, its console errors (each with the URL it is
    about) and uncaught page errors collected in .errors; close it with .close()."""
    context = browser.new_context(viewport={"width": width, "height": height})
    watched = WatchedPage(context.new_page())

    def on_console(message) -> None:
        if message.type == "error":
            where = message.location.get("url", "")
            watched.errors.append(f"console: {message.text} ({where})")

    watched.page.on("console", on_console)
    watched.page.on("pageerror", lambda error: watched.errors.append(f"page error: {error}"))
    watched.page.goto(url)
    return watched


@pytest.fixture
def open_page(chromium):
    """open_page(url) -> WatchedPage (see watch), closed after the test."""
    opened = []

    def opener(url: str) -> WatchedPage:
        opened.append(watch(chromium, url))
        return opened[-1]

    yield opener
    for watched in opened:
        watched.close()
