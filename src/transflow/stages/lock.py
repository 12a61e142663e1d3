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
from typing import IO

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
    with os.fdopen(descriptor, "r+", encoding="utf-8") as handle:
        _acquire(handle, path, wait, notify or (lambda message: None))
        left_behind = _holder(handle)
        if left_behind and notify:
            notify(f"took over the project lock left by {left_behind}, which ended without releasing it")
        since = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
        _record(handle, {"command": command, "pid": os.getpid(), "since": since})
        try:
            yield
        finally:
            _record(handle, None)
            fcntl.flock(handle, fcntl.LOCK_UN)


def _acquire(handle: IO[str], path: Path, wait: float, notify: Callable[[str], None]) -> None:
    deadline = time.monotonic() + wait
    told = False
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            holder = _holder(handle) or "another transflow command"
            if time.monotonic() >= deadline:
                advice = "wait for it to finish" if wait else "wait for it to finish, or pass --wait SECONDS"
                raise ProjectLocked(f"the project is locked by {holder}; {advice}", path) from None
            if not told:
                notify(f"waiting up to {wait:g} s for {holder} to release the project lock")
                told = True
            time.sleep(_POLL)


def _holder(handle: IO[str]) -> str:
    """Who the lock file names, as a phrase ('' when nobody: the last holder released it)."""
    handle.seek(0)
    try:
        holder = json.loads(handle.read() or "null")
        return f"`transflow {holder['command']}` (PID {holder['pid']}, since {holder['since']})"
    except (ValueError, TypeError, KeyError):
        return ""


def _record(handle: IO[str], holder: dict[str, object] | None) -> None:
    handle.seek(0)
    handle.truncate()
    if holder is not None:
        handle.write(json.dumps(holder))
    handle.flush()
