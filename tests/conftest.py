"""Shared fixtures: one generated tiny dataset per test session, reused by every suite."""

from __future__ import annotations

from pathlib import Path

import pytest

from finlake.generator.config import PRESETS, GeneratorConfig
from finlake.generator.run import generate
from finlake.lake import Lake

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def tiny_lake(tmp_path_factory) -> Lake:
    """The tiny preset with default settings, generated once (about a second)."""
    lake = Lake.resolve(tmp_path_factory.mktemp("tiny") / "lake")
    generate(GeneratorConfig(PRESETS["tiny"]), lake, show_progress=False, workers=1)
    return lake


@pytest.fixture(scope="session")
def tiny_report(tiny_lake):
    import json

    return json.loads((tiny_lake.truth / "manifest.json").read_text())
