"""Where an entry stands in its review: the one place that decides it.

Publishing, counting, checking, machine translation and review all ask this question; a new
review state is added here and in the code that handles it by name.

A translator's **query** (a question for the editor: an unverifiable citation, an ambiguous
source) is kept in the PO file in two places that every gettext tool preserves:

    # query: the cited pages do not match the article; please confirm
    #, fuzzy, query
    msgid "..."

The translator comment line starting with ``query:`` carries the note (Poedit and Lokalize show
and edit translator comments, msgmerge keeps them); the ``query`` flag lets flag-aware tools filter
on it. Either one makes the entry a query, whatever its translation: it is not published, `check`
reports it as an error, `stats` counts it apart, and the review tools stop on it until resolved.
"""

from __future__ import annotations

import re
from enum import Enum

import polib

QUERY_FLAG = "query"
QUERY_PREFIX = "query:"  # the translator comment line that holds the note
_QUERY_LINE = re.compile(rf"^{QUERY_PREFIX}[ \t]*(.*)$", re.MULTILINE)


class EntryState(Enum):
    UNTRANSLATED = "untranslated"
    FUZZY = "fuzzy"
    APPROVED = "approved"
    OBSOLETE = "obsolete"
    QUERY = "query"


def entry_state(entry: polib.POEntry) -> EntryState:
    """Approved means translated, reviewed (not fuzzy), current and unquestioned: the only entries
    published. A query outranks every state but obsolete: it waits for the editor's answer.

    A plural entry is translated when every one of its forms is.
    """
    if entry.obsolete:
        return EntryState.OBSOLETE
    if is_query(entry):
        return EntryState.QUERY
    forms = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
    if not any(forms):
        return EntryState.UNTRANSLATED
    if "fuzzy" in entry.flags:
        return EntryState.FUZZY
    if not all(forms):
        return EntryState.UNTRANSLATED  # a plural entry with a form still empty
    return EntryState.APPROVED


def is_query(entry: polib.POEntry) -> bool:
    return QUERY_FLAG in entry.flags or bool(_QUERY_LINE.search(entry.tcomment or ""))


def query_note(entry: polib.POEntry) -> str:
    """The translator's question, its lines joined; empty when the entry has none."""
    return " ".join(match.group(1).strip() for match in _QUERY_LINE.finditer(entry.tcomment or "")).strip()
