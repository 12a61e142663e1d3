"""Orchestration of the stages: extract -> update -> build, and the incremental `run`.

Each stage function takes parsed sources and returns plain results; the CLI prints them.
`run` remembers the size and modification time of every file it read or wrote, and skips an
article whose source, template, catalogs and outputs are all as it left them. It hands each
stage's result to the next in memory: the catalogs are parsed once, when they are merged.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import polib

from transflow.domain import catalog as catalogs
from transflow.domain import glossary as glossaries
from transflow.domain.catalog import Counts, MergeStats
from transflow.errors import TransflowError
from transflow.formats.fileio import atomic_write_text, read_text
from transflow.formats.pofile import format_po, parse_po, read_po, write_po
from transflow.stages.build import BuildResult, build_article
from transflow.stages.renames import follow_renames
from transflow.stages.settings import Config
from transflow.stages.site import Site
from transflow.stages.sources import Source, check_unique, discover, load

if TYPE_CHECKING:
    from transflow.stages.settings import EngineSettings
    from transflow.stages.translate import Progress, TranslateReport

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
    old_text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    old_date = _CREATION_DATE.search(old_text)
    if old_date:
        fresh_date = template.metadata[catalogs.CREATION_DATE]
        template.metadata[catalogs.CREATION_DATE] = old_date.group(1)
        if format_po(template) == old_text:
            return TemplateResult(source.slug, path, False, template)
        template.metadata[catalogs.CREATION_DATE] = fresh_date
    write_po(path, template)
    return TemplateResult(source.slug, path, True, template)


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
    if not path.exists():
        catalog = catalogs.new_catalog(template, lang, config.project, catalogs.timestamp())
        text = format_po(catalog)
        atomic_write_text(path, text)
        return UpdateResult(slug, lang, path, True, True, MergeStats(added=len(catalog)), catalog, text)
    old_text = read_text(path)
    merged, stats = catalogs.merge(template, parse_po(old_text, path), options or config.merge)
    text = format_po(merged)
    written = text != old_text
    if written:
        atomic_write_text(path, text)
    return UpdateResult(slug, lang, path, False, written, stats, merged, text)


def build(config: Config, source: Source, lang: str, catalog_path: Path, site: Site | None = None) -> BuildResult:
    return build_article(config, source, lang, read_po(catalog_path), catalog_path, site)


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

    @property
    def exit_code(self) -> int:
        """0 once everything was processed: an article below its threshold or an unreachable
        engine is reported, not a failure (bad input stops the run with a TransflowError)."""
        return 0


def run(
    config: Config,
    progress: Callable[[list[Source]], Iterable[Source]] = iter,
    machine: EngineSettings | None = None,
    machine_progress: Progress | None = None,
) -> RunReport:
    """extract -> update -> translate -> build for every article that changed since the last run.

    With `machine` settings, the translate stage (translation memory, then machine translation)
    fills the catalogs of those articles, and of the articles whose machine translation was left
    incomplete last time (engine unreachable, texts that failed), which are rebuilt if it filled
    anything. An unreachable engine is only reported (`report.translation.unreachable`).
    """
    state = _load_state(config)
    fingerprint = [config.fingerprint(), _signature(config.glossary_file)]
    known = state.get("articles", {}) if state.get("config") == fingerprint else {}
    fresh: dict[str, dict] = {}
    report = RunReport()
    pending: list[Source] = []
    seen: dict[str, list[int] | None] = {}
    for path in discover(config):
        key = config.relative(path)
        remembered = known.get(key)
        if remembered is not None and _unchanged(config, remembered, seen):
            if config.in_shard(remembered["slug"]):
                fresh[key] = remembered
                report.skipped += 1
        else:
            source = load(config, path)
            if config.in_shard(source.slug):
                pending.append(source)
    _check_slugs(config, pending, {key: entry["slug"] for key, entry in fresh.items()})
    if config.shard is None:  # a shard does not see every article, so cannot tell a rename from a new one
        for old, new in follow_renames(config, pending, (entry["slug"] for entry in fresh.values())):
            report.messages.append(f"renamed {old} -> {new}: its template and catalogs moved")
    held: dict[Path, tuple[str, polib.POFile]] = {}
    for source in pending:
        held.update(_prepare(config, source))
    incomplete: set[str] = set()
    retry = [key for key, remembered in fresh.items() if remembered.get("mt_incomplete")]
    if machine is not None and (pending or retry):
        from transflow.stages.translate import translate  # the engines and the TM load only when needed

        slugs = [source.slug for source in pending] + [fresh[key]["slug"] for key in retry]
        report.translation = translate(config, machine, slugs, progress=machine_progress, held=held)
        held.update(report.translation.catalogs)
        if not report.translation.ok:
            incomplete = set(slugs)
        for key in retry:
            if _unchanged(config, fresh[key]):
                fresh[key]["mt_incomplete"] = fresh[key]["slug"] in incomplete
            else:
                pending.append(load(config, config.root / key))
                del fresh[key]
                report.skipped -= 1
    site = Site.of(config, pending, {key: entry["slug"] for key, entry in fresh.items()}) if pending else None
    for source in progress(pending):
        entry = _build_all(config, source, report, held, site)
        entry["mt_incomplete"] = source.slug in incomplete
        fresh[config.relative(source.path)] = entry
        report.processed += 1
    for key in sorted(fresh):
        for lang, entry in fresh[key]["languages"].items():
            report.rows.append(
                ArticleReport(
                    fresh[key]["slug"], lang, Counts(*entry["counts"]), entry["status"], entry.get("reason", "")
                )
            )
    if fresh != known or state.get("config") != fingerprint:  # a run that changed nothing writes nothing
        _save_state(config, {"version": STATE_VERSION, "config": fingerprint, "articles": fresh})
    return report


def _check_slugs(config: Config, pending: list[Source], unchanged: dict[str, str]) -> None:
    """Before anything is written: two articles with one slug would share their catalogs."""
    check_unique(pending, config)
    owners = {slug: key for key, slug in unchanged.items()}
    for source in pending:
        other = owners.get(source.slug)
        if other is not None and other != config.relative(source.path):
            raise TransflowError(f"slug {source.slug!r} is already used by {other}", config.relative(source.path))


def _prepare(config: Config, source: Source) -> dict[Path, tuple[str, polib.POFile]]:
    """The article's catalogs, updated and written, with their text, for the stages after."""
    template = extract(config, source)
    held = {}
    for lang in config.languages:
        updated = update(config, source.slug, template.template, lang)
        held[updated.path] = (updated.text, updated.catalog)
    return held


