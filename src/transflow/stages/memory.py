"""The translation memory: every approved translation of the project, searchable by source text.

The catalogs stay the single source of truth. The memory is an SQLite index of them in
``.transflow/tm.sqlite`` (gitignored): each approved entry (translated, not fuzzy, not obsolete)
of every ``translations/<lang>/*.po``, plus the units of the memories imported from TMX files,
which ``transflow tm import`` keeps in ``translations/memory/``. Opening the memory re-reads only
the files whose size or modification time changed; deleting the database loses nothing, and a
locked, damaged, unreadable or read-only one is replaced (with a notice) by one rebuilt from those
files.

A TMX import keeps the units between our source language and our target languages (``en-US``
counts as ``en``), rewritten as UTF-8 TMX with our language codes, in
``translations/memory/<name>.tmx``. Imported units are suggestions only: they never replace a
translation approved in a catalog. Export writes every approved translation of the catalogs, one
bilingual unit per distinct pair.
"""

from __future__ import annotations

import sqlite3
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import polib

from transflow.domain.catalog import is_approved
from transflow.domain.fuzzy import FuzzyIndex
from transflow.domain.state import EntryState, entry_state
from transflow.errors import TransflowError
from transflow.formats.pofile import read_po
from transflow.formats.tmx import TmxUnit, read_tmx, same_language, write_tmx
from transflow.stages.localstate import disk_full, ensure_writable, is_locked, set_aside
from transflow.stages.settings import Config

DATABASE = "tm.sqlite"
IMPORTED_DIR = "memory"  # translations/memory/*.tmx
SCHEMA_VERSION = 1
COMMENT = "translation memory"
_SCHEMA = """
CREATE TABLE files (path TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL);
CREATE TABLE units (file TEXT NOT NULL, line INTEGER, lang TEXT NOT NULL, source TEXT NOT NULL,
                    target TEXT NOT NULL, approved INTEGER NOT NULL);
CREATE INDEX units_by_source ON units (lang, source);
CREATE INDEX units_by_file ON units (file);
"""


@dataclass(frozen=True)
class Suggestion:
    text: str  # the translation to insert
    score: float  # 100.0 for an exact match
    source: str  # the source text (msgid) the translation belongs to
    origin: str  # where it came from, e.g. "translations/en/x.po:123" or "tmx:agency.tmx:12"
    approved: bool  # True for an exact match of a translation approved in the same language


@dataclass
class MemoryFill:
    """What ``apply_memory`` did to one catalog."""

    approved: int = 0  # exact matches approved directly
    exact_fuzzy: int = 0  # exact matches left fuzzy for review
    fuzzy: int = 0  # similar matches, fuzzy
    entries: list[tuple[polib.POEntry, str]] = field(default_factory=list)  # filled, with the note

    @property
    def filled(self) -> int:
        return self.approved + self.exact_fuzzy + self.fuzzy


@dataclass(frozen=True)
class _Unit:
    lang: str
    source: str
    target: str
    line: int | None
    approved: bool


def _notice(message: str) -> None:
    print(f"transflow: notice: {message}", file=sys.stderr)


