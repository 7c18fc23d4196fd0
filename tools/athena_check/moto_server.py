"""A local AWS API emulator (moto's server mode) standing in for Glue, S3, STS and Athena.

dbt-athena talks to AWS through boto3, which sends every call to `AWS_ENDPOINT_URL` when
that is set. Started here on a free loopback port with dummy credentials in the server's and
the client's environment only (never in a file), the emulator answers what compiling the
project asks for: the Glue databases and tables it lists, the workgroup, the S3 staging
bucket. No request leaves the machine.

The server is stopped when its block ends, and also when the process that started it is gone
however it went (SIGKILL, a SIGTERM that skipped the clean-up) or the watchdog itself is told
to stop: a watchdog in its own session (`python -m tools.athena_check.moto_server watch`,
tools/watchdog.py, shared with tools/trino/server.py) stops it then, so an interrupted
`make test` leaves no emulator behind.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from tools import watchdog as watchdogs
from tools.sql_lint.project import child_environment

# Not secrets: moto accepts any key; these only have to look like credentials to boto3.
DUMMY_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}
REGION = "eu-west-1"
START_TIMEOUT_SECONDS = 30.0


class EmulatorError(RuntimeError):
    """The emulator did not start or refused a request."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class MotoServer:
    """`with MotoServer() as aws:` runs `python -m moto.server` until the block ends."""

    port: int = field(default_factory=free_port)
    region: str = REGION
    process: subprocess.Popen[bytes] | None = None
    watchdog: subprocess.Popen[bytes] | None = None
    # More of the server's environment, e.g. MOTO_ENABLE_RECORDING (tools/athena_run).
    extra_env: Mapping[str, str] = field(default_factory=dict)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client_environment(self) -> dict[str, str]:
        """What a boto3 client (or dbt-athena) needs to talk to this emulator only."""
        return {
            **DUMMY_CREDENTIALS,
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            # No shared config or credentials file may redirect the clients.
            "AWS_CONFIG_FILE": "/dev/null",
            "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
            "AWS_EC2_METADATA_DISABLED": "true",
        }

    def start(self) -> MotoServer:
        import tempfile

        self._log = tempfile.TemporaryFile()  # noqa: SIM115 -- closed in stop()
        env = child_environment(
            {**DUMMY_CREDENTIALS, "AWS_DEFAULT_REGION": self.region, **self.extra_env}
        )
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            env=env,
            stdout=subprocess.DEVNULL,
            # A file, not a pipe: the server logs every request to stderr, and a pipe nobody
            # reads fills up after some 600 requests and then blocks the server for good.
            stderr=self._log,
        )
        self.watchdog = start_watchdog(self.process.pid, self.port, os.getpid())
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self._log.seek(0)
                error = self._log.read().decode(errors="replace")
                raise EmulatorError(f"moto server exited at start: {error.strip()[-500:]}")
            try:
                with urllib.request.urlopen(f"{self.endpoint}/moto-api/", timeout=1):
                    return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        self.stop()
        raise EmulatorError(
            f"moto server did not answer on {self.endpoint} within {START_TIMEOUT_SECONDS:.0f}s"
        )

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log.close()
        self.process = None
        if self.watchdog is not None:
            watchdogs.dismiss(self.watchdog)
            self.watchdog = None

    def __enter__(self) -> MotoServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def create_bucket(self, name: str) -> None:
        """An S3 bucket in the emulator's region (S3 wants the region named outside us-east-1)."""
        self.client("s3").create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": self.region}
        )

    def client(self, service: str) -> Any:
        """A boto3 client for `service` that can only reach this emulator."""
        import boto3

        return boto3.client(
            service,
            region_name=self.region,
            endpoint_url=self.endpoint,
            aws_access_key_id=DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            aws_session_token=DUMMY_CREDENTIALS["AWS_SESSION_TOKEN"],
        )


