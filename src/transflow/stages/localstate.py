"""The files under `.transflow/` are disposable: damaged, unreadable, wrong-shaped or read-only ones
are set aside, not fatal; the only real failures (the folder cannot be written, the disk is full)
are one line naming the file."""

from __future__ import annotations

import os
import sqlite3
import sys
from datetime import datetime, timezone
from pathlib import Path

from transflow.errors import TransflowError

_SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def warn(message: str) -> None:
    print(f"transflow: warning: {message}", file=sys.stderr)


def ensure_writable(state_dir: Path) -> None:
    """The folder exists and can be written, or a clear error (not a misleading "damaged" one)."""
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TransflowError(
            f"cannot create the folder for transflow's local state: {exc.strerror}", state_dir
        ) from None
    if not os.access(state_dir, os.W_OK):
        raise TransflowError("transflow keeps its local state here, and this folder cannot be written", state_dir)


def set_aside(path: Path) -> Path:
    """Rename a damaged file (with its SQLite companions) to `NAME.corrupt-DATE`, for inspection."""
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H%M%S")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    for suffix in ("", *_SQLITE_COMPANIONS):
        companion = path.with_name(path.name + suffix)
        if companion.exists() or companion.is_symlink():
            os.replace(companion, aside.with_name(aside.name + suffix))
    return aside


def is_locked(error: sqlite3.Error) -> bool:
    return "locked" in str(error) or "busy" in str(error)


def disk_full(error: sqlite3.Error, path: Path) -> TransflowError | None:
    """The one-line error for a full disk, which no rebuild can cure (None for anything else)."""
    if "full" in str(error):
        return TransflowError("the disk is full; free some space and run the command again", path)
    return None
