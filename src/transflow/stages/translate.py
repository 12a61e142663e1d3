"""The translate stage: fill untranslated entries from the translation memory, then by machine.

Every distinct text is sent once per language and engine, whatever the number of articles it
appears in, and remembered in a SQLite cache in `.transflow/`, so a rerun sends nothing twice.
Requests run concurrently (one engine instance per thread); results are written to the catalogs
every few seconds, so an interrupted run loses at most the requests in flight.

Machine output is never final: every entry it fills is `#, fuzzy` with a translator comment naming
the engine and the date, and, when the glossary or markup check failed, the exact violation.
Only empty entries are filled: nothing a translator wrote (approved or fuzzy) is ever replaced,
not even when the file is edited while this stage runs.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import polib

from transflow.domain import glossary as glossaries
from transflow.domain.catalog import REVISION_DATE, timestamp
from transflow.domain.glossary import Glossary, Violation
from transflow.domain.protect import Masked, check, mask, preferable, repair, restore
from transflow.domain.state import EntryState, entry_state
from transflow.domain.text import shorten
from transflow.errors import TransflowError
from transflow.formats.fileio import atomic_write_text, read_text
from transflow.formats.pofile import format_po, parse_po
from transflow.stages.batching import Article, Batcher
from transflow.stages.engines import (
    BATCHED,
    EngineUnavailable,
    RateLimiter,
    Sent,
    TransientError,
    open_engine,
    translate_text,
)
from transflow.stages.localstate import disk_full, ensure_writable, set_aside, warn
from transflow.stages.memory import TranslationMemory, apply_memory
from transflow.stages.progress import Progress, Silent
from transflow.stages.settings import Config, EngineSettings
from transflow.stages.sources import article_name, named_files

CACHE_NAME = "mt-cache.sqlite3"
# Connection failures (refused, timed out) of this many different texts in a row, with no reply
# in between, mean the engine is unreachable; fewer are failures of those texts alone.
UNREACHABLE_AFTER = 3


# ----------------------------------------------------------------------------------------------
# Results
# ----------------------------------------------------------------------------------------------


@dataclass
class TranslateReport:
    """What the stage did, for the command's summary and exit status."""

    engine: str
    dry_run: bool = False
    memory_filled: int = 0
    machine_filled: int = 0
    glossary_filled: int = 0  # entries the glossary fixes whole (no engine asked), fuzzy too
    compliant: int = 0
    flagged: int = 0
    left: int = 0
    requests: int = 0
    characters: int = 0
    tokens_in: int = 0  # language models only
    tokens_out: int = 0
    from_cache: int = 0
    planned_segments: dict[str, int] = field(default_factory=dict)
    planned_characters: dict[str, int] = field(default_factory=dict)
    planned_tokens: dict[str, tuple[int, int]] = field(default_factory=dict)  # language models: input, output
    unreachable: str | None = None
    paused: str | None = None  # why the engine was not asked at all (unreachable not long ago)
    errors: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    # Every catalog of the stage as it ends, with its text on disk, for a `run` to build from.
    catalogs: dict[Path, tuple[str, polib.POFile]] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return self.unreachable is None and self.paused is None and not self.left

    @property
    def compliance(self) -> float:
        """Machine-filled entries that passed every check, in percent."""
        return 100.0 * self.compliant / self.machine_filled if self.machine_filled else 100.0


# ----------------------------------------------------------------------------------------------
# The MT cache
# ----------------------------------------------------------------------------------------------