def start_watchdog(server: int, port: int, parent: int) -> subprocess.Popen[bytes]:
    """`python -m tools.athena_check.moto_server watch`: a process outside this one's process
    group that stops the server `server` (listening on `port`) once process `parent` is gone."""
    return watchdogs.start(
        [
            sys.executable,
            "-m",
            "tools.athena_check.moto_server",
            "watch",
            *("--server", str(server), "--port", str(port), "--parent", str(parent)),
        ],
        cwd=Path(__file__).resolve().parents[2],
    )


def is_moto_server(pid: int, port: int) -> bool:
    """True when pid is alive and is the moto server on `port`: a recycled pid is never hit."""
    try:
        arguments = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return b"moto.server" in arguments and str(port).encode() in arguments


def stop_moto_server(server: int, port: int) -> bool:
    """Stop the moto server `server` on `port` if it still runs (TERM, then KILL after 10 s)."""
    if not is_moto_server(server, port):
        return False
    os.kill(server, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while is_moto_server(server, port) and time.monotonic() < deadline:
        time.sleep(0.2)
    if is_moto_server(server, port):
        os.kill(server, signal.SIGKILL)
    return True


def watch(server: int, port: int, parent: int, poll: float = 0.5) -> None:
    """Wait until process `parent` has ended (or this process was orphaned, or told to stop by
    SIGTERM/SIGINT), then stop the moto server `server` if it still runs."""
    watchdogs.watch(
        parent,
        stop=lambda: stop_moto_server(server, port),
        running=lambda: is_moto_server(server, port),
        poll=poll,
    )


class DbtDirs:
    """dbt-athena's two S3 folders (profiles.yml.example), from a staging and a lake bucket."""

    staging_bucket: str
    lake_bucket: str

    @property
    def staging_dir(self) -> str:
        return f"s3://{self.staging_bucket}/dbt/"

    @property
    def data_dir(self) -> str:
        return f"s3://{self.lake_bucket}/"


@dataclass(frozen=True)
class AthenaLayout(DbtDirs):
    """The AWS resources the prod profile names, as the emulator should hold them."""

    staging_bucket: str
    lake_bucket: str
    workgroup: str
    databases: Mapping[str, str]  # layer -> Glue database


def create_resources(server: MotoServer, layout: AthenaLayout) -> None:
    """Create the buckets, the workgroup and the Glue databases in the emulator."""
    for bucket in (layout.staging_bucket, layout.lake_bucket):
        server.create_bucket(bucket)
    server.client("athena").create_work_group(
        Name=layout.workgroup,
        Configuration={"ResultConfiguration": {"OutputLocation": layout.staging_dir}},
    )
    glue = server.client("glue")
    for database in layout.databases.values():
        glue.create_database(DatabaseInput={"Name": database})


def register_iceberg_tables(
    server: MotoServer, data_dir: str, tables: Mapping[str, Iterable[str]]
) -> None:
    """Register empty Iceberg tables in Glue: `tables` maps a database to table names."""
    glue = server.client("glue")
    for database, names in tables.items():
        for name in names:
            glue.create_table(
                DatabaseName=database,
                TableInput={
                    "Name": name,
                    "TableType": "EXTERNAL_TABLE",
                    "Parameters": {"table_type": "ICEBERG"},
                    "StorageDescriptor": {
                        "Columns": [{"Name": "placeholder", "Type": "string"}],
                        "Location": f"{data_dir}{database}/{name}/",
                    },
                },
            )


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.athena_check.moto_server")
    sub = parser.add_subparsers(dest="command", required=True)
    watcher = sub.add_parser("watch", help="stop a moto server once process --parent has ended")
    watcher.add_argument("--server", type=int, required=True, help="the server's process id")
    watcher.add_argument("--port", type=int, required=True, help="the port it listens on")
    watcher.add_argument("--parent", type=int, required=True, help="process id to outlive")
    args = parser.parse_args(list(argv) if argv is not None else None)
    watch(args.server, args.port, args.parent)
    return 0


if __name__ == "__main__":
    sys.exit(main())
