"""Orchestration of the stages: extract -> update -> build, and the incremental `run`.

Each stage function takes parsed sources and returns plain results; the CLI prints them.
`run` remembers the size and modification time of every file it read or wrote, and skips an
article whose source, template, catalogs and outputs are all as it left them. It hands each
stage's result to the next in memory: the catalogs are parsed once, when they are merged.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import re
import signal
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import polib

from transflow.domain import catalog as catalogs
from transflow.domain import glossary as glossaries
from transflow.domain.catalog import Counts, MergeStats
from transflow.errors import TransflowError
from transflow.formats.fileio import atomic_write_text, rewrite_text
from transflow.formats.pofile import format_po, parse_po
from transflow.stages.build import SKIPPED, BuildResult, build_current, forget_deleted
from transflow.stages.renames import follow_renames
from transflow.stages.settings import Config
from transflow.stages.site import Site
from transflow.stages.sources import Listed, Source, discover, list_each, load, load_each, unique

if TYPE_CHECKING:
    from transflow.stages.progress import Progress
    from transflow.stages.settings import EngineSettings
    from transflow.stages.translate import TranslateReport

STATE_VERSION = 2


@dataclass
class TemplateResult:
    slug: str
    path: Path
    written: bool
    template: polib.POFile


@dataclass
class UpdateResult:
    slug: str
    lang: str
    path: Path
    created: bool
    written: bool
    stats: MergeStats
    catalog: polib.POFile
    text: str  # the catalog's file as it is now


def extract(config: Config, source: Source) -> TemplateResult:
    """Write the article's template, unless only its creation date would change.

    The comparison is on text: the new template, given the old file's creation date, is
    formatted and compared with the file, which is cheaper than parsing the old one.
    """
    path = config.template_path(source.slug)
    glossary = glossaries.for_project(config.glossary_file, config.languages)
    digest = catalogs.source_digest(source.article.text, source.article.path, config.front_matter_keys, glossary)
    template = catalogs.build_template(source.article, config.project, _creation_date(), glossary, digest)
    fresh_date = template.metadata[catalogs.CREATION_DATE]

    def make(old_text: str | None) -> tuple[str, None]:
        old_date = _CREATION_DATE.search(old_text or "")
        if old_date:
            template.metadata[catalogs.CREATION_DATE] = old_date.group(1)
            text = format_po(template)
            if text == old_text:
                return text, None
        template.metadata[catalogs.CREATION_DATE] = fresh_date
        return format_po(template), None

    _, _, written = rewrite_text(path, make)
    return TemplateResult(source.slug, path, written, template)


_CREATION_DATE = re.compile(r'^"POT-Creation-Date: ([^"\\]*)\\n"$', re.MULTILINE)


def _creation_date() -> str:
    """SOURCE_DATE_EPOCH makes the date reproducible, as in reproducible-builds.org."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return catalogs.timestamp(datetime.fromtimestamp(int(epoch), timezone.utc))
    return catalogs.timestamp()


def update(
    config: Config, slug: str, template: polib.POFile, lang: str, options: catalogs.MergeOptions | None = None
) -> UpdateResult:
    """Create the catalog from the template, or merge the template into the existing one.

    ``options`` default to the ``merge:`` settings of transflow.yml. The file is written only
    when its text changes, so its mtime only moves when its content does.
    """
    path = config.catalog_path(lang, slug)

    def make(old_text: str | None) -> tuple[str, tuple[polib.POFile, MergeStats]]:
        if old_text is None:
            catalog = catalogs.new_catalog(template, lang, config.project, catalogs.timestamp())
            return format_po(catalog), (catalog, MergeStats(added=len(catalog)))
        merged, stats = catalogs.merge(template, parse_po(old_text, path), options or config.merge, lang)
        return format_po(merged), (merged, stats)

    created = not path.exists()
    (catalog, stats), text, written = rewrite_text(path, make)
    return UpdateResult(slug, lang, path, created, written, stats, catalog, text)


def build(config: Config, source: Source, lang: str, catalog_path: Path, site: Site | None = None) -> BuildResult:
    return build_current(config, source, lang, catalog_path, site=site)[0]