class MachineCache:
    """Engine output per (engine, source language, target language, text sent), on disk.

    Each result is committed as it arrives (WAL journal), so even a killed run keeps it.
    """

    COLUMNS = ("engine", "source", "target", "text", "translation", "created")

    def __init__(self, path: Path):
        self.path = path
        self._db = sqlite3.connect(path)
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS translations (engine TEXT, source TEXT, target TEXT, "
                "text TEXT, translation TEXT, created TEXT, PRIMARY KEY (engine, source, target, text))"
            )
            columns = tuple(row[1] for row in self._db.execute("PRAGMA table_info(translations)"))
            if columns != self.COLUMNS:
                raise sqlite3.DatabaseError(f"unexpected columns {', '.join(columns)}")
            self._db.execute("INSERT OR REPLACE INTO translations VALUES ('', '', '', '', '', '')")
            self._db.rollback()  # writable: the cache must be able to keep what it is given
        except sqlite3.Error:
            self._db.close()
            raise

    @classmethod
    def open(cls, path: Path, notify: Callable[[str], None]) -> MachineCache:
        """The cache; a damaged one cannot be rebuilt (it holds what was paid for), so it is kept
        aside as `*.corrupt-DATE` for whoever wants to recover it, and a new one is started."""
        ensure_writable(path.parent)
        try:
            return cls(path)
        except sqlite3.Error as exc:
            if error := disk_full(exc, path):
                raise error from None
            aside = set_aside(path)
            notify(
                f"{path.name} is damaged or unreadable ({exc}); set aside as {aside.name} and a new cache "
                "started: translations it held will be requested from the engine again"
            )
            return cls(path)

    def get(self, engine: str, source: str, target: str, text: str) -> str | None:
        row = self._db.execute(
            "SELECT translation FROM translations WHERE engine=? AND source=? AND target=? AND text=?",
            (engine, source, target, text),
        ).fetchone()
        return row[0] if row else None

    def put(self, engine: str, source: str, target: str, text: str, translation: str) -> None:
        try:
            with self._db:
                self._db.execute(
                    "INSERT OR REPLACE INTO translations VALUES (?, ?, ?, ?, ?, ?)",
                    (engine, source, target, text, translation, _today()),
                )
        except sqlite3.OperationalError as exc:
            raise disk_full(exc, self.path) or exc from None

    def close(self) -> None:
        self._db.close()


def _today() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d")


# ----------------------------------------------------------------------------------------------
# Catalogs being filled
# ----------------------------------------------------------------------------------------------


@dataclass
class _Catalog:
    """One catalog being filled, and the fills to re-apply if a translator saves it meanwhile."""

    lang: str
    path: Path
    text: str  # the file as last read or written
    po: polib.POFile
    fills: dict[tuple[str | None, str], tuple[str, bool, str]] = field(default_factory=dict)
    dirty: bool = False

    @classmethod
    def read(cls, lang: str, path: Path) -> _Catalog:
        text = read_text(path)
        return cls(lang, path, text, parse_po(text, path))

    def fill(self, entry: polib.POEntry, text: str, comment: str) -> None:
        """Machine output: always fuzzy, with its provenance."""
        _put(entry, _same_newlines(entry.msgid, text), True, comment)
        self.remember(entry, comment)

    def remember(self, entry: polib.POEntry, comment: str) -> None:
        """Record a fill, to be re-applied should the file be re-read before it is saved."""
        self.fills[(entry.msgctxt, entry.msgid)] = (entry.msgstr, "fuzzy" in entry.flags, comment)
        self.dirty = True

    def save(self) -> bool:
        """Write atomically; if a translator saved the file meanwhile, fill their version.

        The file's content, not its mtime, tells whether it changed: two saves within one clock
        tick share an mtime. The last check happens just before the rename.
        """
        if not self.dirty:
            return False
        while True:
            on_disk = read_text(self.path)
            if on_disk != self.text:
                self.text, self.po = on_disk, parse_po(on_disk, self.path)
            self._apply_fills()
            self.po.metadata[REVISION_DATE] = timestamp()
            text = format_po(self.po)
            if atomic_write_text(self.path, text, expected=on_disk):
                break
        self.text = text
        self.dirty = False
        return True

    def _apply_fills(self) -> None:
        """Fills may have gone to entries of an earlier reading of the file; put them in this one."""
        for entry in self.po:
            done = self.fills.get((entry.msgctxt, entry.msgid))
            if done and entry_state(entry) is EntryState.UNTRANSLATED:
                _put(entry, *done)


def _put(entry: polib.POEntry, msgstr: str, fuzzy: bool, comment: str) -> None:
    entry.msgstr = msgstr
    if fuzzy and "fuzzy" not in entry.flags:
        entry.flags.insert(0, "fuzzy")
    entry.tcomment = "\n".join(filter(None, [entry.tcomment, comment]))


def _same_newlines(msgid: str, text: str) -> str:
    """msgfmt -c wants a msgstr to start and end with a newline exactly when its msgid does."""
    text = text.strip("\n")
    return ("\n" if msgid.startswith("\n") else "") + text + ("\n" if msgid.endswith("\n") else "")


@dataclass
class _Waiting:
    """An entry waiting for the engine's translation of its masked text."""

    catalog: _Catalog
    entry: polib.POEntry
    masked: Masked
    candidate: str = ""
    violations: list[Violation] = field(default_factory=list)


