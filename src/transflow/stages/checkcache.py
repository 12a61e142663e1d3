"""What `check` found per article, kept in `.transflow/` so that a rerun checks only what changed.

An article's findings depend on its files (source, template, one catalog per language) and on
the run's settings, glossary and transflow version; the first are digested per article, the rest
make the key of the whole cache, so that any change there starts it afresh.

A rerun does not read a file whose status is as recorded, as git's index does: same size,
modification and status-change times (ns) and inode. Writing a file changes its status-change
time, which no tool sets back, so rewritten contents of the same size and modification time are
still seen; renaming another file into its place changes the inode. A file changed so shortly
before its status was recorded that a second change could share the same timestamps is not
trusted (git's "racily clean" files): it is digested again on the next run.

Consistency across catalogs compares every article, so the cache keeps each approved entry as
digests of its msgid and msgstr, and the texts of only those that disagree (see `stages.qa`).

The cache is disposable: a damaged, unreadable or foreign file is ignored and rewritten, and it
is replaced atomically, so an interrupted run leaves the previous one.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import time
from pathlib import Path
from typing import Any

from transflow import __version__
from transflow.stages.settings import Config

CACHE_NAME = "check-cache.pickle"
_FORMAT = 5  # bump when what is stored changes shape
_RACY_NS = 2_000_000_000  # files changed this shortly before their status was taken are digested again

FileState = tuple[int, int, int, int] | tuple[()] | None  # (size, mtime, ctime, inode); () missing; None untrusted


def run_key(config: Config, glossary_key: str, options: tuple[object, ...]) -> str:
    """What every finding depends on besides the article's own files."""
    parts = [str(_FORMAT), __version__, repr(config), repr(config.checks), glossary_key, repr(options)]
    return hashlib.blake2b("\0".join(parts).encode(), digest_size=16).hexdigest()


def text_digest(text: str) -> int:
    """A 64-bit digest of a string: what consistency compares instead of the string."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")


def article_digest(paths: list[Path | None]) -> str:
    """Digest of the article's files, in order; a missing or unreadable file counts as such."""
    digest = hashlib.blake2b(digest_size=16)
    for path in paths:
        if path is None:
            digest.update(b"\0none\0")
            continue
        digest.update(str(path).encode() + b"\0")
        try:
            data = path.read_bytes()
        except OSError as exc:
            digest.update(f"\0error {exc.errno}\0".encode())
            continue
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def _state(path: Path | None, now: int) -> FileState:
    if path is None:
        return ()
    try:
        status = os.stat(path)
    except OSError:
        return ()
    if now - max(status.st_mtime_ns, status.st_ctime_ns) < _RACY_NS:
        return None
    return status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino


class CheckCache:
    """Findings per article slug, valid for one run key and one digest of the article's files;
    `texts` maps digests to the texts consistency reports."""

    def __init__(self, path: Path, key: str):
        self.path = path
        self.key = key
        self.articles: dict[str, tuple[tuple[FileState, ...], str, Any]] = {}
        self.texts: dict[int, str] = {}
        self.index: Any = None  # of the digests consistency compares (`stages.consistency`)
        self.glossary: Any = None  # as read, with what reading it found
        self.changed = False
        self._now = time.time_ns()
        self._pending: dict[str, tuple[tuple[FileState, ...], str]] = {}

    @classmethod
    def load(cls, path: Path, key: str) -> CheckCache:
        cache = cls(path, key)
        try:
            with path.open("rb") as handle:
                stored = pickle.load(handle)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError, TypeError):
            return cache
        if (
            isinstance(stored, dict)
            and stored.get("key") == key
            and isinstance(stored.get("articles"), dict)
            and isinstance(stored.get("texts"), dict)
        ):
            cache.articles = stored["articles"]
            cache.texts = stored["texts"]
            cache.index = stored.get("index")
            cache.glossary = stored.get("glossary")
        return cache

    def get(self, slug: str, paths: list[Path | None]) -> Any | None:
        """The article's findings if its files are as they were; None when it must be checked
        (then `put` stores what it gives)."""
        states = tuple(_state(path, self._now) for path in paths)
        stored = self.articles.get(slug)
        if stored is not None and stored[0] == states and None not in states:
            return stored[2]
        digest = article_digest(paths)
        if stored is not None and stored[1] == digest:
            if stored[0] != states:
                self.articles[slug] = (states, digest, stored[2])
                self.changed = True
            return stored[2]
        self._pending[slug] = (states, digest)
        return None

    def stale(self, slug: str) -> Any | None:
        """What the article's findings were, valid or not."""
        stored = self.articles.get(slug)
        return stored[2] if stored is not None else None

    def put(self, slug: str, findings: Any) -> None:
        states, digest = self._pending.pop(slug)
        self.articles[slug] = (states, digest, findings)
        self.changed = True

    def keep_only(self, slugs: set[str]) -> None:
        """Forget articles that are gone, so the file does not grow forever."""
        gone = set(self.articles) - slugs
        for slug in gone:
            del self.articles[slug]
        self.changed = self.changed or bool(gone)

    def keep_index(self, index: Any, rebuilt: bool) -> None:
        """The index of digests; `rebuilt` when the stored findings were marked anew."""
        self.index = index
        self.changed = self.changed or rebuilt

    def keep_glossary(self, glossary: Any) -> None:
        self.glossary = glossary
        self.changed = True

    def keep_texts(self, texts: dict[int, str]) -> None:
        if texts != self.texts:
            self.texts = texts
            self.changed = True

    def save(self) -> None:
        """Write the cache if anything changed; failing to is no reason to fail the check."""
        if not self.changed:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
            try:
                with os.fdopen(fd, "wb") as handle:
                    stored = {
                        "key": self.key,
                        "articles": self.articles,
                        "texts": self.texts,
                        "index": self.index,
                        "glossary": self.glossary,
                    }
                    pickle.dump(stored, handle, pickle.HIGHEST_PROTOCOL)
                os.replace(temporary, self.path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError:
            return
