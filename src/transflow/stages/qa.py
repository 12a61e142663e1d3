"""Running the checks over a project: which files, which checks, switched off where, and the verdict.

A file that cannot be read is a problem of that file, never the end of the run: CI should list
everything that is wrong in one go. Checks are switched off per project (`checks.disable` in
transflow.yml) or per entry (a translator comment ``transflow: ignore CHECK[, CHECK...]``, which
Poedit shows and edits and msgmerge keeps, unlike custom flags).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import repeat
from operator import attrgetter
from pathlib import Path
from typing import Any

import polib

from transflow.domain import catalog as catalogs
from transflow.domain.checks import (
    CATALOG_CHECKS,
    CHECKS,
    ENTRY_CHECKS,
    ERROR,
    SOURCE_CHECKS,
    CatalogContext,
    Check,
    EntryContext,
    SourceContext,
)
from transflow.domain.checks.citations import citation_problems
from transflow.domain.glossary import Glossary, for_project, text_fingerprint
from transflow.domain.state import EntryState, entry_state
from transflow.domain.text import shorten
from transflow.errors import TransflowError
from transflow.formats.fileio import read_text
from transflow.formats.markdown import Segment
from transflow.formats.pofile import read_po
from transflow.stages import consistency as consistency_
from transflow.stages.checkcache import CACHE_NAME, CheckCache, run_key
from transflow.stages.consistency import ApprovedEntries, ApprovedTranslation, SharedDigests
from transflow.stages.settings import CheckSettings, Config
from transflow.stages.sources import Source, article_name, discover, load, named_files, source_name

_IGNORE = re.compile(r"^\s*transflow:\s*ignore\s+(.+?)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Problem:
    """One finding, located at a file line; msgid/msgstr when it concerns one entry."""

    check: str
    severity: str
    message: str
    path: str
    line: int | None = None
    lang: str | None = None
    msgid: str | None = None
    msgstr: str | None = None


@dataclass
class CatalogStats:
    """Counts of one article in one language; `error` when the catalog could not be read."""

    slug: str
    lang: str
    path: str
    counts: catalogs.Counts
    error: str = ""


@dataclass
class Result:
    problems: list[Problem] = field(default_factory=list)
    stats: list[CatalogStats] = field(default_factory=list)
    entries: int = 0
    sources: int = 0

    @property
    def errors(self) -> int:
        return sum(1 for problem in self.problems if problem.severity == ERROR)

    @property
    def warnings(self) -> int:
        return len(self.problems) - self.errors

    @property
    def passed(self) -> bool:
        return self.errors == 0


def select_articles(config: Config, articles: Iterable[str] = ()) -> list[str]:
    """Slugs of the project's articles (templates and catalogs), or of the ones asked for.

    An article is named by its slug or by the path of its source, template or catalog.
    """
    known = set(named_files(config.templates_dir, ".pot"))
    for lang in config.languages:
        known.update(named_files(config.translations_dir / lang, ".po"))
    wanted = []
    for name in articles:
        slug = article_name(config, name)
        if slug not in known:
            raise TransflowError(f"no article {name!r} (no template or catalog of that name)")
        wanted.append(slug)
    return sorted(name for name in (set(wanted) if wanted else known) if config.in_shard(name))


def read_stats(config: Config, slugs: list[str]) -> list[CatalogStats]:
    """Strings and words per article and language, as `transflow stats` prints them."""
    rows = []
    for lang in config.languages:
        for slug in slugs:
            path = config.catalog_path(lang, slug)
            try:
                counts = catalogs.count(read_po(path))
                rows.append(CatalogStats(slug, lang, config.relative(path), counts))
            except TransflowError as exc:
                rows.append(CatalogStats(slug, lang, config.relative(path), catalogs.Counts(), str(exc)))
    return rows


@dataclass(frozen=True)
class Finding:
    """What a check says about one entry, at the severity the project gives it."""

    check: str
    severity: str
    message: str


class EntryChecks:
    """The entry checks a project runs, in order, with its `checks.disable` applied.

    Content checks judge the entries `is_judged` picks; completeness checks judge the others (an
    approved entry is complete: none of them can fire on it).
    """

    def __init__(self, settings: CheckSettings):
        self.settings = settings
        enabled = [check for check in ENTRY_CHECKS if settings.enabled(check.name)]
        # (name, function) pairs: the hot loop of a run
        self.of_others = [(check.name, check.function) for check in enabled if not check.approved_only]
        self.of_content = [(check.name, check.function) for check in enabled if check.approved_only]

    def messages(
        self, entry: polib.POEntry, context: EntryContext, ignored: frozenset[str], judged: bool
    ) -> Iterator[tuple[str, str]]:
        """(check, message) for an entry, skipping checks its comment switches off: content checks
        if it is `judged` (see `is_judged`), completeness checks if not."""
        for name, function in self.of_content if judged else self.of_others:
            if ignored and name in ignored:
                continue
            for message in function(entry, context):
                yield name, message

    def of_candidate(self, entry: polib.POEntry, context: EntryContext) -> list[Finding]:
        """What `transflow check` would report on this translation once it is approved.

        Completeness checks are left out: that the entry waits for a person is known. Checks
        switched off for the project or the entry (`transflow: ignore`) stay off.
        """
        if entry.msgid_plural:
            return []
        approved = copy.copy(entry)
        approved.flags = [flag for flag in entry.flags if flag != "fuzzy"]
        ignored = ignored_checks(entry)
        return [
            Finding(name, self.settings.severity_of(name), message)
            for name, function in self.of_content
            if name not in ignored
            for message in function(approved, context)
        ]


def is_judged(entry: polib.POEntry) -> bool:
    """Approved entries are what `build` publishes; content checks and consistency compare their
    msgid and msgstr, so plural entries are left to msgfmt."""
    return entry_state(entry) is EntryState.APPROVED and not entry.msgid_plural


def entry_context(settings: CheckSettings, lang: str, source_lang: str, glossary: Glossary) -> EntryContext:
    """What entry checks of one language need from the project."""
    return EntryContext(lang, glossary, settings.length_ratio, source_lang, settings.units)


class _ArticleChecker:
    """Checking some articles in one process: the state shared by the per-file steps."""

    def __init__(self, config: Config, settings: CheckSettings, fail_under: float | None, glossary: Glossary):
        self.config = config
        self.settings = settings
        self.fail_under = fail_under
        self.result = Result()
        self.glossary = glossary
        self.entry_checks = EntryChecks(settings)
        self.approved: list[ApprovedEntries] = []

    def add(
        self,
        name: str,
        message: str,
        path: str,
        line: int | None = None,
        *,
        lang: str | None = None,
        entry: polib.POEntry | None = None,
        segment: Segment | None = None,
    ) -> None:
        if not self.settings.enabled(name):
            return
        msgid = entry.msgid if entry is not None else segment.msgid if segment else None
        self.result.problems.append(
            Problem(
                name,
                self.settings.severity_of(name),
                message,
                path,
                line,
                lang,
                msgid,
                entry.msgstr if entry is not None else None,
            )
        )

    def read(self, path: Path, lang: str | None = None) -> polib.POFile | None:
        try:
            return read_po(path)
        except TransflowError as exc:
            self.add("unreadable", exc.message, self.config.relative(path), exc.line, lang=lang)
            return None

    # --- catalogs ---

    def catalog(self, slug: str, lang: str, template: polib.POFile | None) -> None:
        path = self.config.catalog_path(lang, slug)
        where = self.config.relative(path)
        if not path.exists():
            if template is not None:
                self.add("catalog-outdated", "no catalog for this language: run `transflow update`", where, lang=lang)
            return
        catalog = self.read(path, lang)
        if catalog is None:
            return
        counts = catalogs.count(catalog)
        self.result.stats.append(CatalogStats(slug, lang, where, counts))
        context = CatalogContext(lang, self.settings.max_obsolete)
        for check in CATALOG_CHECKS:
            if self.settings.enabled(check.name):
                for line, message in check.function(catalog, context):
                    self.add(check.name, message, where, line, lang=lang)
        if template is not None:
            self._compare_with_template(catalog, template, where, lang)
        self._threshold(counts, where, lang)
        self._entries(catalog, slug, where, lang)

    def _compare_with_template(self, catalog: polib.POFile, template: polib.POFile, where: str, lang: str) -> None:
        expected = [(entry.msgctxt, entry.msgid) for entry in template if not entry.obsolete]
        present = [(entry.msgctxt, entry.msgid) for entry in catalog if not entry.obsolete]
        if expected != present:
            missing = len(set(expected) - set(present))
            extra = len(set(present) - set(expected))
            self.add(
                "catalog-outdated",
                f"out of date with its template ({missing} string(s) "
                f"missing, {extra} no longer in it): run `transflow update`",
                where,
                1,
                lang=lang,
            )

    def _threshold(self, counts: catalogs.Counts, where: str, lang: str) -> None:
        wanted = (
            self.fail_under
            if self.fail_under is not None
            else self.settings.thresholds.get(lang, self.config.threshold_for(lang))
        )
        shares = {
            "strings": counts.percent,
            "words": 100.0 * counts.translated_words / counts.total_words if counts.total_words else 100.0,
        }
        for unit in self.settings.count:
            if shares[unit] < wanted:
                self.add(
                    "threshold",
                    f"{shares[unit]:.1f}% of {unit} translated, below the {wanted:g}% required for {lang}",
                    where,
                    1,
                    lang=lang,
                )

    def _entries(self, catalog: polib.POFile, slug: str, where: str, lang: str) -> None:
        context = entry_context(self.settings, lang, self.config.source_language, self.glossary)
        approved = ApprovedEntries(lang, slug, where)
        self.approved.append(approved)
        for entry in catalog:
            if entry.obsolete:
                continue
            self.result.entries += 1
            ignored = ignored_checks(entry)
            judged = is_judged(entry)
            for name, message in self.entry_checks.messages(entry, context, ignored, judged):
                self.add(name, message, where, entry.linenum, lang=lang, entry=entry)
            if judged:
                approved.add(entry.msgid, entry.msgstr, entry.linenum, ignored)

    def template(self, slug: str, source_path: Path | None, source: Source | None = None) -> polib.POFile | None:
        """The article's template, flagged if extracting the source again would change it.

        A digest of the source in the template's header answers that without extracting; only
        when it differs (a changed source, or an older transflow) is the article parsed, unless
        `source` already is.
        """
        path = self.config.template_path(slug)
        if not path.exists():
            return None
        template = self.read(path)
        if template is None or source_path is None or not self.settings.enabled("template-outdated"):
            return template
        if source is None:
            try:
                text = read_text(source_path)
            except TransflowError as exc:
                self.add("unreadable", exc.message, self.config.relative(source_path), exc.line)
                return template
            digest = catalogs.source_digest(
                text, self.config.relative(source_path), self.config.front_matter_keys, self.glossary
            )
            if template.metadata.get(catalogs.SOURCE_DIGEST) == digest:
                return template
            source = self.source(slug, source_path, text)
            if source is None:
                return template
        fresh = catalogs.build_template(
            source.article, self.config.project, template.metadata.get(catalogs.CREATION_DATE, ""), self.glossary
        )
        if _entry_keys(fresh) != _entry_keys(template):
            self.add(
                "template-outdated",
                f"out of date with {source.article.path} (or with the glossary's notes): run `transflow extract`",
                self.config.relative(path),
                1,
            )
        return template

    def source(self, slug: str, path: Path, text: str | None = None) -> Source | None:
        try:
            source = load(self.config, path, text)
        except TransflowError as exc:
            self.add("unreadable", exc.message, self.config.relative(path), exc.line)
            return None
        return source if source.slug == slug else None

    def source_checks(self, source: Source) -> None:
        context = SourceContext(self.glossary, self.config.source_language)
        where = self.config.relative(source.path)
        checks = [check for check in SOURCE_CHECKS if self.settings.enabled(check.name)]
        for segment in source.article.segments:
            for check in checks:
                for snippet, message in check.function(segment.msgid, context):
                    self.add(check.name, message, where, _line_of(source, segment, snippet), segment=segment)
        for name, line, message in citation_problems(source.article):
            if self.settings.enabled(name):
                self.add(name, message, where, line)


def _entry_keys(template: polib.POFile) -> list[tuple[object, ...]]:
    """What `extract` decides: strings, their kinds and notes, and where they are."""
    return [
        (entry.msgctxt, entry.msgid, entry.comment, [tuple(o) for o in entry.occurrences])
        for entry in template
        if not entry.obsolete
    ]


def ignored_checks(entry: polib.POEntry) -> frozenset[str]:
    """Checks a translator switched off for this entry with ``# transflow: ignore NAME, ...``."""
    if "transflow:" not in (entry.tcomment or ""):
        return frozenset()
    names = set()
    for match in _IGNORE.finditer(entry.tcomment):
        names.update(re.split(r"[,\s]+", match.group(1)))
    if "all" in names:
        return frozenset(CHECKS)
    return frozenset(names)