# ----------------------------------------------------------------------------------------------
# The stage
# ----------------------------------------------------------------------------------------------


def catalogs_to_translate(config: Config, articles: Iterable[str] = ()) -> list[tuple[str, Path]]:
    """(language, catalog) pairs, for all articles or the named ones (slug or source file)."""
    wanted = {article_name(config, article): article for article in articles}
    pairs = []
    found = set()
    for lang in config.languages:
        for name, path in named_files(config.translations_dir / lang, ".po").items():
            if (not wanted or name in wanted) and config.in_shard(name):
                pairs.append((lang, path))
                found.add(name)
    unknown = sorted(set(wanted) - found)
    if unknown:
        raise TransflowError(f"no catalog for article {wanted[unknown[0]]!r} (run `transflow update` first?)")
    if not pairs:
        raise TransflowError("no catalogs: run `transflow update` first", config.relative(config.translations_dir))
    return pairs


def translate(
    config: Config,
    settings: EngineSettings,
    articles: Iterable[str] = (),
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    held: Mapping[Path, tuple[str, polib.POFile]] | None = None,
    paused: str | None = None,
) -> TranslateReport:
    """TM first, then machine translation with glossary enforcement, for every catalog.

    ``held`` are catalogs the caller has in memory, by path, with the text of their file: they
    are filled without being read again (`report.catalogs` has them as the stage leaves them).
    With ``paused`` (the reason), the engine is not asked: only the memory and the cache fill.
    """
    progress = progress or Silent()
    report = TranslateReport(settings.identity, dry_run=dry_run, paused=paused)
    glossary = glossaries.for_project(config.glossary_file, config.languages)
    held = held or {}
    catalogs = [
        _Catalog(lang, path, *held[path]) if path in held else _Catalog.read(lang, path)
        for lang, path in catalogs_to_translate(config, articles)
    ]
    _fill_from_memory(config, catalogs, report)
    waiting: dict[tuple[str, str], list[_Waiting]] = {}
    for catalog in catalogs:
        for entry in catalog.po:
            if entry_state(entry) is EntryState.UNTRANSLATED:
                masked = mask(entry.msgid, glossary, catalog.lang)
                waiting.setdefault((catalog.lang, masked.text), []).append(_Waiting(catalog, entry, masked))
    cache = MachineCache.open(config.state_dir / CACHE_NAME, warn)
    try:
        run = _TranslationRun(config, settings, glossary, cache, report, progress)
        if dry_run:
            run.plan(waiting)
            return report
        try:
            run.machine(waiting, catalogs)
        finally:
            for catalog in catalogs:
                if catalog.save():
                    report.written.append(catalog.path)
                report.catalogs[catalog.path] = (catalog.text, catalog.po)
    finally:
        cache.close()
    return report


def _fill_from_memory(config: Config, catalogs: list[_Catalog], report: TranslateReport) -> None:
    memory = TranslationMemory.open(config)
    try:
        for catalog in catalogs:
            fill = apply_memory(catalog.po, catalog.lang, memory)
            report.memory_filled += fill.filled
            for entry, note in fill.entries:
                catalog.remember(entry, note)
    finally:
        memory.close()


