"""The lake lease: one `finlake ingest`, `build`, `train` or `demo` at a time per lake folder.

The lease is `<lake>/.finlake.lock`. Mutual exclusion is the kernel's: the holder keeps an
exclusive `flock` on the file for as long as it runs, and the kernel releases it when the
process ends in any way (kill -9 included), so a lock left by a dead process is never a
blocker: the next run takes it over and says whose it was. The file's text says who holds it
(command, PID, host, user, start and heartbeat time, refreshed every few seconds by a daemon
thread) so that a refused run can name the holder in one sentence.

On AWS (S3 lake, Glue ingestion, Athena builds) a file lock does not exist; the equivalent is
a lock object written with an S3 conditional write (`PutObject` with `If-None-Match: *`, which
fails with 412 when the object exists) holding the same fields, deleted at the end, with a
heartbeat older than a few minutes meaning the holder died (see ingestion/README.md).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import getpass
import json
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from finlake.errors import FinlakeError

LOCK_NAME = ".finlake.lock"
HEARTBEAT_SECONDS = 5.0


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
    holder = {
        "command": command,
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "user": _user(),
        "started_at": _now(),
        "heartbeat_at": _now(),
    }
    lock = threading.Lock()
    stop = threading.Event()

    def write() -> None:
        with lock:
            data = json.dumps(holder).encode()
            os.ftruncate(fd, 0)
            os.pwrite(fd, data, 0)

    def beat() -> None:
        while not stop.wait(HEARTBEAT_SECONDS):
            holder["heartbeat_at"] = _now()
            try:
                write()
            except OSError:
                return

    write()
    thread = threading.Thread(target=beat, name="finlake-lease-heartbeat", daemon=True)
    thread.start()
    try:
        yield previous
    finally:
        stop.set()
        thread.join(timeout=1)
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
