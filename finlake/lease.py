"""The lake lease: one `finlake ingest`, `build`, `train` or `demo` at a time per lake folder.

The lease is `<lake>/.finlake.lock`. Mutual exclusion is the kernel's: the holder keeps an
exclusive `flock` on the file for as long as it runs, and the kernel releases it when the
process ends in any way (kill -9 included), so a lock left by a dead process is never a
blocker: the next run takes it over and says whose it was. The file's text says who holds it
(command, PID, host, user, start and heartbeat time, refreshed every few seconds by a daemon
thread) so that a refused run can name the holder in one sentence.

On S3 (`s3_lake_lease`, a lake at `s3://bucket/prefix`: the Glue ingestion job, an Athena
build) there is no file lock; the lease is the object `<lake>/.finlake.lock`, holding the same
fields and a random token, and every change to it is an S3 conditional write:

- taken with `PutObject If-None-Match: *` (S3 answers 412 when the object exists, 409 when a
  concurrent conditional write to it is in flight: both mean "held"), then read back, which must
  show this run's token;
- kept with a heartbeat, `PutObject If-Match: <ETag>` every few seconds (a 412 means another run
  took the lease over: this run stops heartbeating and fails at the end, in one sentence);
- taken over only when it is stale, its last write older than `stale_after` seconds by S3's own
  clock (`LastModified` against the `Date` of the same answer, so no host clock is trusted), with
  `PutObject If-Match: <the stale object's ETag>`: of two runs taking over the same stale lease
  one wins, the other gets 412;
- released with `DeleteObject If-Match: <ETag>`, so a run never deletes a lease it lost.

Why an S3 object and not a DynamoDB lock table: the lake already is one bucket every writing
role reaches, S3 has had atomic conditional writes since 2024, and the lease then needs one
object-level grant per role (terraform/modules/access_roles, `<lake>/.finlake.lock`) instead of
a table, its encryption, backups and a second service in every role's policy; a lease is taken
a few times a day, so DynamoDB's latency and throughput buy nothing (ingestion/README.md).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import getpass
import json
import os
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from finlake.errors import FinlakeError

LOCK_NAME = ".finlake.lock"
HEARTBEAT_SECONDS = 5.0
# An S3 lease whose last write is older than this belongs to a run that died (its heartbeat,
# every HEARTBEAT_SECONDS, stopped): it may be taken over.
S3_STALE_AFTER_SECONDS = 120.0


class LakeBusy(FinlakeError):
    """Another finlake run holds the lake's lease."""

    exit_code = 3


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _describe(holder: dict) -> str:
    if not holder:
        return "another finlake run (it has not written its details yet)"
    return (
        f"`finlake {holder.get('command', '?')}` (PID {holder.get('pid', '?')} on host "
        f"{holder.get('host', '?')}, user {holder.get('user', '?')}, since {holder.get('started_at', '?')}, "
        f"last heartbeat {holder.get('heartbeat_at', '?')})"
    )


def read_holder(lake_root: Path) -> dict:
    """The lease file's details ({} when absent or being rewritten)."""
    try:
        return json.loads((Path(lake_root) / LOCK_NAME).read_text() or "{}")
    except (OSError, ValueError):
        return {}


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment (some containers)
        return str(os.getuid())


def _holder(command: str, **more) -> dict:
    """What a lease says of the run holding it (its heartbeat time refreshed while it runs)."""
    return {
        "command": command,
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "user": _user(),
        "started_at": _now(),
        "heartbeat_at": _now(),
        **more,
    }


