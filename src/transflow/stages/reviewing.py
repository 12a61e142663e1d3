"""Saving a reviewer's decisions: one entry at a time, atomically, never over someone else's save.

Both review tools (the browser workspace and the terminal) save through `save_entry`, the one
place where a catalog is written on a person's behalf: the project lock belongs there.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import json
import os
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polib

from transflow.domain.catalog import REVISION_DATE, timestamp
from transflow.domain.text import shorten
from transflow.errors import TransflowError
from transflow.formats.fileio import atomic_write_text, read_text
from transflow.formats.pofile import format_entry, format_po, parse_po
from transflow.stages.lock import project_lock


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
class Loaded:
    """A catalog as read: its text, the parsed catalog, and its version (what a save must find)."""

    text: str
    po: polib.POFile
    version: str


@dataclass(frozen=True)
class Saved:
    entry: polib.POEntry
    catalog: Loaded  # as written


def version_of(text: str) -> str:
    """A catalog's version: the digest of its text, so any change on disk changes it."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


def read_catalog(path: Path, known: Loaded | None = None) -> Loaded:
    """The catalog on disk; `known` is reused when the file still holds its text (a catalog of a
    thousand entries takes longer to parse than a decision may take to save)."""
    text = read_text(path)
    if known is not None and known.text == text:
        return known
    return Loaded(text, parse_po(text, path), version_of(text))


def find_entry(po: polib.POFile, key: EntryKey) -> polib.POEntry | None:
    return next(
        (entry for entry in po if entry.msgid == key.msgid and entry.msgctxt == key.msgctxt and not entry.obsolete),
        None,
    )


# Seconds a review decision waits for another command (`run`, `update`) to let go of the project.
SAVE_WAIT = 600


def save_entry(
    path: Path,
    key: EntryKey,
    change: Callable[[polib.POEntry], None],
    *,
    expected: str | None = None,
    known: Loaded | None = None,
    lock_dir: Path | None = None,
    notify: Callable[[str], None] | None = None,
) -> Saved:
    """Apply one decision to the catalog as it is on disk and write it atomically.

    With `expected` (the version the reviewer saw), a catalog changed since is not written:
    `Conflict` carries the entry as it is now. Without it, the decision applies to the current file
    (the terminal review re-reads before every decision). `known`: see `read_catalog`; it is not
    usable afterwards (its entry was changed), the returned catalog is. `lock_dir`: the project's
    state folder, whose lock the save holds (and only the save: a review stays open beside `run`);
    `notify` hears that the save waits for another command.
    """
    if lock_dir is not None:
        with project_lock(lock_dir, "review", SAVE_WAIT, notify):
            return save_entry(path, key, change, expected=expected, known=known)
    loaded = read_catalog(path, known)
    entry = find_entry(loaded.po, key)
    if expected is not None and loaded.version != expected:
        raise Conflict(path, entry)
    if entry is None:
        raise TransflowError(
            f"the entry {shorten(key.msgid, 40)!r} is no longer in the catalog (was it updated meanwhile?)", path
        )
    before = format_entry(entry)
    change(entry)
    loaded.po.metadata[REVISION_DATE] = timestamp()
    written = _spliced(loaded.text, before, format_entry(entry), loaded.po.metadata[REVISION_DATE])
    if written is None:
        written = format_po(loaded.po)
    if not atomic_write_text(path, written, expected=loaded.text):
        raise Conflict(path, find_entry(read_catalog(path).po, key))
    return Saved(entry, Loaded(written, loaded.po, version_of(written)))


_REVISION_LINE = re.compile(rf'^"{REVISION_DATE}: [^"\\]*\\n"$', re.MULTILINE)


def _spliced(text: str, before: str, after: str, revised: str) -> str | None:
    """The file with one entry's block and the header's revision date replaced, every other byte
    kept: what `format_po` would write for a file it wrote, in a fraction of the time. None when
    the file is not in that form (the caller then writes the whole catalog)."""
    header_end = text.find("\n\n")
    block = "\n\n" + before
    at = text.find(block)
    if header_end < 0 or at < header_end or text.find(block, at + 1) >= 0:
        return None
    end = at + len(block)
    if end < len(text) and text[end] != "\n":
        return None
    line = f'"{REVISION_DATE}: {revised}\\n"'
    header, count = _REVISION_LINE.subn(lambda _match: line, text[:header_end], count=1)
    if count != 1:
        return None
    return header + text[header_end:at] + "\n\n" + after + text[end:]


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


class SkippedEntries:
    """Entries a reviewer skipped, remembered in `.transflow/` so that the next review shows them last.

    Local state like the rest of `.transflow/`: a missing or damaged file only means no entry is
    remembered; a decision on an entry forgets it.
    """

    NAME = "review-skipped.json"

    def __init__(self, state_dir: Path):
        self.path = state_dir / self.NAME
        try:
            loaded = json.loads(read_text(self.path))
        except (TransflowError, ValueError):
            loaded = []
        self.keys = {str(key) for key in loaded} if isinstance(loaded, list) else set()

    @staticmethod
    def key(path: Path, entry: EntryKey) -> str:
        return json.dumps([path.as_posix(), entry.msgctxt, entry.msgid])

    def __contains__(self, item: tuple[Path, EntryKey]) -> bool:
        return self.key(*item) in self.keys

    def mark(self, path: Path, entry: EntryKey, skipped: bool) -> None:
        key = self.key(path, entry)
        if (key in self.keys) == skipped:
            return
        self.keys = self.keys | {key} if skipped else self.keys - {key}
        with contextlib.suppress(OSError, TransflowError):  # only the order of the next review is lost
            atomic_write_text(self.path, json.dumps(sorted(self.keys), ensure_ascii=False))
