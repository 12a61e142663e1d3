"""What the review workspace shows and does, without HTTP: articles, entries, decisions.

Every read goes to the files (the PO catalogs are the truth: progress survives restarts, and
what another tool changed shows at the next load); every decision is saved at once through
`stages.reviewing.save_entry`, refused when the catalog changed since the page was loaded.
"""

from __future__ import annotations

import copy
import html
import json
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import polib

from transflow.domain import catalog as catalogs
from transflow.domain import decisions
from transflow.domain.candidates import glossary_terms, provenance, word_diff
from transflow.domain.checks import ERROR, EntryContext
from transflow.domain.checks.completeness import source_changed
from transflow.domain.glossary import Glossary, for_project
from transflow.domain.state import EntryState, entry_state, query_note
from transflow.errors import TransflowError
from transflow.faces.preview import Marked, inline_html, preview
from transflow.formats.fileio import atomic_write_text, read_text
from transflow.stages import qa
from transflow.stages.memory import TranslationMemory
from transflow.stages.reviewing import EntryKey, Loaded, find_entry, read_catalog, reviewer_name, save_entry, today
from transflow.stages.settings import Config
from transflow.stages.sources import Source, discover, load

ACTIONS = ("save", "accept", "reopen", "query", "resolve")


class NotFound(Exception):
    """An article, language or entry the project does not have."""


def state_name(entry: polib.POEntry) -> str:
    return entry_state(entry).value


def _key(entry: polib.POEntry) -> str:
    return json.dumps([entry.msgctxt, entry.msgid], ensure_ascii=False)