@contextmanager
def _heartbeat(every: float, beat: Callable[[], bool], name: str, wait: float) -> Iterator[None]:
    """Call `beat()` every `every` seconds in a daemon thread while the block runs, until it
    returns False; on leaving, stop the thread and wait up to `wait` seconds for it."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(every):
            if not beat():
                return

    thread = threading.Thread(target=loop, name=name, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=wait)


@contextmanager
def lake_lease(lake_root: Path, command: str, create: bool = True) -> Iterator[dict]:
    """Hold the lake's lease while the block runs; LakeBusy (one sentence) when it is held.

    Yields the previous holder's details when a stale lease was taken over, else {}. With
    `create` false a lake folder that does not exist is left alone (the command reports it)."""
    root = Path(lake_root)
    if not create and not root.exists():
        yield {}
        return
    if root.exists() and not root.is_dir():
        raise FinlakeError(f"The lake {root} is a file, not a folder; pass --lake with a folder.")
    try:
        root.mkdir(parents=True, exist_ok=True)
        fd = os.open(root / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    except NotADirectoryError:
        raise FinlakeError(
            f"The lake {root} cannot be created because a parent of it is a file; pass --lake with a folder."
        ) from None
    except OSError as exc:
        raise FinlakeError(
            f"The lake's lease file {root / LOCK_NAME} cannot be opened ({exc.strerror}); check the folder's permissions."
        ) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise LakeBusy(
            f"The lake {root} is in use by {_describe(read_holder(root))}; "
            f"wait for it to finish, or stop that process, and run again."
        ) from None
    previous = read_holder(root)
    holder = _holder(command)
    lock = threading.Lock()

    def write() -> None:
        with lock:
            data = json.dumps(holder).encode()
            os.ftruncate(fd, 0)
            os.pwrite(fd, data, 0)

    def beat() -> bool:
        holder["heartbeat_at"] = _now()
        try:
            write()
        except OSError:
            return False
        return True

    write()
    try:
        with _heartbeat(HEARTBEAT_SECONDS, beat, "finlake-lease-heartbeat", wait=1):
            yield previous
    finally:
        try:
            os.ftruncate(fd, 0)  # nobody holds it: an empty file
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


def stale_notice(previous: dict) -> str | None:
    """A warning when the lease was taken over from a run that ended without releasing it."""
    if not previous:
        return None
    return (
        f"took over the lake's lease left by {_describe(previous)}, which ended without "
        "releasing it (killed?); its leftovers are cleaned up by this run."
    )


@contextmanager
def run_lease(lake_root, command: str, create: bool = False) -> Iterator[dict]:
    """The lease of a lake wherever it is: `s3_lake_lease` for `s3://...`, `lake_lease` for a
    folder (a path or a `file://` URI); other stores (`hdfs://`, ...) have none."""
    from urllib.parse import urlparse

    root = str(lake_root)
    if root.startswith("s3://"):
        with s3_lake_lease(root, command) as previous:
            yield previous
    elif "://" not in root or root.startswith("file://"):
        folder = Path(urlparse(root).path if root.startswith("file://") else root)
        with lake_lease(folder, command, create=create) as previous:
            yield previous
    else:
        yield {}


# ---------------------------------------------------------------------------------------------
# The lease of a lake on S3


def s3_lease_location(lake_root: str) -> tuple[str, str]:
    """(bucket, key) of the lease object of the lake `s3://bucket[/prefix]`."""
    if not lake_root.startswith("s3://"):
        raise FinlakeError(f"The lake {lake_root} is not an s3:// location.")
    bucket, _, prefix = lake_root[len("s3://") :].partition("/")
    prefix = prefix.strip("/")
    return bucket, f"{prefix}/{LOCK_NAME}" if prefix else LOCK_NAME


def _s3_code(error: Exception) -> str:
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Code", "")) or str(
        response.get("ResponseMetadata", {}).get("HTTPStatusCode", "")
    )


# S3's answers to a conditional write that lost: the object exists or changed (412), or another
# conditional write to the same key is in flight (409).
_LOST = ("PreconditionFailed", "412", "ConditionalRequestConflict", "409")


@contextmanager
def s3_lake_lease(
    lake_root: str,
    command: str,
    client=None,
    stale_after: float = S3_STALE_AFTER_SECONDS,
    heartbeat: float = HEARTBEAT_SECONDS,
) -> Iterator[dict]:
    """Hold the lease of the lake `s3://bucket[/prefix]` while the block runs (see the module's
    docstring); LakeBusy naming the holder when another run holds it. Yields the previous
    holder's details when a stale lease was taken over, else {}."""
    import secrets

    from botocore.exceptions import ClientError

    if client is None:
        import boto3

        client = boto3.client("s3")
    bucket, key = s3_lease_location(lake_root)
    where = f"s3://{bucket}/{key}"
    holder = _holder(command, token=secrets.token_hex(16))

    def busy(current: dict) -> LakeBusy:
        return LakeBusy(
            f"The lake {lake_root} is in use by {_describe(current)} (lease {where}); wait for it "
            "to finish, or stop that run, and run again."
        )

    def put(**condition) -> str:
        body = json.dumps(holder).encode()
        return client.put_object(Bucket=bucket, Key=key, Body=body, **condition)["ETag"]

    def read() -> tuple[dict, str, float] | None:
        """(details, ETag, age in seconds by S3's clock), or None when there is no lease."""
        try:
            answer = client.get_object(Bucket=bucket, Key=key)
        except ClientError as error:
            if _s3_code(error) in ("NoSuchKey", "404"):
                return None
            raise
        try:
            details = json.loads(answer["Body"].read() or b"{}")
        except ValueError:
            details = {}
        sent = answer["ResponseMetadata"].get("HTTPHeaders", {}).get("date")
        now = dt.datetime.now(dt.UTC)
        if sent:
            from email.utils import parsedate_to_datetime

            now = parsedate_to_datetime(sent)
        return details, answer["ETag"], (now - answer["LastModified"]).total_seconds()

    previous: dict = {}
    try:
        etag = put(IfNoneMatch="*")
    except ClientError as error:
        if _s3_code(error) not in _LOST:
            raise FinlakeError(
                f"The lake's lease {where} cannot be written ({_s3_code(error)}); check the "
                "role's s3:PutObject permission on it."
            ) from None
        current = read()
        if current is None:  # released in the meantime: try once more, as a newcomer
            try:
                etag = put(IfNoneMatch="*")
            except ClientError:
                raise busy({}) from None
        else:
            details, stale_etag, age = current
            if age < stale_after:
                raise busy(details) from None
            try:
                etag = put(IfMatch=stale_etag)
            except ClientError:
                raise busy(details) from None  # another run took the stale lease over first
            previous = details
    # Read back: this run's token must be what S3 holds (a conditional write that raced another
    # one is decided here, whatever the store).
    current = read()
    if current is None or current[0].get("token") != holder["token"]:
        raise busy(current[0] if current else {})
    etag = current[1]

    state = {"etag": etag, "lost": None}
    lock = threading.Lock()

    def beat() -> bool:
        with lock:
            holder["heartbeat_at"] = _now()
            try:
                state["etag"] = put(IfMatch=state["etag"])
            except ClientError as error:
                if _s3_code(error) in _LOST:
                    state["lost"] = read()
                    return False
            except Exception:  # a network hiccup: try again at the next beat
                pass
        return True

    try:
        with _heartbeat(heartbeat, beat, "finlake-s3-lease-heartbeat", wait=heartbeat + 30):
            yield previous
    finally:
        with lock:
            if state["lost"] is None:
                try:
                    client.delete_object(Bucket=bucket, Key=key, IfMatch=state["etag"])
                except ClientError as error:
                    if _s3_code(error) not in _LOST:
                        raise
                    state["lost"] = read()
    if state["lost"] is not None:
        taker = state["lost"][0] if state["lost"] else {}
        raise LakeBusy(
            f"This run lost the lake's lease {where} to {_describe(taker)} while it ran (its "
            "heartbeat stopped for longer than the lease's staleness limit); check both runs' "
            "outputs and run again."
        )