class _TranslationRun:
    """One pass of machine translation: jobs, workers, cache, and putting results in place."""

    def __init__(
        self,
        config: Config,
        settings: EngineSettings,
        glossary: Glossary,
        cache: MachineCache,
        report: TranslateReport,
        progress: Progress,
    ):
        self.source = config.source_language
        self.settings = settings
        self.glossary = glossary
        self.cache = cache
        self.report = report
        self.progress = progress
        self.connection_failures = 0
        self.stamp = f"machine translation: {settings.identity}, {_today()}"
        if settings.name == "pseudo":
            self.stamp += " (pseudo-localization, not a translation)"

    def plan(self, waiting: dict[tuple[str, str], list[_Waiting]]) -> None:
        """--dry-run: what would be sent (cache misses only), per language."""
        if self.settings.name in BATCHED:
            self._batched(waiting, plan=True)
            return
        for lang, text in self._to_send(waiting):
            self.report.planned_segments[lang] = self.report.planned_segments.get(lang, 0) + 1
            self.report.planned_characters[lang] = self.report.planned_characters.get(lang, 0) + len(text)

    def _to_send(self, waiting: dict[tuple[str, str], list[_Waiting]]) -> list[tuple[str, str]]:
        return [
            (lang, text)
            for (lang, text), items in waiting.items()
            if items[0].masked.needs_engine and self.cache.get(self.settings.identity, self.source, lang, text) is None
        ]

    def machine(self, waiting: dict[tuple[str, str], list[_Waiting]], catalogs: list[_Catalog]) -> None:
        failed: dict[tuple[str, str], list[_Waiting]] = {}

        def masked_done(key: tuple[str, str], translation: str | None) -> None:
            for item in waiting[key]:
                if not item.masked.needs_engine:
                    self.report.glossary_filled += 1
                    text = restore(item.masked, key[1]).text
                    item.catalog.fill(item.entry, text, f"fixed text from the glossary, {_today()}")
                    continue
                if translation is None:
                    self.report.left += 1
                    continue
                restored = restore(item.masked, translation)
                item.candidate = restored.text
                item.violations = restored.violations + check(
                    item.entry.msgid, restored.text, self.glossary, item.catalog.lang
                )
                if item.violations:
                    failed.setdefault((key[0], item.entry.msgid), []).append(item)
                else:
                    self._accept(item, [])

        def raw_done(key: tuple[str, str], translation: str | None) -> None:
            for item in failed[key]:
                if translation is not None:
                    candidate = repair(item.entry.msgid, translation, self.glossary, key[0])
                    violations = check(item.entry.msgid, candidate, self.glossary, key[0])
                    if preferable(item.violations, violations):
                        item.candidate, item.violations = candidate, violations
                self._accept(item, item.violations)

        for key, items in waiting.items():
            if not items[0].masked.needs_engine:
                masked_done(key, key[1])
        if self.settings.name in BATCHED:
            self._batched(waiting)
            return
        jobs = [key for key, items in waiting.items() if items[0].masked.needs_engine]
        self._send(jobs, masked_done, catalogs)
        # Fallback for what failed the checks: the unmasked text, with its terms repaired.
        self._send(list(failed), raw_done, catalogs)

    def _accept(self, item: _Waiting, violations: list[Violation]) -> None:
        comment = self.stamp
        if violations:
            comment += "\nMT check failed: " + "; ".join(v.message for v in violations)
            self.report.flagged += 1
        else:
            self.report.compliant += 1
        self.report.machine_filled += 1
        item.catalog.fill(item.entry, item.candidate, comment)

    def _send(
        self, jobs: list[tuple[str, str]], done: Callable[[tuple[str, str], str | None], None], catalogs: list[_Catalog]
    ) -> None:
        """Cached texts at once; the rest through the engines, `concurrency` at a time."""
        pending = []
        for key in jobs:
            cached = self.cache.get(self.settings.identity, self.source, key[0], key[1])
            if cached is not None:
                self.report.from_cache += 1
                done(key, cached)
            elif self.report.unreachable or self.report.paused:
                done(key, None)
            else:
                pending.append(key)
        if not pending:
            return
        workers = _Workers(self.settings, self.source, self.glossary)
        pool = ThreadPoolExecutor(self.settings.concurrency, thread_name_prefix="mt")
        # At most `concurrency` requests are submitted at a time, and the next one only after a
        # result is in the cache: a killed run loses no more than the requests in flight.
        waiting = iter(pending)
        futures: dict[Future[Sent], tuple[str, str]] = {}
        running: set[Future[Sent]] = set()

        def submit_next() -> None:
            if self.report.unreachable:  # nothing more is sent: the rest fail at once, and show it
                left = list(waiting)
                for unsent in left:
                    done(unsent, None)
                if left:
                    self.progress.advance(len(left), failed=len(left))
                return
            key = next(waiting, None)
            if key is not None:
                future = pool.submit(workers.run, key)
                futures[future] = key
                running.add(future)

        for _ in range(self.settings.concurrency):
            submit_next()
        last_save = time.monotonic()
        finished: set[Future[Sent]] = set()

        def receive(future: Future[Sent]) -> bool:
            key = futures[future]
            translation = self._outcome(future, key, workers)
            if translation is not None:
                self.cache.put(self.settings.identity, self.source, key[0], key[1], translation)
            finished.add(future)  # only once cached: a Ctrl-C before that receives it again
            done(key, translation)
            return translation is not None

        self.progress.start(len(pending))
        try:
            while running:
                completed, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in completed:
                    running.discard(future)
                    self.progress.advance(failed=0 if receive(future) else 1)
                    submit_next()
                if time.monotonic() - last_save >= self.settings.save_interval:
                    for catalog in catalogs:
                        catalog.save()
                    last_save = time.monotonic()
        except KeyboardInterrupt:
            # Ctrl-C: nothing new is sent, and what is in flight (each request has a timeout)
            # is waited for and kept. A second Ctrl-C stops at once.
            workers.stop.set()
            pool.shutdown(wait=True, cancel_futures=True)
            for future in futures:
                if future not in finished and future.done() and not future.cancelled():
                    receive(future)
            raise
        except BaseException:
            workers.stop.set()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        finally:
            self.progress.finish()
        pool.shutdown()

    def _outcome(self, future: Future[Sent], key: tuple[str, str], workers: _Workers) -> str | None:
        if future.cancelled():
            return None
        try:
            sent = future.result()
        except _Stopped:
            return None
        except EngineUnavailable as exc:
            self._unreachable(str(exc), workers)
            return None
        except TransientError as exc:
            # This text failed alone; only connection failures of several texts in a row mean
            # the engine itself is gone.
            self.report.requests += exc.requests
            self.report.characters += exc.characters
            self.report.errors.append(f"{key[0]}: {exc} (for {shorten(key[1], 40)!r})")
            self.connection_failures = self.connection_failures + 1 if exc.network else 0
            if self.connection_failures >= UNREACHABLE_AFTER:
                self._unreachable(str(exc), workers)
            return None
        self.connection_failures = 0
        self.report.requests += sent.requests
        self.report.characters += sent.characters
        return sent.translation

    def _unreachable(self, reason: str, workers: _Workers) -> None:
        if self.report.unreachable is None:
            self.report.unreachable = f"engine {self.settings.identity} unreachable: {reason}"
        workers.stop.set()

    # ------------------------------------------------------------------------------------------
    # Engines that take an article at a time, with its context (language models): stages/batching.py
    # ------------------------------------------------------------------------------------------

    def _batched(self, waiting: dict[tuple[str, str], list[_Waiting]], plan: bool = False) -> None:
        """Each catalog's entries waiting for the engine, in order, handed over together; the verified
        translations come back to `_accept`."""
        items = {id(item.entry): item for group in waiting.values() if group[0].masked.needs_engine for item in group}
        catalogs = list({id(item.catalog): item.catalog for item in items.values()}.values())
        articles = [
            Article(
                catalog.lang,
                [entry for entry in catalog.po if not entry.obsolete],
                [entry for entry in catalog.po if id(entry) in items],
            )
            for catalog in catalogs
        ]
        batcher = Batcher(self.settings, self.glossary, self.source, self.cache)
        if plan:
            tally = batcher.plan(articles)
            for lang, (segments, characters, tokens_in, tokens_out) in tally.planned.items():
                self.report.planned_segments[lang] = segments
                self.report.planned_characters[lang] = characters
                self.report.planned_tokens[lang] = (tokens_in, tokens_out)
            return

        def accept(entry: polib.POEntry, text: str, violations: list[Violation]) -> None:
            item = items[id(entry)]
            item.candidate = text
            self._accept(item, violations)

        def save() -> None:
            for catalog in catalogs:
                catalog.save()

        tally = batcher.run(articles, accept, save, self.progress)
        self.report.requests += tally.requests
        self.report.characters += tally.characters
        self.report.tokens_in += tally.tokens_in
        self.report.tokens_out += tally.tokens_out
        self.report.from_cache += tally.from_cache
        self.report.left += tally.left
        self.report.errors.extend(tally.errors)
        self.report.unreachable = self.report.unreachable or tally.unreachable


class _Stopped(Exception):
    """The engine was found unreachable while this job waited: it is not sent."""


class _Workers:
    """The work of one pool thread: its own engines (they are not thread-safe), shared limits."""

    def __init__(self, settings: EngineSettings, source: str, glossary: Glossary):
        self.settings = settings
        self.source = source
        self.glossary = glossary
        self.limiter = RateLimiter(settings.rate_limit)
        self.stop = threading.Event()
        self.local = threading.local()

    def run(self, key: tuple[str, str]) -> Sent:
        if self.stop.is_set():
            raise _Stopped
        lang, text = key
        engines = self.local.__dict__.setdefault("engines", {})
        if lang not in engines:
            engines[lang] = open_engine(self.settings, self.source, lang, self.glossary)()
        return translate_text(engines[lang], text, self.settings, self.limiter)