class Workspace:
    def __init__(self, config: Config):
        self.config = config
        self.settings = config.checks
        exists = config.glossary_file.exists()
        self.glossary = for_project(config.glossary_file, config.languages) if exists else Glossary.empty()
        self.entry_checks = qa.EntryChecks(self.settings)
        self.reviewer = reviewer_name(config.root)
        self.slugs = qa.select_articles(config)
        self.source_paths = {path.stem: path for path in discover(config)} if config.source_dir.is_dir() else {}
        self._memory: TranslationMemory | None = None
        self._sources: dict[str, tuple[str, Source]] = {}
        self._catalogs: dict[Path, Loaded] = {}  # as last read or written: parsed again only when changed

    # --- validation: only the project's own languages and articles ---

    def validate(self, lang: str, slug: str | None = None) -> None:
        if lang not in self.config.languages:
            raise NotFound(f"no language {lang!r} in this project")
        if slug is not None and slug not in self.slugs:
            raise NotFound(f"no article {slug!r} in this project")

    # --- reading ---

    def load(self, lang: str, slug: str) -> Loaded:
        self.validate(lang, slug)
        path = self.config.catalog_path(lang, slug)
        self._catalogs[path] = read_catalog(path, self._catalogs.get(path))
        return self._catalogs[path]

    def source(self, slug: str) -> Source | None:
        """The parsed source article of `slug`, parsed again when the file changed."""
        path = self.source_paths.get(slug)
        if path is None or not path.exists():
            path = self._find_source(slug)
            if path is None:
                return None
        text = read_text(path)
        cached = self._sources.get(slug)
        if cached is None or cached[0] != text:
            cached = (text, load(self.config, path, text))
            self._sources[slug] = cached
        return cached[1]

    def _find_source(self, slug: str) -> Path | None:
        """A source whose front matter names another slug than its file name: found by reading them."""
        for path in discover(self.config) if self.config.source_dir.is_dir() else []:
            try:
                found = load(self.config, path).slug
            except TransflowError:
                continue
            self.source_paths[found] = path
        return self.source_paths.get(slug)

    def title(self, slug: str, po: polib.POFile | None) -> str:
        """The article's title in the target language when approved, else in the source's."""
        source = self.source(slug)
        title = str(source.article.front_matter.get("title", slug)) if source else slug
        if po is not None:
            entry = po.find(title)
            if entry is not None and entry_state(entry) is EntryState.APPROVED:
                return str(entry.msgstr)
        return title

    def progress(self, lang: str) -> list[dict[str, Any]]:
        """Per article: title, counts and share approved, read from the catalogs now."""
        rows = []
        for slug in self.slugs:
            try:
                po = self.load(lang, slug).po
            except TransflowError as exc:
                rows.append({"slug": slug, "title": slug, "error": str(exc), "counts": catalogs.Counts()})
                continue
            rows.append({"slug": slug, "title": self.title(slug, po), "error": "", "counts": catalogs.count(po)})
        return rows

    def context(self, lang: str) -> EntryContext:
        return qa.entry_context(self.settings, lang, self.config.source_language, self.glossary)

    def findings(self, entry: polib.POEntry, lang: str) -> list[qa.Finding]:
        """What `check` will say of this text once approved; nothing for an empty one."""
        if not entry.msgstr:
            return []
        return self.entry_checks.of_candidate(entry, self.context(lang))

    def summary(self, index: int, entry: polib.POEntry, lang: str) -> dict[str, Any]:
        """What the article view needs of every entry: state, problems and text, for the filters."""
        findings = self.findings(entry, lang)
        return {
            "i": index,
            "key": _key(entry),
            "state": state_name(entry),
            "severity": _worst(findings),
            "checks": sorted({f.check for f in findings}),
            "text": f"{entry.msgid}\n{entry.msgstr}",
        }

    def article(self, lang: str, slug: str) -> dict[str, Any]:
        """The rendered article with every segment marked, and the entries in catalog order."""
        loaded = self.load(lang, slug)
        entries = [entry for entry in loaded.po if not entry.obsolete]
        summaries = [self.summary(index, entry, lang) for index, entry in enumerate(entries)]
        by_msgid = {entry.msgid: (index, entry) for index, entry in enumerate(entries) if not entry.msgctxt}

        def mark(msgid: str) -> Marked:
            found = by_msgid.get(msgid)
            if found is None:
                return Marked(msgid, '<span class="seg missing" title="not in the catalog: run transflow update">')
            index, entry = found
            info = summaries[index]
            classes = f"seg {info['state']}" + (f" {info['severity']}" if info["severity"] else "")
            return Marked(
                entry.msgstr or entry.msgid, f'<span class="{classes}" id="e{index}" data-i="{index}" tabindex="0">'
            )

        source = self.source(slug)
        shown = preview(source.article, mark) if source else None
        unplaced = [
            {"i": index, "html": html.escape(entry.msgstr or entry.msgid), "state": summaries[index]["state"]}
            for index, entry in enumerate(entries)
            if shown is None or entry.msgid not in shown.placed or entry.msgctxt
        ]
        return {
            "lang": lang,
            "slug": slug,
            "title": self.title(slug, loaded.po),
            "version": loaded.version,
            "counts": catalogs.count(loaded.po),
            "front": shown.front if shown else [],
            "body": shown.body if shown else "",
            "unplaced": unplaced,
            "entries": summaries,
        }

    def memory(self) -> TranslationMemory:
        if self._memory is None:
            self._memory = TranslationMemory.open(self.config, notify=lambda _message: None)
        return self._memory

    def detail(self, lang: str, slug: str, key: EntryKey, loaded: Loaded | None = None) -> dict[str, Any]:
        """Everything the editor panel shows of one entry."""
        loaded = loaded or self.load(lang, slug)
        entry = find_entry(loaded.po, key)
        if entry is None:
            raise NotFound("that entry is no longer in the catalog: reload the page")
        catalog = self.config.catalog_path(lang, slug)
        suggestion = self.memory().lookup(lang, [entry.msgid]).get(entry.msgid)
        memory = []
        if suggestion is not None and not suggestion.origin.startswith(self.config.relative(catalog) + ":"):
            memory.append({"text": suggestion.text, "score": round(suggestion.score), "origin": suggestion.origin})
        findings = self.findings(entry, lang)
        return {
            "key": _key(entry),
            "state": state_name(entry),
            "version": loaded.version,
            "where": f"{self.config.relative(catalog)}:{entry.linenum}",
            "kind": (entry.comment or "").splitlines()[0] if entry.comment else "",
            "msgid": entry.msgid,
            "msgstr": entry.msgstr,
            "html": inline_html(entry.msgstr or entry.msgid),
            "plural": bool(entry.msgid_plural),
            "why": _why(entry),
            "diff": [[c.op, c.text] for c in word_diff(entry.previous_msgid or "", entry.msgid)]
            if source_changed(entry)
            else [],
            "terms": [
                {"source": t.source, "required": t.required, "present": t.present}
                for t in glossary_terms(self.glossary, entry.msgid, entry.msgstr, lang)
            ],
            "memory": memory,
            "origin": self.origins(lang, slug).get(_key(entry), ""),
            "findings": [{"check": f.check, "severity": f.severity, "message": f.message} for f in findings],
            "query": query_note(entry),
            "comments": (entry.tcomment or "").splitlines(),
            "counts": catalogs.count(loaded.po).__dict__,
        }

    def check_text(self, lang: str, slug: str, key: EntryKey, text: str) -> list[dict[str, str]]:
        """The checks re-run on what the translator is typing."""
        found = find_entry(self.load(lang, slug).po, key)
        if found is None:
            raise NotFound("that entry is no longer in the catalog: reload the page")
        entry = copy.copy(found)
        entry.msgstr = text
        return [{"check": f.check, "severity": f.severity, "message": f.message} for f in self.findings(entry, lang)]

    # --- deciding ---

    def decide(
        self, lang: str, slug: str, key: EntryKey, action: str, text: str, note: str, version: str
    ) -> dict[str, Any]:
        """Apply one decision and save it; `Conflict` when the catalog changed since `version`."""
        self.validate(lang, slug)
        if action not in ACTIONS:
            raise NotFound(f"unknown action {action!r}")
        path = self.config.catalog_path(lang, slug)
        when = today()
        decisions_by_name: dict[str, Callable[[polib.POEntry], None]] = {
            "save": partial(decisions.edit, text=text, reviewer=self.reviewer, when=when),
            "accept": partial(decisions.accept, text=text, reviewer=self.reviewer, when=when),
            "reopen": decisions.reopen,
            "query": partial(decisions.raise_query, note=note, reviewer=self.reviewer, when=when),
            "resolve": partial(decisions.resolve_query, reviewer=self.reviewer, when=when),
        }
        decision = decisions_by_name[action]

        def change(entry: polib.POEntry) -> None:
            if action in ("save", "accept"):
                _refuse_text(entry, action, text)
            if action in ("save", "accept") and text != entry.msgstr:
                self._keep_origin(lang, slug, entry)
            decision(entry)

        known = self._catalogs.pop(path, None)  # changed in place by the save: never reused as it was
        saved = save_entry(path, key, change, expected=version, known=known, lock_dir=self.config.state_dir)
        self._catalogs[path] = saved.catalog
        return self.detail(lang, slug, key, saved.catalog) | {"saved": action}

    # --- where a candidate started: kept beside the catalog so that it can be brought back ---

    def _origins_path(self, lang: str, slug: str) -> Path:
        return self.config.state_dir / "review" / lang / f"{slug}.json"

    def origins(self, lang: str, slug: str) -> dict[str, str]:
        path = self._origins_path(lang, slug)
        return dict(json.loads(read_text(path))) if path.exists() else {}

    def _keep_origin(self, lang: str, slug: str, entry: polib.POEntry) -> None:
        """The machine or memory candidate a person is about to replace, kept once, for "revert"."""
        if not entry.msgstr or not decisions.origin(entry):
            return
        origins = self.origins(lang, slug)
        if _key(entry) not in origins:
            origins[_key(entry)] = entry.msgstr
            atomic_write_text(self._origins_path(lang, slug), json.dumps(origins, ensure_ascii=False, indent=1))