def _line_of(source: Source, segment: Segment, snippet: str) -> int:
    """The source line a snippet is on (a paragraph spans several lines)."""
    if snippet:
        for span in segment.spans:
            if snippet in source.article.lines[span.line][0][span.start : span.end]:
                return span.line + 1
    return segment.line


@dataclass(frozen=True)
class _Job:
    """What checking some articles needs; picklable, so that articles are checked in parallel."""

    config: Config
    settings: CheckSettings
    fail_under: float | None
    glossary: Glossary
    source_checks: bool


_CHUNK = 20  # articles per task: big enough to make the hand-over cheap


def _check_articles(job: _Job, articles: list[tuple[str, Path | None]]) -> list[tuple[Result, list[ApprovedEntries]]]:
    """The findings of each article, apart, so that each can be cached."""
    found = []
    for slug, path in articles:
        run = _ArticleChecker(job.config, job.settings, job.fail_under, job.glossary)
        source = None
        if path is not None and job.source_checks:
            source = run.source(slug, path)
            if source is None:  # unreadable (reported), or another article's slug
                path = None
        template = run.template(slug, path, source)
        for lang in job.config.languages:
            run.catalog(slug, lang, template)
        if job.source_checks and source is not None:
            run.source_checks(source)
            run.result.sources += 1
        found.append((run.result, run.approved))
    return found