# ----------------------------------------------------------------------------------------------
# extract and build of a whole project, one article at a time
# ----------------------------------------------------------------------------------------------


class Extracted(NamedTuple):
    """What extracting one article did (the template itself stays in the process that made it)."""

    path: Path
    written: bool
    strings: int


class NoCatalog(NamedTuple):
    """A language the article has no catalog in yet."""

    lang: str
    path: Path


def extract_each(config: Config, articles: Sequence[Listed]) -> Iterator[tuple[Listed, Extracted | TransflowError]]:
    """Each article with its template written, in order, or why it could not be."""

    def work(article: Listed) -> Extracted | TransflowError:
        try:
            result = extract(config, load(config, article.path))
        except TransflowError as exc:
            return exc
        return Extracted(result.path, result.written, len(result.template))

    return zip(articles, in_order(work, articles), strict=True)


def build_each(
    config: Config, articles: Sequence[Listed], site: Site | None
) -> Iterator[tuple[Listed, list[BuildResult | NoCatalog | TransflowError]]]:
    """Each article, in order, with what building each language did; an article that cannot be read
    any more (changed since it was listed) gives only its error."""

    def work(article: Listed) -> list[BuildResult | NoCatalog | TransflowError]:
        try:
            source = load(config, article.path)
        except TransflowError as exc:
            return [exc]
        outcomes: list[BuildResult | NoCatalog | TransflowError] = []
        for lang in config.languages:
            catalog_path = config.catalog_path(lang, source.slug)
            if not catalog_path.exists():
                outcomes.append(NoCatalog(lang, catalog_path))
                continue
            try:
                outcomes.append(build(config, source, lang, catalog_path, site))
            except TransflowError as exc:
                outcomes.append(exc)
        return outcomes

    return zip(articles, in_order(work, articles), strict=True)


Item = TypeVar("Item")
Outcome = TypeVar("Outcome")
POOL_MIN_ITEMS = 48  # below this, starting a second process costs more than it saves
POOL_CHUNK = 8  # articles handed to a process at a time: few round trips, a steady share of the work
_work: Callable[[Any], Any] | None = None  # what the forked processes do (inherited, never pickled)


def in_order(work: Callable[[Item], Outcome], items: Sequence[Item]) -> Iterator[Outcome]:
    """``work`` on each item, results in the items' order, as they come.

    With enough items and more than one core, forked processes share them in chunks: the same
    results, in about the wall time of one core's share. ``work`` must do its own writing (each
    item its own files) and return what the caller reports; a failure is a returned value too.
    """
    processes = _cores()
    if len(items) < POOL_MIN_ITEMS or processes < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return map(work, items)
    return _pooled(work, items, processes)


def _pooled(work: Callable[[Item], Outcome], items: Sequence[Item], processes: int) -> Iterator[Outcome]:
    global _work
    _work = work
    gc.freeze()  # the objects alive now stay shared with the children: the collector does not touch them
    try:
        with multiprocessing.get_context("fork").Pool(processes, initializer=_ignore_interrupts) as pool:
            yield from pool.imap(_call_work, items, chunksize=POOL_CHUNK)
    finally:
        gc.unfreeze()
        _work = None


def _cores() -> int:
    """The cores this process may run on (a CI job's share, not the machine's)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _ignore_interrupts() -> None:
    """Ctrl-C is the parent's to handle: it ends the pool, and says every file written is complete."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _call_work(item: Any) -> Any:
    assert _work is not None
    return _work(item)


# ----------------------------------------------------------------------------------------------
# run
# ----------------------------------------------------------------------------------------------


@dataclass
class ArticleReport:
    """One row of the run summary."""

    slug: str
    lang: str
    counts: Counts
    status: str
    reason: str = ""


