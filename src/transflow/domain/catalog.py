"""Segments -> templates, templates + old catalogs -> merged catalogs, and catalog headers.

Catalogs are polib objects; reading and writing them (GNU-compatible wrapping, atomic saves) is the
job of `pofile`. Merging follows msgmerge: a translation is never dropped, only made obsolete.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

import polib

from transflow import __version__
from transflow.domain import languages
from transflow.domain.glossary import Glossary
from transflow.domain.state import EntryState, entry_state
from transflow.formats.markdown import Article
from transflow.formats.pofile import new_entry, no_collection, plural_count

GENERATOR = f"transflow {__version__}"
CREATION_DATE = "POT-Creation-Date"
REVISION_DATE = "PO-Revision-Date"
SOURCE_DIGEST = "X-Transflow-Source-Digest"


def timestamp(moment: datetime | None = None) -> str:
    """A header date in gettext's own format, e.g. ``2026-11-25 14:22+0000``."""
    moment = moment or datetime.now(timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M%z")


def source_digest(text: str, path: str, front_matter_keys: tuple[str, ...], glossary: Glossary | None) -> str:
    """Everything a template is extracted from, hashed: the same digest gives the same template.

    `check` compares it with the template's header, so that knowing a template is up to date does
    not take extracting it again. The version is part of it, as extraction may change with it.
    """
    parts = [GENERATOR, path, *front_matter_keys, glossary.fingerprint if glossary else "", text]
    return hashlib.blake2b("\0".join(parts).encode(), digest_size=16).hexdigest()


def build_template(
    article: Article, project: str, creation_date: str, glossary: Glossary | None = None, digest: str = ""
) -> polib.POFile:
    """One entry per distinct string, in order of first appearance, as xgettext would do.

    With a glossary, the `#.` comment also lists the terms of the entry and their required
    renderings, which PO editors show to the translator next to the string. The header records
    the `source_digest` given.
    """
    template = polib.POFile(wrapwidth=79)
    template.metadata = {
        "Project-Id-Version": project,
        "Report-Msgid-Bugs-To": "",
        CREATION_DATE: creation_date,
        REVISION_DATE: "YEAR-MO-DA HO:MI+ZONE",
        "Last-Translator": "FULL NAME <EMAIL@ADDRESS>",
        "Language-Team": "LANGUAGE <LL@li.org>",
        "Language": "",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Generator": GENERATOR,
    }
    if digest:
        template.metadata[SOURCE_DIGEST] = digest
    template.header = f"Translation template for {article.path}."
    entries: dict[str, polib.POEntry] = {}
    kinds: dict[str, list[str]] = {}
    for segment in article.segments:
        entry = entries.get(segment.msgid)
        if entry is None:
            entry = polib.POEntry(msgid=segment.msgid, msgstr="")
            entries[segment.msgid] = entry
            kinds[segment.msgid] = []
            template.append(entry)
        entry.occurrences.append((article.path, str(segment.line)))
        if segment.kind not in kinds[segment.msgid]:
            kinds[segment.msgid].append(segment.kind)
    for msgid, entry in entries.items():
        notes = glossary.note(msgid) if glossary else ""
        entry.comment = "\n".join(filter(None, [", ".join(kinds[msgid]), notes]))
    return template


def new_catalog(template: polib.POFile, lang: str, project: str, now: str) -> polib.POFile:
    """A fresh catalog for one language: the template's entries, untranslated, and a full header."""
    catalog = polib.POFile(wrapwidth=79)
    catalog.header = f"{languages.name(lang)} translation of {template.header.split(' for ', 1)[-1]}"
    catalog.metadata = {
        "Project-Id-Version": project,
        "Report-Msgid-Bugs-To": "",
        CREATION_DATE: template.metadata.get(CREATION_DATE, now),
        REVISION_DATE: now,
        "Last-Translator": "FULL NAME <EMAIL@ADDRESS>",
        "Language-Team": f"{languages.name(lang)}",
        **_essential_fields(lang),
        "X-Generator": GENERATOR,
    }
    forms = plural_count(catalog)
    for entry in template:
        catalog.append(_from_template(entry, forms))
    return catalog


def _essential_fields(lang: str) -> dict[str, str]:
    """The header fields without which tools misread a catalog: its encoding, language and plurals."""
    return {
        "Language": lang,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": languages.plural_forms(lang),
    }


def _from_template(entry: polib.POEntry, forms: int = 2) -> polib.POEntry:
    """An untranslated copy; a plural entry gets one empty form per plural form of the catalog."""
    return new_entry(
        msgid=entry.msgid,
        msgctxt=entry.msgctxt,
        msgid_plural=entry.msgid_plural,
        msgstr="",
        msgstr_plural=dict.fromkeys(range(forms), "") if entry.msgid_plural else {},
        occurrences=list(entry.occurrences),
        comment=entry.comment,
        flags=list(entry.flags),
    )


@dataclass
class MergeStats:
    """What a merge did, for the command's report (msgmerge's merged/fuzzied/missing/obsolete)."""

    kept: int = 0
    added: int = 0
    fuzzy: int = 0
    obsoleted: int = 0
    revived: int = 0
    dropped: int = 0
    purged: int = 0


# GNU msgmerge proposes a fuzzy match from similarity 0.6 on (FUZZY_THRESHOLD in gettext's
# message.h, measured by fstrcmp: 2 * LCS / total length); we use the same measure and bound.
FUZZY_THRESHOLD = 60.0


@dataclass(frozen=True)
class MergeOptions:
    """The ``merge:`` settings of transflow.yml, overridable on the command line."""

    fuzzy: bool = True
    fuzzy_threshold: float = FUZZY_THRESHOLD
    purge_obsolete: bool = False


def merge(
    template: polib.POFile,
    old: polib.POFile,
    options: MergeOptions | None = None,
    lang: str | None = None,
) -> tuple[polib.POFile, MergeStats]:
    """Bring a catalog up to date with its template, as ``msgmerge --previous`` does.

    Exact matches on (msgctxt, msgid) keep their translation, translator comments, flags and
    fuzzy state; `#.` and `#:` come from the template. A new string without an exact match gets
    the translation of the most similar old entry that has one (obsolete and fuzzy entries
    included), flagged fuzzy, with the old msgid as ``#| msgid`` -- or, when that entry was
    already fuzzy, its own ``#|``: the last source a translator approved. Old entries used by
    neither kind of match become obsolete when translated and are dropped when not: there is
    nothing in them to lose. ``purge_obsolete`` drops obsolete entries instead, like
    ``msgattrib --no-obsolete``. Given the catalog's ``lang``, header fields it lacks (a catalog
    made by hand may have no header at all) are added: encoding, Language and Plural-Forms.
    """
    with no_collection():
        return _merge(template, old, options or MergeOptions(), lang)


def _merge(
    template: polib.POFile, old: polib.POFile, options: MergeOptions, lang: str | None
) -> tuple[polib.POFile, MergeStats]:
    stats = MergeStats()
    merged = polib.POFile(wrapwidth=79)
    merged.header = old.header
    merged.metadata = dict(old.metadata)
    merged.metadata_is_fuzzy = old.metadata_is_fuzzy
    if CREATION_DATE in template.metadata:
        merged.metadata[CREATION_DATE] = template.metadata[CREATION_DATE]
    if lang:
        for name, value in _essential_fields(lang).items():
            merged.metadata.setdefault(name, value)
    olds = list(old)
    previous = {(entry.msgctxt, entry.msgid): index for index, entry in enumerate(olds)}
    used: set[int] = set()
    unmatched: list[polib.POEntry] = []
    forms = plural_count(old)
    for source in template:
        entry = _from_template(source, forms)
        index = previous.get((source.msgctxt, source.msgid))
        if index is None:
            unmatched.append(entry)
        else:
            used.add(index)
            if bool(olds[index].msgid_plural) != bool(source.msgid_plural):
                _carry_over_fuzzy(olds[index], entry)  # it became, or stopped being, a plural entry
                stats.fuzzy += 1
            else:
                _carry_over(olds[index], entry)
                if olds[index].obsolete:
                    stats.revived += 1
                else:
                    stats.kept += 1
        merged.append(entry)
    stats.added = len(unmatched)
    if options.fuzzy and unmatched:
        from transflow.domain.fuzzy import FuzzyIndex  # numpy and rapidfuzz: only when there is something to match

        translated = [index for index, entry in enumerate(olds) if _translated(entry)]
        fuzzy_index = FuzzyIndex([olds[position].msgid for position in translated])
        for entry, match in zip(
            unmatched, fuzzy_index.search([entry.msgid for entry in unmatched], options.fuzzy_threshold), strict=True
        ):
            if match is not None:
                position = translated[match.candidate]
                used.add(position)
                _carry_over_fuzzy(olds[position], entry)
                stats.fuzzy += 1
                stats.added -= 1
    for index, entry in enumerate(olds):
        if index in used:
            continue
        if not _translated(entry):
            stats.dropped += 1
        elif options.purge_obsolete:
            stats.purged += 1
        else:
            if not entry.obsolete:
                stats.obsoleted += 1
            merged.append(_obsolete(entry))
    return merged, stats


def _translated(entry: polib.POEntry) -> bool:
    """Anything a translator wrote, in any form: what a merge must never lose."""
    return bool(entry.msgstr or any(entry.msgstr_plural.values()))


def _carry_over(match: polib.POEntry, entry: polib.POEntry) -> None:
    if entry.msgid_plural and match.msgid_plural:
        entry.msgstr_plural = dict(match.msgstr_plural)
    elif entry.msgid_plural:  # msgmerge puts a singular translation in every form
        entry.msgstr_plural = dict.fromkeys(entry.msgstr_plural, match.msgstr)
    else:
        entry.msgstr = match.msgstr or match.msgstr_plural.get(0, "")
    entry.tcomment = match.tcomment
    entry.flags = _union(match.flags, entry.flags)
    if "fuzzy" in match.flags:
        entry.previous_msgid = match.previous_msgid
        entry.previous_msgid_plural = match.previous_msgid_plural
        entry.previous_msgctxt = match.previous_msgctxt


def _carry_over_fuzzy(match: polib.POEntry, entry: polib.POEntry) -> None:
    """A similar entry's translation, to review: ``#|`` shows what changed since approval."""
    _carry_over(match, entry)
    if "fuzzy" not in match.flags:
        entry.flags = ["fuzzy", *entry.flags]
        entry.previous_msgid = match.msgid
        entry.previous_msgid_plural = match.msgid_plural or None
        entry.previous_msgctxt = match.msgctxt


def _obsolete(entry: polib.POEntry) -> polib.POEntry:
    kept = new_entry(
        msgid=entry.msgid,
        msgctxt=entry.msgctxt,
        msgid_plural=entry.msgid_plural,
        msgstr=entry.msgstr,
        msgstr_plural=dict(entry.msgstr_plural),
        tcomment=entry.tcomment,
        flags=list(entry.flags),
        previous_msgid=entry.previous_msgid,
        previous_msgid_plural=entry.previous_msgid_plural,
        previous_msgctxt=entry.previous_msgctxt,
    )
    kept.obsolete = True
    return kept


def _union(first: Iterable[str], second: Iterable[str]) -> list[str]:
    result = list(first)
    result.extend(flag for flag in second if flag not in result)
    return result


def is_approved(entry: polib.POEntry) -> bool:
    """Translated, reviewed and current: the only entries that are ever published. Never a plural
    entry: a paragraph has no count to choose a form by."""
    return entry_state(entry) is EntryState.APPROVED and not entry.msgid_plural


def approved_translations(catalog: polib.POFile) -> dict[str, str]:
    """Translations of the Markdown segments (never plural entries) that `build` may publish."""
    return {entry.msgid: entry.msgstr for entry in catalog if is_approved(entry)}


@dataclass(frozen=True)
class Counts:
    """Strings and words per state, like ``pocount`` and ``msgfmt --statistics``."""

    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    obsolete: int = 0
    translated_words: int = 0
    fuzzy_words: int = 0
    untranslated_words: int = 0
    query: int = 0  # a translator's question for the editor: not published until answered
    query_words: int = 0

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated + self.query

    @property
    def total_words(self) -> int:
        return self.translated_words + self.fuzzy_words + self.untranslated_words + self.query_words

    @property
    def percent(self) -> float:
        """Share of strings translated; an article with nothing to translate is complete."""
        return 100.0 * self.translated / self.total if self.total else 100.0

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(a + b for a, b in zip(self.as_tuple(), other.as_tuple(), strict=True)))

    def as_tuple(self) -> tuple[int, ...]:
        return (
            self.translated,
            self.fuzzy,
            self.untranslated,
            self.obsolete,
            self.translated_words,
            self.fuzzy_words,
            self.untranslated_words,
            self.query,
            self.query_words,
        )


_COUNTED_AS = {
    EntryState.APPROVED: "translated",
    EntryState.FUZZY: "fuzzy",
    EntryState.UNTRANSLATED: "untranslated",
    EntryState.OBSOLETE: "obsolete",
    EntryState.QUERY: "query",
}


def count(catalog: polib.POFile) -> Counts:
    values = dict.fromkeys(
        (*_COUNTED_AS.values(), "translated_words", "fuzzy_words", "untranslated_words", "query_words"), 0
    )
    for entry in catalog:
        state = _COUNTED_AS[entry_state(entry)]
        values[state] += 1
        if state != "obsolete":
            values[f"{state}_words"] += len(entry.msgid.split())
    return Counts(**values)