def _build_all(
    config: Config, source: Source, report: RunReport, held: dict[Path, tuple[str, polib.POFile]], site: Site | None
) -> dict:
    entry: dict = {"slug": source.slug, "files": {}, "languages": {}}
    watched = [source.path, config.template_path(source.slug)]
    for lang in config.languages:
        path = config.catalog_path(lang, source.slug)
        catalog = held.pop(path)[1] if path in held else read_po(path)
        built = build_article(config, source, lang, catalog, path, site)
        report.messages.extend(built.refused)
        entry["languages"][lang] = {
            "counts": list(built.counts.as_tuple()),
            "status": built.status,
            "reason": built.reason,
        }
        watched += [path, built.output, *built.consulted]
    entry["files"] = {config.relative(path): _signature(path) for path in watched}
    return entry


def _unchanged(config: Config, remembered: dict, seen: dict[str, list[int] | None] | None = None) -> bool:
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
        status = os.stat(path)
    except FileNotFoundError:
        return None
    return [status.st_mtime_ns, status.st_size]


def _state_path(config: Config) -> Path:
    return config.state_dir / "state.json"


def _load_state(config: Config) -> dict:
    """A missing, old or damaged state only costs a full run, so it is never an error."""
    try:
        state = json.loads(_state_path(config).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) and state.get("version") == STATE_VERSION else {}


def _save_state(config: Config, state: dict) -> None:
    atomic_write_text(_state_path(config), json.dumps(state, sort_keys=True))