@dataclass
class RunReport:
    rows: list[ArticleReport] = field(default_factory=list)
    processed: int = 0
    skipped: int = 0
    translation: TranslateReport | None = None
    messages: list[str] = field(default_factory=list)
    failed: list[TransflowError] = field(default_factory=list)  # bad articles and catalogs, skipped
    removed: list[Path] = field(default_factory=list)  # outputs of deleted articles
    machine_paused: str | None = None  # why the engine was not asked (unreachable not long ago)

    @property
    def exit_code(self) -> int:
        """2 when bad input was skipped; otherwise 0: an article below its threshold or an
        unreachable engine is reported, not a failure."""
        return 2 if self.failed else 0


def run(
    config: Config,
    progress: Callable[[list[Listed]], Iterable[Listed]] = iter,
    machine: EngineSettings | None = None,
    machine_progress: Progress | None = None,
    retry_machine: bool = False,
) -> RunReport:
    """extract -> update -> translate -> build for every article that changed since the last run.

    With `machine` settings, the translate stage (translation memory, then machine translation)
    fills the catalogs of those articles, and of the articles whose machine translation was left
    incomplete last time (engine unreachable, texts that failed), which are rebuilt if it filled
    anything. An unreachable engine is only reported (`report.translation.unreachable`), and not
    asked again for `mt.retry_after_unreachable` seconds unless ``retry_machine``. An article or
    catalog that cannot be read is reported (`report.failed`) and skipped; the others go on.
    """
    state = _load_state(config)
    fingerprint = [config.fingerprint(), _signature(config.glossary_file)]
    known = state.get("articles", {}) if state.get("config") == fingerprint else {}
    fresh: dict[str, dict[str, Any]] = {}
    report = RunReport()
    changed: list[Path] = []
    seen: dict[str, list[int] | None] = {}
    for path in discover(config):
        key = config.relative(path)
        remembered = known.get(key)
        if remembered is not None and _unchanged(config, remembered, seen):
            if config.in_shard(remembered["slug"]):
                fresh[key] = remembered
                report.skipped += 1
        else:
            changed.append(path)
    owners = {entry["slug"]: key for key, entry in fresh.items()}
    pending = [article for article in _listable(config, changed, report, owners) if config.in_shard(article.slug)]
    if config.shard is None:  # a shard does not see every article, so cannot tell a rename from a new one
        for old, new in follow_renames(config, pending, (entry["slug"] for entry in fresh.values())):
            report.messages.append(f"renamed {old} -> {new}: its template and catalogs moved")
    # Outputs are forgotten only when every article was read: a shard or an unreadable one could
    # make a live output look orphaned.
    complete = not report.failed and config.shard is None
    outputs: list[Path] = []
    building = _Building(config, fresh, report, outputs, progress)
    if machine is None:
        _prepare_and_build_each(building, pending)
    else:
        _translate_and_build(building, pending, state, machine, machine_progress, retry_machine)
    for key in sorted(fresh):
        for lang, entry in fresh[key]["languages"].items():
            report.rows.append(
                ArticleReport(
                    fresh[key]["slug"], lang, Counts(*entry["counts"]), entry["status"], entry.get("reason", "")
                )
            )
    if complete and not report.failed:
        live = set(outputs) | {config.root / name for entry in fresh.values() for name in entry["files"]}
        report.removed = forget_deleted(config, outputs, live)
    new_state = {
        "version": STATE_VERSION,
        "config": fingerprint,
        "articles": fresh,
        "unreachable": _unreachable_since(state, machine, report.translation, report.machine_paused),
    }
    if new_state != state:  # a run that changed nothing writes nothing
        _save_state(config, new_state)
    return report


def _listable(config: Config, paths: list[Path], report: RunReport, owners: dict[str, str]) -> list[Listed]:
    """The articles at ``paths`` that can be processed; the others go to ``report.failed``."""
    found, problems = list_each(config, paths)
    kept, clashes = unique(found, config, owners)
    report.failed += problems + clashes
    return kept


def _loaded(config: Config, articles: list[Listed], report: RunReport) -> list[Source]:
    """The listed articles parsed; one changed since it was listed may fail now."""
    sources, problems = load_each(config, [article.path for article in articles])
    report.failed += problems
    return sources


def _listed(source: Source) -> Listed:
    return Listed(source.slug, source.path, source.relative, source.slug_line)


