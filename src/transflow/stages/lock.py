"""One transflow command at a time writes to a project: an advisory lock on `.transflow/lock`.

The lock is the operating system's (``flock``), so it goes away with its process however that
process ends: a holder killed with ``kill -9`` cannot leave a project locked. The file itself only
tells who holds the lock (command, PID, since when) so that the next command can say whom it waits
for; a file still naming a holder when the lock is free was left by a process that ended without
releasing it, which the next holder reports as it takes over.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path

from transflow.errors import TransflowError

LOCK_NAME = "lock"
_POLL = 0.05


class ProjectLocked(TransflowError):
    """Another command holds the project lock (and did not let it go within the wait)."""


@contextlib.contextmanager
def project_lock(
    state_dir: Path, command: str, wait: float = 0, notify: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the project lock for the block; wait up to ``wait`` seconds for another holder.

    ``notify`` hears, once each, that the command is waiting and that it took over a lock left by
    a killed process.
    """
    path = state_dir / LOCK_NAME
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise TransflowError(f"cannot take the project lock: {exc.strerror}", path) from None
    try:
        _acquire(descriptor, path, wait, notify or (lambda message: None))
        left_behind = _holder(descriptor)
        if left_behind and notify:
            notify(f"took over the project lock left by {left_behind}, which ended without releasing it")
        since = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
        try:
            _record(descriptor, json.dumps({"command": command, "pid": os.getpid(), "since": since}))
        except OSError as exc:
            raise TransflowError(f"cannot write the project lock: {exc.strerror}", path) from None
        try:
            yield
        finally:
            _record(descriptor, "")
    finally:
        os.close(descriptor)  # which releases the lock


def _acquire(descriptor: int, path: Path, wait: float, notify: Callable[[str], None]) -> None:
    deadline = time.monotonic() + wait
    told = False
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            holder = _holder(descriptor) or "another transflow command"
            if time.monotonic() >= deadline:
                advice = "wait for it to finish" if wait else "wait for it to finish, or pass --wait SECONDS"
                raise ProjectLocked(f"the project is locked by {holder}; {advice}", path) from None
            if not told:
                notify(f"waiting up to {wait:g} s for {holder} to release the project lock")
                told = True
            time.sleep(_POLL)


def _holder(descriptor: int) -> str:
    """Who the lock file names, as a phrase ('' when nobody: the last holder released it)."""
    try:
        holder = json.loads(os.pread(descriptor, 4096, 0) or b"null")
        return f"`transflow {holder['command']}` (PID {holder['pid']}, since {holder['since']})"
    except (ValueError, TypeError, KeyError):
        return ""


def _record(descriptor: int, holder: str) -> None:
    """Truncating first frees the file's block: emptying it needs no room even on a full disk."""
    os.ftruncate(descriptor, 0)
    os.pwrite(descriptor, holder.encode(), 0)
