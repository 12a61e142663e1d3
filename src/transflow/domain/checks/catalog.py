"""Catalog: what msgfmt and msgcat would reject in an entry, and the health of the catalog file
(header, Language, Plural-Forms, obsolete entries piling up)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import polib

from transflow.domain import languages
from transflow.domain.checks.context import CatalogContext, EntryContext
from transflow.domain.checks.registry import ERROR, WARNING, CatalogCheck, EntryCheck


def newlines(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """msgid and msgstr both begin and both end with a newline, or neither (msgfmt -c rejects it)."""
    msgid, msgstr = entry.msgid, entry.msgstr
    if (msgid[:1] == "\n") != (msgstr[:1] == "\n"):
        yield "msgid and msgstr do not both begin with a newline (msgfmt -c rejects this)"
    if (msgid[-1:] == "\n") != (msgstr[-1:] == "\n"):
        yield "msgid and msgstr do not both end with a newline (msgfmt -c rejects this)"


def merge_conflict(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """msgcat's conflict markers (#-#-#-#-#) were left in the translation."""
    if "#-#-#-#-#" in entry.msgstr:
        yield "msgcat conflict markers (#-#-#-#-#) in the translation: choose one version"


_REQUIRED_HEADERS = (
    "Project-Id-Version",
    "Language",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
    "Plural-Forms",
)
_HEADER_DEFAULTS = {
    "PO-Revision-Date": "YEAR-MO-DA HO:MI+ZONE",
    "Last-Translator": "FULL NAME <EMAIL@ADDRESS>",
    "Language-Team": "LANGUAGE <LL@li.org>",
}
_PLURAL_FORMS = re.compile(r"^\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*([^;]+);?\s*$")


def header(catalog: polib.POFile, context: CatalogContext) -> Iterator[tuple[int | None, str]]:
    """The header has every field msgfmt needs, UTF-8, and is not fuzzy."""
    metadata = catalog.metadata
    for name in _REQUIRED_HEADERS:
        if not metadata.get(name, "").strip():
            yield 1, f"header field {name} missing or empty"
    content_type = metadata.get("Content-Type", "")
    if content_type and "charset=utf-8" not in content_type.lower().replace(" ", ""):
        yield 1, f"Content-Type {content_type!r} must declare charset=UTF-8"
    if catalog.metadata_is_fuzzy:
        yield 1, "the header is marked fuzzy (msgfmt ignores a fuzzy header)"


def header_defaults(catalog: polib.POFile, context: CatalogContext) -> Iterator[tuple[int | None, str]]:
    """Header fields still at their template defaults (msgfmt -c warns)."""
    for name, default in _HEADER_DEFAULTS.items():
        if catalog.metadata.get(name, "").strip() == default:
            yield 1, f"header field {name} still has its template default {default!r}"


def language(catalog: polib.POFile, context: CatalogContext) -> Iterator[tuple[int | None, str]]:
    """The Language header names the language of the folder the catalog is in."""
    declared = catalog.metadata.get("Language", "").strip()
    if declared and languages.normalise(declared) != context.lang:
        yield 1, f"Language is {declared!r} but the catalog is in the {context.lang!r} folder"


def plural_forms(catalog: polib.POFile, context: CatalogContext) -> Iterator[tuple[int | None, str]]:
    """Plural-Forms is well-formed, right for the language, and matches every plural entry."""
    value = catalog.metadata.get("Plural-Forms", "").strip()
    if not value:
        return
    match = _PLURAL_FORMS.match(value)
    if not match:
        yield 1, f"Plural-Forms {value!r} is not 'nplurals=N; plural=EXPRESSION;'"
        return
    count = int(match.group(1))
    expected = languages.plural_forms(context.lang)
    if value.replace(" ", "") != expected.replace(" ", ""):
        yield 1, f"Plural-Forms {value!r}, expected {expected!r} for {context.lang}"
    for entry in catalog:
        if entry.msgid_plural and not entry.obsolete and len(entry.msgstr_plural) != count:
            yield entry.linenum, f"{len(entry.msgstr_plural)} plural forms, Plural-Forms says {count}"


def obsolete_entries(catalog: polib.POFile, context: CatalogContext) -> Iterator[tuple[int | None, str]]:
    """Obsolete (#~) entries piling up beyond checks.max_obsolete."""
    obsolete = [entry for entry in catalog if entry.obsolete]
    if len(obsolete) > context.max_obsolete:
        yield (
            obsolete[0].linenum,
            (f"{len(obsolete)} obsolete entries (more than {context.max_obsolete}); remove those no longer useful"),
        )


ENTRY_CHECKS = (
    EntryCheck("newlines", "catalog", ERROR, newlines),
    EntryCheck("merge-conflict", "catalog", ERROR, merge_conflict),
)
CATALOG_CHECKS = (
    CatalogCheck("header", "catalog", ERROR, header),
    CatalogCheck("header-defaults", "catalog", WARNING, header_defaults),
    CatalogCheck("language", "catalog", ERROR, language),
    CatalogCheck("plural-forms", "catalog", ERROR, plural_forms),
    CatalogCheck("obsolete-entries", "completeness", WARNING, obsolete_entries),
)