class TranslationMemory:
    def __init__(self, connection: sqlite3.Connection, config: Config, notify: Callable[[str], None]):
        self.connection = connection
        self.config = config
        self.notify = notify
        self.settings = config.tm
        self._indexes: dict[str, tuple[FuzzyIndex, list[str]]] = {}

    @classmethod
    def open(cls, config: Config, notify: Callable[[str], None] = _notice) -> TranslationMemory:
        """The memory, brought up to date with the catalogs and imported memories."""
        path = config.state_dir / DATABASE
        ensure_writable(config.state_dir)
        try:
            memory = cls(_connect(path), config, notify)
            memory.refresh()
            return memory
        except sqlite3.Error as exc:
            if error := disk_full(exc, path):
                raise error from None
            if not is_locked(exc):
                notify(f"{config.relative(path)} is damaged or unreadable ({exc}); rebuilding it from the catalogs")
                return cls.rebuild(config, notify)
            notify(
                f"{config.relative(path)} is locked by another transflow; using a "
                "temporary memory rebuilt from the catalogs for this run"
            )
            memory = cls(_connect(Path(":memory:")), config, notify)
            memory.refresh()
            return memory

    @classmethod
    def rebuild(
        cls,
        config: Config,
        notify: Callable[[str], None] = _notice,
    ) -> TranslationMemory:
        """A new index made from the catalogs and imported memories alone."""
        path = config.state_dir / DATABASE
        ensure_writable(config.state_dir)
        for leftover in (path, path.with_name(DATABASE + "-journal")):
            if leftover.is_dir():
                set_aside(leftover)  # not ours to delete
            else:
                leftover.unlink(missing_ok=True)
        try:
            memory = cls(_connect(path), config, notify)
            memory.refresh()
        except sqlite3.Error as exc:
            raise disk_full(exc, path) or TransflowError(f"cannot write the translation memory: {exc}", path) from None
        return memory

    def close(self) -> None:
        self.connection.close()

    # --- keeping the index up to date ---------------------------------------------------------

    def files(self) -> dict[str, Path]:
        """Every file the memory indexes, by its path relative to the project."""
        found: dict[str, Path] = {}
        translations = self.config.translations_dir
        if translations.is_dir():
            for folder in sorted(translations.iterdir()):
                if folder.is_dir() and folder != self.config.templates_dir:
                    pattern = "*.tmx" if folder.name == IMPORTED_DIR else "*.po"
                    for path in sorted(folder.rglob(pattern)):
                        found[self.config.relative(path)] = path
        return found

    def refresh(self) -> int:
        """Re-index the files that changed since the last time; returns how many."""
        current = self.files()
        known = dict(self.connection.execute("SELECT path, mtime_ns || ':' || size FROM files"))
        changed = 0
        with self.connection:
            for name in set(known) - set(current):
                self._forget(name)
            for name, path in current.items():
                status = path.stat()
                if known.get(name) == f"{status.st_mtime_ns}:{status.st_size}":
                    continue
                units = self._read(name, path)
                self._forget(name)
                self.connection.executemany(
                    "INSERT INTO units VALUES (?, ?, ?, ?, ?, ?)",
                    ((name, unit.line, unit.lang, unit.source, unit.target, unit.approved) for unit in units),
                )
                self.connection.execute(
                    "INSERT INTO files VALUES (?, ?, ?)", (name, status.st_mtime_ns, status.st_size)
                )
                changed += 1
        if changed:
            self._indexes.clear()
        return changed

    def _forget(self, name: str) -> None:
        self.connection.execute("DELETE FROM units WHERE file = ?", (name,))
        self.connection.execute("DELETE FROM files WHERE path = ?", (name,))

    def _read(self, name: str, path: Path) -> Iterable[_Unit]:
        if path.suffix == ".tmx":
            return [
                _Unit(unit.lang, unit.source, unit.target, unit.line, False)
                for unit in read_tmx(path, self.config.source_language)
            ]
        catalog = read_po(path)
        lang = catalog_language(catalog, path, self.config, self.notify)
        return [_Unit(lang, entry.msgid, entry.msgstr, entry.linenum, True) for entry in catalog if is_approved(entry)]

    # --- searching ----------------------------------------------------------------------------

    def lookup(self, lang: str, msgids: list[str]) -> dict[str, Suggestion]:
        """The best suggestion for each msgid: an exact match, else the most similar source."""
        wanted = list(dict.fromkeys(msgids))
        suggestions: dict[str, Suggestion] = {}
        for first in range(0, len(wanted), 500):
            chunk = wanted[first : first + 500]
            rows = self.connection.execute(
                "SELECT source, target, file, line, approved FROM units WHERE lang = ? AND "
                f"source IN ({', '.join('?' * len(chunk))})",
                (lang, *chunk),
            ).fetchall()
            by_source: dict[str, list[tuple[str, str, int | None, bool]]] = defaultdict(list)
            for source, *rest in rows:
                by_source[source].append(tuple(rest))
            for source, units in by_source.items():
                suggestions[source] = _best(source, units, 100.0)
        missing = [msgid for msgid in wanted if msgid not in suggestions]
        if missing and self.settings.fuzzy:
            index, sources = self._index(lang)
            found = [
                (msgid, match)
                for msgid, match in zip(missing, index.search(missing, self.settings.fuzzy_threshold), strict=True)
                if match is not None
            ]
            for msgid, match in found:
                source = sources[match.candidate]
                units = self.connection.execute(
                    "SELECT target, file, line, approved FROM units WHERE lang = ? AND source = ?", (lang, source)
                ).fetchall()
                suggestions[msgid] = _best(source, units, match.score)
        return suggestions

    def _index(self, lang: str) -> tuple[FuzzyIndex, list[str]]:
        if lang not in self._indexes:
            sources = [
                source
                for (source,) in self.connection.execute(
                    "SELECT DISTINCT source FROM units WHERE lang = ? ORDER BY source", (lang,)
                )
            ]
            self._indexes[lang] = (FuzzyIndex(sources), sources)
        return self._indexes[lang]

    def units(self, lang: str) -> list[tuple[str, str, list[str]]]:
        """(source, translation, origins) of every approved translation, for export."""
        grouped: dict[tuple[str, str], list[str]] = defaultdict(list)
        for source, target, file, line in self.connection.execute(
            "SELECT source, target, file, line FROM units WHERE lang = ? AND approved = 1 "
            "ORDER BY source, target, file, line",
            (lang,),
        ):
            grouped[source, target].append(_origin(file, line))
        return [(source, target, origins) for (source, target), origins in grouped.items()]


def _origin(file: str, line: int | None) -> str:
    name = f"tmx:{Path(file).name}" if file.endswith(".tmx") else file
    return f"{name}:{line}" if line else name


