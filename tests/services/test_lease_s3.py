"""The lake lease on S3 (finlake/lease.py, `s3_lake_lease`), against moto's server.

The lease of a lake `s3://bucket/prefix` is the object `<lake>/.finlake.lock`, changed only by
S3 conditional writes (If-None-Match: * to take it, If-Match: <ETag> to beat, take a stale one
over and release). moto 5.2's server answers both conditions as S3 does (412
PreconditionFailed). Races real processes: several runs started together on one S3 lake, and
two runs taking over the same stale lease.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from finlake.lease import LakeBusy, s3_lake_lease, s3_lease_location
from tools.athena_check.moto_server import MotoServer

REPO = Path(__file__).resolve().parents[2]
BUCKET = "lease-lake"


@pytest.fixture(scope="module")
def aws():
    with MotoServer() as server:
        server.create_bucket(BUCKET)
        yield server


@pytest.fixture
def lake(aws, request) -> str:
    """A lake of its own per test: `s3://lease-lake/<test name>`."""
    return f"s3://{BUCKET}/{request.node.name.replace('[', '-').replace(']', '')}"


def lease_object(aws, lake: str) -> dict | None:
    bucket, key = s3_lease_location(lake)
    try:
        return json.loads(aws.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read())
    except aws.client("s3").exceptions.NoSuchKey:
        return None


def test_the_lease_object_sits_at_the_lake_root():
    assert s3_lease_location("s3://bank-lake") == ("bank-lake", ".finlake.lock")
    assert s3_lease_location("s3://bank-lake/prod/") == ("bank-lake", "prod/.finlake.lock")


def test_a_second_run_is_refused_naming_the_holder_and_the_lease_is_released(aws, lake):
    s3 = aws.client("s3")
    with s3_lake_lease(lake, "ingest", client=s3) as previous:
        assert previous == {}
        held = lease_object(aws, lake)
        assert held["command"] == "ingest" and held["pid"] == os.getpid()
        with pytest.raises(LakeBusy) as refused, s3_lake_lease(lake, "build", client=s3):
            pytest.fail("two runs held the lease")
        message = str(refused.value)
        assert message.startswith(
            f"The lake {lake} is in use by `finlake ingest` (PID {os.getpid()}"
        )
        assert len(message.splitlines()) == 1
    assert lease_object(aws, lake) is None  # released: deleted
    with s3_lake_lease(lake, "build", client=s3):
        assert lease_object(aws, lake)["command"] == "build"


def test_the_heartbeat_rewrites_the_lease(aws, lake):
    with s3_lake_lease(lake, "ingest", client=aws.client("s3"), heartbeat=0.2):
        first = lease_object(aws, lake)["heartbeat_at"]
        deadline = time.monotonic() + 10
        while lease_object(aws, lake)["heartbeat_at"] == first and time.monotonic() < deadline:
            time.sleep(0.2)
        assert lease_object(aws, lake)["heartbeat_at"] != first


def test_a_stale_lease_is_taken_over_and_a_live_one_is_not(aws, lake):
    s3 = aws.client("s3")
    bucket, key = s3_lease_location(lake)
    dead = {"command": "ingest", "pid": 4242, "host": "glue-worker-1", "token": "dead"}
    s3.put_object(Bucket=bucket, Key=key, Body=json.dumps(dead).encode())
    with (
        pytest.raises(LakeBusy, match="PID 4242 on host glue-worker-1"),
        s3_lake_lease(lake, "ingest", client=s3, stale_after=60),
    ):
        pytest.fail("a lease written a moment ago was taken over")
    time.sleep(2.2)  # S3 dates have whole seconds
    with s3_lake_lease(lake, "ingest", client=s3, stale_after=1) as previous:
        assert previous["pid"] == 4242  # the run can say whose lease it took over
        assert lease_object(aws, lake)["pid"] == os.getpid()
    assert lease_object(aws, lake) is None


def test_a_run_whose_lease_was_taken_over_fails_and_deletes_nothing(aws, lake):
    s3 = aws.client("s3")
    bucket, key = s3_lease_location(lake)
    taker = {"command": "build", "pid": 7, "host": "elsewhere", "token": "other"}
    lost = r"lost the lake's lease .* to `finlake build` \(PID 7"
    with (
        pytest.raises(LakeBusy, match=lost),
        s3_lake_lease(lake, "ingest", client=s3, heartbeat=0.2),
    ):
        s3.put_object(Bucket=bucket, Key=key, Body=json.dumps(taker).encode())
        time.sleep(1.0)  # a heartbeat finds the ETag changed
    assert lease_object(aws, lake) == taker  # the other run's lease is left alone


RUN = textwrap.dedent(
    """\
    import sys, time
    import boto3
    from finlake.lease import LakeBusy, s3_lake_lease

    lake, hold, stale_after = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
    s3 = boto3.client("s3")
    print("ready", flush=True)
    sys.stdin.readline()  # every run starts at the same moment: when the test says go
    try:
        with s3_lake_lease(lake, "ingest", client=s3, stale_after=stale_after, heartbeat=0.5):
            print("held", flush=True)
            time.sleep(hold)
    except LakeBusy as busy:
        print(f"finlake: {busy}", file=sys.stderr)
        sys.exit(3)
    """
)


def race(aws, lake: str, runs: int, hold: float = 5.0, stale_after: float = 60.0):
    """`runs` processes that each take the lake's lease at the same moment and hold it `hold`
    seconds: (exit code, stdout, stderr) of each."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", RUN, lake, str(hold), str(stale_after)],
            cwd=REPO,
            env={**os.environ, **aws.client_environment()},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(runs)
    ]
    for process in processes:  # every interpreter started and imported boto3
        assert process.stdout.readline().strip() == "ready"
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()
    outcomes = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        outcomes.append((process.returncode, out, err))
    return outcomes


