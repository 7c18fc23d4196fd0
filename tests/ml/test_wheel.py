"""Databricks installs the project as a wheel attached to the cluster, not by `import-dir`:
the wheel must hold every module the notebook imports (ml and the parts of finlake it uses) and
the files they read (ml/reason_codes.csv), and work without the repository on sys.path."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SOURCES = ("pyproject.toml", "README.md", "finlake", "ingestion", "ml")

PROBE = """
import sys
wheel = sys.argv[1]
sys.path.insert(0, wheel)
import ml.train, ml.scoring, ml.runtime, ml.monitoring, finlake.errors, finlake.lake
for module in (ml.train, ml.runtime, finlake.errors):
    assert module.__file__.startswith(wheel), module.__file__
assert ml.scoring.reason_templates(), "reason_codes.csv is empty"
print(ml.scoring.REASON_CODES_FILE)
"""


def test_the_wheel_carries_ml_and_what_it_imports(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    for name in SOURCES:  # a copy, so the build leaves nothing in the worktree
        path = REPO / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(path, source / name)
    dist = tmp_path / "dist"
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    subprocess.run(
        [*pip_wheel, "-q", "-w", str(dist), str(source)],
        check=True,
        cwd=tmp_path,
    )
    (wheel,) = dist.glob("finlake-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"ml/train.py", "ml/default_model.py", "ml/reason_codes.csv"} <= names
    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    # -I: no PYTHONPATH, no user site, and the working directory (not the repository) is not
    # on sys.path; the wheel's folder is put first, ahead of the editable install's finder.
    probe = subprocess.run(
        [sys.executable, "-I", "-c", PROBE, str(unpacked)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert probe.returncode == 0, probe.stderr[-2000:]
    assert probe.stdout.strip().startswith(str(unpacked))