def _best(source: str, units: list[tuple[str, str, int | None, bool]], score: float) -> Suggestion:
    """Approved translations first, then the most used one, then the first in file order."""
    uses = Counter((target, approved) for target, _, _, approved in units)
    target, file, line, approved = min(
        units, key=lambda unit: (-unit[3], -uses[unit[0], unit[3]], unit[1], unit[2] or 0)
    )
    return Suggestion(target, score, source, _origin(file, line), bool(approved) and score >= 100)


def _connect(path: Path) -> sqlite3.Connection:
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(str(path), timeout=2.0)
    try:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if version != SCHEMA_VERSION or tables != {"files", "units"}:
            with connection:
                for table in tables:
                    connection.execute(f"DROP TABLE {table}")
                connection.executescript(_SCHEMA)
                connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        connection.execute("SELECT count(*) FROM files").fetchone()
    except sqlite3.DatabaseError:
        connection.close()
        raise
    return connection


def catalog_language(catalog: polib.POFile, path: Path, config: Config, notify: Callable[[str], None] = _notice) -> str:
    """The catalog's language is its folder's; the Language header must not contradict it."""
    folder = path.parent.name
    header = (catalog.metadata.get("Language") or "").strip()
    if not header:
        notify(f"{config.relative(path)}: no Language in the header; taking '{folder}' from its folder")
        return folder
    if header.replace("-", "_").lower() != folder.replace("-", "_").lower():
        raise TransflowError(
            f"the header says Language: {header}, but the catalog is in the '{folder}' folder",
            config.relative(path),
            _header_line(path),
        )
    return folder


def _header_line(path: Path) -> int | None:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith('"Language:'):
            return number
    return None


def apply_memory(catalog: polib.POFile, lang: str, memory: TranslationMemory) -> MemoryFill:
    """Fill untranslated entries of one catalog from the TM (never touches translated or fuzzy
    entries). Where a translation came from goes in a translator comment, which msgmerge and
    PO editors keep (a custom flag would be dropped)."""
    settings = memory.settings
    todo = [
        entry
        for entry in catalog
        if entry_state(entry) is EntryState.UNTRANSLATED and "fuzzy" not in entry.flags and not entry.msgid_plural
    ]
    fill = MemoryFill()
    if not todo:
        return fill
    suggestions = memory.lookup(lang, [entry.msgid for entry in todo])
    for entry in todo:
        suggestion = suggestions.get(entry.msgid)
        if suggestion is None:
            continue
        entry.msgstr = suggestion.text
        if suggestion.score >= 100:
            policy = settings.exact if suggestion.approved else settings.imported
            approve = policy == "approve"
            note = (
                f"{COMMENT}: exact match, approved in {suggestion.origin}"
                if suggestion.approved
                else f"{COMMENT}: exact match from {suggestion.origin}"
            )
        else:
            approve = False
            note = (
                f"{COMMENT}: {suggestion.score:.0f}% match from {suggestion.origin}, "
                f"whose source is: {suggestion.source}"
            )
        if approve:
            fill.approved += 1
        else:
            entry.flags = ["fuzzy", *entry.flags]
            if suggestion.score >= 100:
                fill.exact_fuzzy += 1
            else:
                fill.fuzzy += 1
        entry.tcomment = f"{entry.tcomment}\n{note}" if entry.tcomment else note
        fill.entries.append((entry, note))
    return fill


@dataclass
class ImportResult:
    stored: Path
    units: dict[str, int]  # per target language
    skipped: int  # units in languages the project does not translate into


def import_tmx(config: Config, path: Path) -> ImportResult:
    """Check a TMX file and keep its units for our languages in translations/memory/."""
    found = read_tmx(path, config.source_language)
    kept: list[TmxUnit] = []
    for unit in found:
        lang = next((ours for ours in config.languages if same_language(unit.lang, ours)), None)
        if lang is not None:
            kept.append(TmxUnit(lang, unit.source, unit.target, unit.line))
    if not kept:
        wanted = ", ".join(config.languages)
        raise TransflowError(f"no translation units from '{config.source_language}' into {wanted}", path)
    stored = config.translations_dir / IMPORTED_DIR / f"{path.stem}.tmx"
    pairs = dict.fromkeys((unit.lang, unit.source, unit.target) for unit in kept)
    write_tmx(stored, config.source_language, [(source, lang, target, []) for lang, source, target in pairs])
    per_language = {lang: sum(1 for unit in pairs if unit[0] == lang) for lang in config.languages}
    return ImportResult(stored, {k: v for k, v in per_language.items() if v}, len(found) - len(kept))


def export_tmx(config: Config, langs: Iterable[str], path: Path) -> dict[str, int]:
    """Write the approved translations of ``langs`` as TMX; returns the units per language."""
    memory = TranslationMemory.open(config)
    try:
        units = [(source, lang, target, origins) for lang in langs for source, target, origins in memory.units(lang)]
    finally:
        memory.close()
    write_tmx(path, config.source_language, units)
    counts: dict[str, int] = {}
    for _, lang, _, _ in units:
        counts[lang] = counts.get(lang, 0) + 1
    return counts