@pytest.mark.parametrize("round_", range(3))
def test_runs_started_together_on_one_s3_lake_one_holds_the_others_refuse(aws, lake, round_):
    outcomes = race(aws, lake, runs=4)
    codes = sorted(code for code, _, _ in outcomes)
    holders = [out for _, out, _ in outcomes if out.strip() == "held"]
    refusals = [err.strip() for _, _, err in outcomes if err.strip()]
    assert len(holders) == 1 and codes == [0, 3, 3, 3], (codes, refusals)
    assert len(refusals) == 3 and all(
        r.startswith(f"finlake: The lake {lake} is in use by `finlake ingest` (PID ")
        and len(r.splitlines()) == 1
        for r in refusals
    ), refusals
    assert lease_object(aws, lake) is None  # the holder released it


def test_two_runs_taking_over_one_stale_lease_one_wins(aws, lake):
    s3 = aws.client("s3")
    bucket, key = s3_lease_location(lake)
    dead = {"command": "ingest", "pid": 4242, "host": "glue-worker-1", "token": "dead"}
    s3.put_object(Bucket=bucket, Key=key, Body=json.dumps(dead).encode())
    time.sleep(2.2)
    outcomes = race(aws, lake, runs=2, stale_after=1.0)
    holders = [out for _, out, _ in outcomes if out.strip() == "held"]
    refusals = [err.strip() for _, _, err in outcomes if err.strip()]
    assert len(holders) == 1 and len(refusals) == 1, (holders, refusals)


def test_the_glue_job_and_a_prod_build_take_the_s3_lease(aws, lake, monkeypatch, capsys):
    """The Glue ingestion job (`--landing_uri`/`--bronze_uri` on S3) and `finlake build --target
    prod` (the lake of FINLAKE_S3_DATA_DIR) refuse while another run holds the lake's lease."""
    from finlake.cli import main
    from ingestion import glue_job

    for key, value in aws.client_environment().items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("FINLAKE_S3_DATA_DIR", f"{lake}/")
    with s3_lake_lease(lake, "train", client=aws.client("s3")):
        with pytest.raises(LakeBusy, match=r"in use by `finlake train` \(PID"):
            glue_job.main(
                ["glue_job", "--landing_uri", f"{lake}/landing", "--bronze_uri", f"{lake}/bronze"]
            )
        assert main(["build", "--target", "prod", "--lake", "unused"]) == 3
        refusal = capsys.readouterr().err.strip()
        assert refusal.startswith(f"finlake: The lake {lake}/ is in use by `finlake train`")
        assert len(refusal.splitlines()) == 1