def check_project(
    config: Config,
    articles: Iterable[str] = (),
    *,
    source: bool = False,
    fail_under: float | None = None,
    jobs: int | None = None,
    progress: Callable[[Iterator[Any], int], Iterable[Any]] | None = None,
) -> Result:
    """Every check on every catalog of the chosen articles and languages (and their sources).

    Articles are checked by `jobs` processes (default: this one: workers shorten the wall time on
    idle cores, but cost CPU time to start and to hand findings back);
    ``progress`` sees each batch of articles as it is done, and their number. An article whose
    files did not change since the last run with the same settings is not checked again (see
    `checkcache`).
    """
    settings = config.checks
    result = Result()
    glossary_key = _glossary_key(config)
    cache = CheckCache.load(config.state_dir / CACHE_NAME, run_key(config, glossary_key or "", (source, fail_under)))
    if glossary_key is not None and isinstance(cache.glossary, tuple):
        stored, glossary_problems = cache.glossary
        glossary = stored.without_caches()  # what this run finds and remembers is not stored
    else:
        glossary, glossary_problems = _glossary(config, settings)
        if glossary_key is not None:
            cache.keep_glossary((glossary.without_caches(), glossary_problems))
    result.problems += glossary_problems
    slugs = select_articles(config, articles)
    paths = {source_name(config, path): path for path in discover(config)} if config.source_dir.is_dir() else {}
    if not articles and settings.enabled("template-outdated"):
        for stem in sorted(set(paths) - set(slugs)):
            result.problems.append(
                Problem(
                    "template-outdated",
                    settings.severity_of("template-outdated"),
                    "no template for this article yet: run `transflow extract`",
                    config.relative(paths[stem]),
                )
            )
    job = _Job(config, settings, fail_under, glossary, source)
    findings: dict[str, tuple[Result, list[ApprovedEntries]]] = {}
    work = []
    for slug in slugs:
        files = [
            paths.get(slug),
            config.template_path(slug),
            *(config.catalog_path(lang, slug) for lang in config.languages),
        ]
        stored = cache.get(slug, files)
        if stored is None:
            work.append((slug, paths.get(slug)))
        else:
            findings[slug] = stored
    chunks = [work[start : start + _CHUNK] for start in range(0, len(work), _CHUNK)]
    workers = min(jobs or 1, len(chunks))
    progress = progress or (lambda parts, _total: parts)
    if workers > 1:
        from concurrent.futures import ProcessPoolExecutor  # a rerun seldom needs it: not imported up front

        with ProcessPoolExecutor(workers) as pool:
            parts = list(progress(pool.map(_check_articles, repeat(job), chunks), len(chunks)))
    else:
        parts = list(progress(iter(_check_articles(job, chunk) for chunk in chunks), len(chunks)))
    for (slug, _path), computed in zip(work, (article for part in parts for article in part), strict=True):
        findings[slug] = computed
    catalogs_approved = [entries for slug in slugs for entries in findings[slug][1]]
    checked = [entries for slug, _path in work for entries in findings[slug][1]]
    gone = set() if articles else set(cache.articles) - set(slugs)
    index, changed = _index_digests(cache, catalogs_approved, checked, bool(articles), gone)
    problems, texts = _consistency(catalogs_approved, cache.texts, config, index, changed)
    for slug, _path in work:
        found, approved = findings[slug]
        cache.put(slug, (found, [entries.without_texts() for entries in approved]))
    for slug in slugs:
        found = findings[slug][0]
        result.problems += found.problems
        result.stats += found.stats
        result.entries += found.entries
        result.sources += found.sources
    result.problems += problems
    if not articles:
        cache.keep_only(set(slugs))
        cache.keep_texts(texts)
    cache.save()
    result.problems.sort(key=lambda p: (p.path, p.line or 0))
    return result


