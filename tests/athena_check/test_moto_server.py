"""The local AWS emulator: starts on a free loopback port, holds what compile needs, stops."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tools.athena_check.moto_server import (
    AthenaLayout,
    MotoServer,
    create_resources,
    is_moto_server,
    register_iceberg_tables,
)

REPO = Path(__file__).resolve().parents[2]

LAYOUT = AthenaLayout("results", "lake", "wg", {"silver": "db_silver", "gold": "db_gold"})


def test_emulator_serves_glue_s3_and_athena_then_stops():
    with MotoServer() as server:
        create_resources(server, LAYOUT)
        register_iceberg_tables(server, LAYOUT.data_dir, {"db_silver": ["stg_x"]})
        glue = server.client("glue")
        assert {d["Name"] for d in glue.get_databases()["DatabaseList"]} == {"db_silver", "db_gold"}
        table = glue.get_table(DatabaseName="db_silver", Name="stg_x")["Table"]
        assert table["Parameters"]["table_type"] == "ICEBERG"
        assert {b["Name"] for b in server.client("s3").list_buckets()["Buckets"]} == {
            "results",
            "lake",
        }
        workgroup = server.client("athena").get_work_group(WorkGroup="wg")["WorkGroup"]
        assert (
            workgroup["Configuration"]["ResultConfiguration"]["OutputLocation"]
            == "s3://results/dbt/"
        )
        port = server.port
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0, "the emulator still listens after stop"


def test_client_environment_points_only_at_the_emulator():
    server = MotoServer(port=1234)
    env = server.client_environment()
    assert env["AWS_ENDPOINT_URL"] == "http://127.0.0.1:1234"
    assert env["AWS_CONFIG_FILE"] == env["AWS_SHARED_CREDENTIALS_FILE"] == "/dev/null"


def test_emulator_keeps_answering_after_many_requests():
    # moto logs every request to stderr; read by nobody through a pipe, that log filled the
    # pipe after some 600 requests and blocked the server for good (a build makes thousands).
    from botocore.config import Config

    with MotoServer() as server:
        create_resources(server, LAYOUT)
        import boto3

        s3 = boto3.client(
            "s3",
            region_name=server.region,
            endpoint_url=server.endpoint,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=Config(read_timeout=10, retries={"max_attempts": 1}),
        )
        for index in range(800):
            s3.list_objects_v2(Bucket="lake", Prefix=f"silver/{index}/")


@pytest.mark.parametrize(
    "how",
    [
        "SIGTERM to the run's process group",  # CI cancelling, `kill -- -<pgid>`
        "SIGKILL to the run alone",  # the run killed outright: no clean-up code runs
    ],
)
def test_a_killed_run_leaves_no_moto_server(how):
    """A test run (here a small stand-in holding a server) that is killed must not leave its
    moto server running, orphaned to init: the watchdog stops it."""
    run = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time\n"
            "from tools.athena_check.moto_server import MotoServer\n"
            "server = MotoServer().start()\n"
            "print(server.process.pid, server.port, flush=True)\n"
            "time.sleep(600)\n",
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, like `make test` in a terminal
    )
    pid = port = None
    try:
        pid, port = (int(part) for part in run.stdout.readline().split())
        assert is_moto_server(pid, port)
        if how.startswith("SIGTERM"):
            os.killpg(run.pid, signal.SIGTERM)
        else:
            os.kill(run.pid, signal.SIGKILL)
        run.wait(timeout=30)
        deadline = time.monotonic() + 30
        while is_moto_server(pid, port) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not is_moto_server(pid, port), f"the moto server outlived its run ({how})"
    finally:
        if run.poll() is None:
            run.kill()
        if pid is not None and is_moto_server(pid, port):
            os.kill(pid, signal.SIGKILL)
