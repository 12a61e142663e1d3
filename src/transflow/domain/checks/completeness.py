"""Completeness: is the entry translated and reviewed? These look at every entry, approved or not."""

from __future__ import annotations

import re
from collections.abc import Iterator

import polib

from transflow.domain.checks.context import EntryContext
from transflow.domain.checks.registry import ERROR, WARNING, EntryCheck
from transflow.domain.state import EntryState, entry_state, query_note
from transflow.domain.text import shorten

# The translate stage records the engine in a translator comment ("machine translation: google ..."),
# translation memory its origin ("translation memory: ..."); msgmerge keeps both, unlike custom flags.
_MACHINE_COMMENT = re.compile(r"^\s*(?:machine[- ]translat|mt\b|transflow:\s*mt\b)", re.I | re.M)


def is_machine_translated(entry: polib.POEntry) -> bool:
    return bool(_MACHINE_COMMENT.search(entry.tcomment or ""))


def source_changed(entry: polib.POEntry) -> bool:
    """msgmerge keeps the msgid the translation was made for in `#| msgid`."""
    return entry.previous_msgid is not None and bool(entry.previous_msgid != entry.msgid)


def untranslated(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """The entry has no translation: the source text is published in its place."""
    if entry_state(entry) is EntryState.UNTRANSLATED:
        yield "not translated yet"


def query(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """A translator's query awaits the editor's answer (a `# query:` comment or `query` flag)."""
    if entry_state(entry) is EntryState.QUERY:
        yield f"waiting for the editor's answer: {shorten(query_note(entry) or '(no note)')}"


def _fuzzy_kind(entry: polib.POEntry) -> str | None:
    if entry_state(entry) is not EntryState.FUZZY:
        return None
    if source_changed(entry):
        return "source-changed"
    if is_machine_translated(entry):
        return "machine-translated"
    return "fuzzy"


def machine_translated(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """Machine translation awaiting review (fuzzy, with the engine named in a translator comment)."""
    if _fuzzy_kind(entry) == "machine-translated":
        yield "machine translation awaiting review (remove the fuzzy flag once reviewed)"


def fuzzy_source_changed(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """The source text changed since it was translated (fuzzy with a `#| msgid`)."""
    if _fuzzy_kind(entry) == "source-changed":
        yield f"source text changed; it was: {shorten(entry.previous_msgid or '')}"


def fuzzy(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """Marked fuzzy for another reason (a translator's doubt, a translation-memory suggestion)."""
    if _fuzzy_kind(entry) == "fuzzy":
        yield "marked fuzzy: review it, then remove the flag"


CHECKS = (
    EntryCheck("query", "completeness", ERROR, query, approved_only=False),
    EntryCheck("untranslated", "completeness", WARNING, untranslated, approved_only=False),
    EntryCheck("machine-translated", "completeness", WARNING, machine_translated, approved_only=False),
    EntryCheck("source-changed", "completeness", WARNING, fuzzy_source_changed, approved_only=False),
    EntryCheck("fuzzy", "completeness", WARNING, fuzzy, approved_only=False),
)