def _index_digests(
    cache: CheckCache,
    catalogs: list[ApprovedEntries],
    checked: list[ApprovedEntries],
    some_articles: bool,
    gone: set[str],
) -> tuple[SharedDigests, dict[tuple[str, str], set[int]] | None]:
    """The index of the digests consistency compares, kept up to date from the articles checked
    again when the cache has one (see `stages.consistency`), else made anew; and the digests
    whose findings may have changed, None when all may have."""
    index = cache.index
    if not some_articles and isinstance(index, SharedDigests):
        stale = [cache.stale(slug) for slug in {entries.slug for entries in checked} | gone]
        replaced = [entries for findings in stale if findings is not None for entries in findings[1]]
        if index.updated(checked, replaced):
            cache.keep_index(index, rebuilt=bool(checked or gone))
            return index, consistency_.touched(checked + replaced)
    index = SharedDigests.of(catalogs)
    cache.keep_index(None if some_articles else index, rebuilt=True)
    return index, None


def _glossary(config: Config, settings: CheckSettings) -> tuple[Glossary, list[Problem]]:
    """The project's glossary; a missing one is a warning, a malformed one an error at its line."""
    path = config.glossary_file
    where = config.relative(path)
    problem = None
    if not path.exists():
        problem = Problem("glossary-file", "warning", "no glossary: glossary checks are skipped", where)
    else:
        try:
            return for_project(path, config.languages), []
        except TransflowError as exc:
            problem = Problem("glossary-file", settings.severity_of("glossary-file"), exc.message, where, exc.line)
    return Glossary.empty(), [problem] if settings.enabled("glossary-file") else []