def _refuse_text(entry: polib.POEntry, action: str, text: str) -> None:
    """What the workspace does not write: raised before anything is saved."""
    if entry.msgid_plural:
        raise TransflowError("plural entries are translated in a PO editor (each form apart)")
    if not text.strip():
        raise TransflowError("an empty translation cannot be saved: leave the entry untranslated instead")
    if action == "accept" and entry_state(entry) is EntryState.QUERY:
        raise TransflowError("this entry has a query: resolve it before accepting")


def _why(entry: polib.POEntry) -> str:
    state = entry_state(entry)
    if state is EntryState.APPROVED:
        return "approved: published by `build`"
    if state is EntryState.UNTRANSLATED:
        return "not translated yet"
    return provenance(entry)


def _worst(findings: list[qa.Finding]) -> str:
    if any(f.severity == ERROR for f in findings):
        return "error"
    return "warning" if findings else ""


def parse_key(value: str) -> EntryKey:
    """An entry key as the page sends it back: the JSON pair [msgctxt, msgid]."""
    try:
        msgctxt, msgid = json.loads(value)
    except (ValueError, TypeError):
        raise NotFound("malformed entry key") from None
    if not isinstance(msgid, str) or not (msgctxt is None or isinstance(msgctxt, str)):
        raise NotFound("malformed entry key")
    return EntryKey(msgctxt, msgid)
