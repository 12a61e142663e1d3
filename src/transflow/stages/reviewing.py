"""Saving a reviewer's decisions: one entry at a time, atomically, never over someone else's save.

Both review tools (the browser workspace and the terminal) save through `save_entry`, the one
place where a catalog is written on a person's behalf: the project lock belongs there.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polib

from transflow.domain.catalog import REVISION_DATE, timestamp
from transflow.domain.text import shorten
from transflow.errors import TransflowError
from transflow.formats.fileio import atomic_write_text, read_text
from transflow.formats.pofile import format_po, parse_po


@dataclass(frozen=True)
class EntryKey:
    """An entry found again in its file: gettext identifies it by context and source."""

    msgctxt: str | None
    msgid: str


class Conflict(TransflowError):
    """The catalog changed on disk since it was read: the save is refused, both versions kept.

    `theirs` is the entry as it is on disk now (None if it is gone); the caller still has its own.
    """

    def __init__(self, path: Path, theirs: polib.POEntry | None):
        super().__init__(
            "the catalog changed on disk since it was loaded (another editor, `update`, `translate` "
            "or a second window); nothing was overwritten: reload to see both versions",
            path,
        )
        self.theirs = theirs


@dataclass(frozen=True)
class Saved:
    entry: polib.POEntry
    version: str  # of the catalog as written: what the next save expects


def version_of(text: str) -> str:
    """A catalog's version: the digest of its text, so any change on disk changes it."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


def find_entry(po: polib.POFile, key: EntryKey) -> polib.POEntry | None:
    return next(
        (entry for entry in po if entry.msgid == key.msgid and entry.msgctxt == key.msgctxt and not entry.obsolete),
        None,
    )


def save_entry(
    path: Path, key: EntryKey, change: Callable[[polib.POEntry], None], *, expected: str | None = None
) -> Saved:
    """Apply one decision to the catalog as it is on disk and write it atomically.

    With `expected` (the version the reviewer saw), a catalog changed since is not written:
    `Conflict` carries the entry as it is now. Without it, the decision applies to the current file
    (the terminal review re-reads before every decision).
    """
    text = read_text(path)
    po = parse_po(text, path)
    entry = find_entry(po, key)
    if expected is not None and version_of(text) != expected:
        raise Conflict(path, entry)
    if entry is None:
        raise TransflowError(
            f"the entry {shorten(key.msgid, 40)!r} is no longer in the catalog (was it updated meanwhile?)", path
        )
    change(entry)
    po.metadata[REVISION_DATE] = timestamp()
    written = format_po(po)
    if not atomic_write_text(path, written, expected=text):
        raise Conflict(path, find_entry(parse_po(read_text(path), path), key))
    return Saved(entry, version_of(written))


def reviewer_name(project: Path) -> str:
    """Who decides, for the review line: git's user.name in the project, else the login name."""
    try:
        done = subprocess.run(
            ["git", "config", "user.name"], cwd=project, capture_output=True, text=True, timeout=5, check=False
        )
        if done.returncode == 0 and done.stdout.strip():
            return done.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return os.environ.get("USER") or getpass.getuser()


def today() -> str:
    return timestamp()[:10]
