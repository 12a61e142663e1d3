"""What `check` found per article, kept in `.transflow/` so that a rerun checks only what changed.

An article's findings depend on its files (source, template, one catalog per language) and on
the run's settings, glossary and transflow version; the first are digested per article, the rest
make the key of the whole cache, so that any change there starts it afresh. Consistency across
catalogs is not cached: it compares all articles and is cheap.

The cache is disposable: a damaged, unreadable or foreign file is ignored and rewritten, and it
is replaced atomically, so an interrupted run leaves the previous one.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

from transflow import __version__
from transflow.stages.settings import Config

CACHE_NAME = "check-cache.pickle"
_FORMAT = 1  # bump when what is stored changes shape


def run_key(config: Config, glossary_fingerprint: str, options: tuple[object, ...]) -> str:
    """What every finding depends on besides the article's own files."""
    parts = [str(_FORMAT), __version__, repr(config), repr(config.checks), glossary_fingerprint, repr(options)]
    return hashlib.blake2b("\0".join(parts).encode(), digest_size=16).hexdigest()


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


class CheckCache:
    """Findings per article slug, valid for one run key and one digest of the article's files."""

    def __init__(self, path: Path, key: str):
        self.path = path
        self.key = key
        self.articles: dict[str, tuple[str, Any]] = {}
        self.changed = False

    @classmethod
    def load(cls, path: Path, key: str) -> CheckCache:
        cache = cls(path, key)
        try:
            with path.open("rb") as handle:
                stored = pickle.load(handle)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError, TypeError):
            return cache
        if isinstance(stored, dict) and stored.get("key") == key and isinstance(stored.get("articles"), dict):
            cache.articles = stored["articles"]
        return cache

    def get(self, slug: str, digest: str) -> Any | None:
        stored = self.articles.get(slug)
        return stored[1] if stored is not None and stored[0] == digest else None

    def put(self, slug: str, digest: str, findings: Any) -> None:
        self.articles[slug] = (digest, findings)
        self.changed = True

    def keep_only(self, slugs: set[str]) -> None:
        """Forget articles that are gone, so the file does not grow forever."""
        gone = set(self.articles) - slugs
        for slug in gone:
            del self.articles[slug]
        self.changed = self.changed or bool(gone)

    def save(self) -> None:
        """Write the cache if anything changed; failing to is no reason to fail the check."""
        if not self.changed:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
            try:
                with os.fdopen(fd, "wb") as handle:
                    pickle.dump({"key": self.key, "articles": self.articles}, handle, pickle.HIGHEST_PROTOCOL)
                os.replace(temporary, self.path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError:
            return