def _glossary_key(config: Config) -> str | None:
    """What the glossary is known by before it is parsed: its text's fingerprint, "missing", or
    None when it cannot be read (then it is read again each time, to report why)."""
    if not config.glossary_file.exists():
        return "missing"
    try:
        return text_fingerprint(read_text(config.glossary_file), config.languages)
    except TransflowError:
        return None


def consistency(translations: list[ApprovedTranslation], settings: CheckSettings) -> list[Problem]:
    """One source string translated differently, one translation for different sources."""
    return [
        problem
        for key, choice, name, relation in _RELATIONS
        for problem in _disagreements(translations, key, choice, name, relation, settings)
    ]


_RELATIONS = (
    ("msgid", "msgstr", "inconsistent-translation", "translated as"),
    ("msgstr", "msgid", "inconsistent-source", "the translation of"),
)


def _consistency(
    catalogs: list[ApprovedEntries],
    known: dict[int, str],
    config: Config,
    index: SharedDigests,
    changed: dict[tuple[str, str], set[int]] | None,
) -> tuple[list[Problem], dict[int, str]]:
    """`consistency` of the approved entries of `catalogs`, in order, and the texts it reported on.

    Entries are compared by digest first: only those sharing a key with a different choice are
    compared as texts, taken from a catalog at hand, from `known` (what the last run reported
    on), or else read again. With `changed`, only the keys holding a changed digest are compared
    again; what the index found for the others stands.
    """
    texts: dict[int, str] = {} if changed is None else dict(known)
    read_again: dict[int, tuple[list[str], list[str]]] = {}
    found: dict[tuple[str, str, int], list[Problem]] = {}
    if changed is not None:
        found = {where: earlier for where, earlier in index.found.items() if where[2] not in changed.get(where[:2], ())}
    disagreeing = consistency_.disagreeing(catalogs, changed)
    for key, choice, name, relation in _RELATIONS:
        if not config.checks.enabled(name):
            continue
        groups: dict[tuple[str, str, int], list[ApprovedTranslation]] = {}
        for entries, position in disagreeing[key]:
            digests = entries.msgid_digests[position], entries.msgstr_digests[position]
            at_hand = entries.texts or read_again.get(id(entries))
            if at_hand is None and not (digests[0] in known and digests[1] in known):
                at_hand = read_again[id(entries)] = _approved_texts(config, entries)
            if at_hand is None:
                msgid, msgstr = known[digests[0]], known[digests[1]]
            else:
                msgid, msgstr = at_hand[0][position], at_hand[1][position]
            texts[digests[0]] = msgid
            texts[digests[1]] = msgstr
            line = entries.lines[position]
            ignored = entries.ignored.get(position, frozenset())
            translation = ApprovedTranslation(entries.lang, msgid, msgstr, entries.where, line, ignored)
            where = entries.lang, key, entries.digests(key)[position]
            groups.setdefault(where, []).append(translation)
        for where, translations in groups.items():
            found[where] = _disagreements(translations, key, choice, name, relation, config.checks)
    index.found = {where: problems for where, problems in found.items() if problems}
    in_order = sorted(index.found.items(), key=lambda item: item[0][1] != "msgid")  # as `consistency` gives them
    return [problem for _where, problems in in_order for problem in problems], texts