@dataclass
class _Building:
    """What building each article of a `run` adds to: the state to remember, the report, the outputs."""

    config: Config
    fresh: dict[str, dict[str, Any]]
    report: RunReport
    outputs: list[Path]
    progress: Callable[[list[Listed]], Iterable[Listed]]

    def build(
        self, source: Source, held: dict[Path, tuple[str, polib.POFile]], site: Site | None, mt_incomplete: bool
    ) -> TransflowError | None:
        """Build every language of the article and remember it; the error if it could not be."""
        try:
            entry = _build_all(self.config, source, self.report, held, self.outputs, site)
        except TransflowError as exc:
            return exc
        entry["mt_incomplete"] = mt_incomplete
        self.fresh[self.config.relative(source.path)] = entry
        self.report.processed += 1
        return None


def _prepare_and_build_each(building: _Building, pending: list[Listed]) -> None:
    """extract -> update -> build one article at a time, holding only its catalogs.

    Every catalog is updated before any article's links consult it, as when the stages run one
    after the other: an article a link points to is prepared when the link is followed, ahead of
    its turn (`Site.prepare`).
    """
    config, report = building.config, building.report
    turn = {article.slug: number for number, article in enumerate(pending)}
    prepared: dict[str, tuple[Source, dict[Path, tuple[str, polib.POFile]]] | None] = {}
    unprepared: list[tuple[int, TransflowError]] = []

    def prepare(name: str) -> None:
        if name not in turn or name in prepared:
            return
        prepared[name] = None
        try:
            source = load(config, pending[turn[name]].path)
            prepared[name] = (source, _prepare(config, source))
        except TransflowError as exc:
            unprepared.append((turn[name], exc))

    names = {key: entry["slug"] for key, entry in building.fresh.items()}
    site = Site.of(config, pending, names, prepare) if pending else None
    built: list[TransflowError] = []
    for article in building.progress(pending):
        prepare(article.slug)
        ready, prepared[article.slug] = prepared[article.slug], None  # done: its catalogs go with the build
        if ready is not None:
            failure = building.build(*ready, site, mt_incomplete=False)
            built += [failure] if failure else []
    report.failed += [exc for _number, exc in sorted(unprepared, key=lambda pair: pair[0])] + built


def _translate_and_build(
    building: _Building,
    pending: list[Listed],
    state: dict[str, Any],
    machine: EngineSettings,
    machine_progress: Progress | None,
    retry_machine: bool,
) -> None:
    """Every changed article prepared, then translated together (the engine takes batches across
    articles), then built."""
    config, report, fresh = building.config, building.report, building.fresh
    sources = _loaded(config, pending, report)
    held: dict[Path, tuple[str, polib.POFile]] = {}
    for source in list(sources):
        try:
            held.update(_prepare(config, source))
        except TransflowError as exc:
            report.failed.append(exc)
            sources.remove(source)
    incomplete: set[str] = set()
    paused = None if retry_machine else _machine_paused(state, machine)
    report.machine_paused = paused
    retry = [] if paused else [key for key, remembered in fresh.items() if remembered.get("mt_incomplete")]
    if sources or retry:
        from transflow.stages.translate import translate  # the engines and the TM load only when needed

        slugs = [source.slug for source in sources] + [fresh[key]["slug"] for key in retry]
        try:
            report.translation = translate(config, machine, slugs, progress=machine_progress, held=held, paused=paused)
        except TransflowError as exc:  # the translation memory reads every catalog: one may be a bad one
            if str(exc) not in map(str, report.failed):
                report.failed.append(exc)
            incomplete = set(slugs)
        else:
            held.update(report.translation.catalogs)
            if not report.translation.ok:
                incomplete = set(slugs)
        again = []
        for key in retry:
            if _unchanged(config, fresh[key]):
                fresh[key]["mt_incomplete"] = fresh[key]["slug"] in incomplete
            else:
                again.append(config.root / key)
                del fresh[key]
                report.skipped -= 1
        sources += _loaded(config, _listable(config, again, report, {}), report)
    site = Site.of(config, sources, {key: entry["slug"] for key, entry in fresh.items()}) if sources else None
    by_path = {source.path: source for source in sources}
    for article in building.progress([_listed(source) for source in sources]):
        source = by_path[article.path]
        failure = building.build(source, held, site, mt_incomplete=source.slug in incomplete)
        report.failed += [failure] if failure else []


def _machine_paused(state: dict[str, Any], machine: EngineSettings) -> str | None:
    """Why the engine is not asked this time: it was unreachable less than the set interval ago."""
    since = state.get("unreachable")
    if not isinstance(since, dict) or since.get("engine") != machine.identity:
        return None
    at = since.get("at")
    if not isinstance(at, (int, float)) or not 0 <= time.time() - at < machine.retry_after_unreachable:
        return None
    return (
        f"engine {machine.identity} was unreachable {_duration(time.time() - at)} ago: not asked again for "
        f"{_duration(machine.retry_after_unreachable)} (mt.retry_after_unreachable; --retry-mt asks now)"
    )


def _unreachable_since(
    state: dict[str, Any], machine: EngineSettings | None, translation: TranslateReport | None, paused: str | None
) -> object:
    """When the engine was last found unreachable, kept while it is not asked again."""
    if machine is not None and translation is not None and translation.unreachable:
        return {"engine": machine.identity, "at": time.time()}
    if machine is None or translation is None or paused:
        return state.get("unreachable")
    return None


def _duration(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"{round(seconds)} s" if seconds < 90 else f"{minutes} min"


def _prepare(config: Config, source: Source) -> dict[Path, tuple[str, polib.POFile]]:
    """The article's catalogs, updated and written, with their text, for the stages after."""
    template = extract(config, source)
    held = {}
    for lang in config.languages:
        updated = update(config, source.slug, template.template, lang)
        held[updated.path] = (updated.text, updated.catalog)
    return held


def _build_all(
    config: Config,
    source: Source,
    report: RunReport,
    held: dict[Path, tuple[str, polib.POFile]],
    outputs: list[Path],
    site: Site | None,
) -> dict[str, Any]:
    entry: dict[str, Any] = {"slug": source.slug, "files": {}, "languages": {}}
    watched = [source.path, config.template_path(source.slug)]
    catalogs_seen = {}
    for lang in config.languages:
        path = config.catalog_path(lang, source.slug)
        built, catalogs_seen[path] = build_current(config, source, lang, path, held.pop(path, None), site)
        report.messages.extend(built.refused)
        entry["languages"][lang] = {
            "counts": list(built.counts.as_tuple()),
            "status": built.status,
            "reason": built.reason,
        }
        watched += [built.output, *built.consulted]
        if built.status != SKIPPED:
            outputs.append(built.output)
    entry["files"] = {config.relative(path): _signature(path) for path in watched}
    entry["files"].update({config.relative(path): _signature_of(status) for path, status in catalogs_seen.items()})
    return entry


def _unchanged(config: Config, remembered: dict[str, Any], seen: dict[str, list[int] | None] | None = None) -> bool:
    """Whether every file the article's last run read or wrote is as it was. `seen` keeps the
    signatures already taken in this run: articles linking to one another share catalogs."""
    seen = {} if seen is None else seen
    root = str(config.root)
    for name, signature in remembered["files"].items():
        if name not in seen:
            seen[name] = _signature(os.path.join(root, name))
        if seen[name] != signature:
            return False
    return set(remembered["languages"]) == set(config.languages)


def _signature(path: Path | str) -> list[int] | None:
    try:
        return _signature_of(os.stat(path))
    except FileNotFoundError:
        return None


def _signature_of(status: os.stat_result) -> list[int]:
    return [status.st_mtime_ns, status.st_size]


def _state_path(config: Config) -> Path:
    return config.state_dir / "state.json"


def _load_state(config: Config) -> dict[str, Any]:
    """A missing, old or damaged state only costs a full run, so it is never an error."""
    try:
        state = json.loads(_state_path(config).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) and state.get("version") == STATE_VERSION else {}


def _save_state(config: Config, state: dict[str, Any]) -> None:
    atomic_write_text(_state_path(config), json.dumps(state, sort_keys=True))