def _approved_texts(config: Config, entries: ApprovedEntries) -> tuple[list[str], list[str]]:
    """The texts of a cached catalog's approved entries, read again from the unchanged file."""
    catalog = read_po(config.catalog_path(entries.lang, entries.slug))
    approved = [entry for entry in catalog if is_judged(entry)]
    return [entry.msgid for entry in approved], [entry.msgstr for entry in approved]


def _disagreements(
    translations: list[ApprovedTranslation], key: str, choice: str, name: str, relation: str, settings: CheckSettings
) -> list[Problem]:
    """Translations sharing (language, `key`) but not `choice`: every one that differs from the
    most common choice names where that choice is.

    Nearly all groups have one item, so they are found first and only the rest is sorted out.
    """
    if not settings.enabled(name):
        return []
    key_of, choice_of = attrgetter(key), attrgetter(choice)
    groups: dict[tuple[str, str], list[ApprovedTranslation]] = {}
    for item in translations:
        groups.setdefault((item.lang, key_of(item)), []).append(item)
    problems = []
    for items in groups.values():
        if len(items) < 2:
            continue
        variants: dict[str, list[ApprovedTranslation]] = {}
        for item in items:
            variants.setdefault(choice_of(item), []).append(item)
        if len(variants) < 2:
            continue
        ranked = sorted(variants.items(), key=lambda kv: -len(kv[1]))
        common, places = ranked[0]
        first = places[0]
        for _choice, others in ranked[1:]:
            for other in others:
                if name not in other.ignored:
                    problems.append(
                        Problem(
                            name,
                            settings.severity_of(name),
                            f"elsewhere {relation} {shorten(common, 60)!r} ({first.where}:{first.line}, "
                            f"{len(places)} time(s))",
                            other.where,
                            other.line,
                            other.lang,
                            other.msgid,
                            other.msgstr,
                        )
                    )
    return problems


def describe() -> list[Check]:
    """The registered checks in their documented order, for `transflow check --list`."""
    return list(CHECKS.values())
