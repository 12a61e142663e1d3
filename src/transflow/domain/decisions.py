"""What a reviewer's decision does to an entry, the same in the browser and the terminal.

Provenance is kept in translator comments, one line per fact, so that it survives msgmerge and
shows in every PO editor. A decision never deletes history: the machine-translation or
translation-memory line an entry started from is kept, prefixed ``superseded:``, and one
``reviewed:`` line says who decided what and when (replacing the previous review line).
"""

from __future__ import annotations

import re

import polib

from transflow.domain.state import QUERY_FLAG, QUERY_PREFIX

SUPERSEDED = "superseded: "
REVIEWED = "reviewed: "
_ORIGIN = re.compile(r"^\s*(?:machine[- ]translat|mt\b|transflow:\s*mt\b|translation memory\b)", re.I)


def _lines(entry: polib.POEntry) -> list[str]:
    return (entry.tcomment or "").splitlines()


def _set_lines(entry: polib.POEntry, lines: list[str]) -> None:
    entry.tcomment = "\n".join(lines)


def origin(entry: polib.POEntry) -> str:
    """The live machine-translation or memory line the candidate came from ("" once reviewed)."""
    return next((line for line in _lines(entry) if _ORIGIN.match(line)), "")


def approve(entry: polib.POEntry) -> None:
    """Reviewed: not fuzzy any more, and the `#|` old source is history (as Poedit does)."""
    if "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
    entry.previous_msgid = None
    entry.previous_msgid_plural = None
    entry.previous_msgctxt = None


def record_review(entry: polib.POEntry, reviewer: str, when: str, *, edited: bool) -> None:
    """Replace the review line, and mark the origin line superseded: the text is a person's now."""
    how = "edited" if edited else "accepted as is"
    lines = [
        SUPERSEDED + line if _ORIGIN.match(line) else line for line in _lines(entry) if not line.startswith(REVIEWED)
    ]
    _set_lines(entry, [*lines, f"{REVIEWED}{how} by {reviewer}, {when}"])


def edit(entry: polib.POEntry, text: str, reviewer: str, when: str) -> None:
    """A person's text, saved but not yet accepted: fuzzy until accepted, and no longer the machine's."""
    entry.msgstr = text
    reopen(entry)
    record_review(entry, reviewer, when, edited=True)


def accept(entry: polib.POEntry, text: str, reviewer: str, when: str) -> None:
    """Approve `text`. It counts as edited when it differs from the candidate on file, was edited
    before, or has no machine or memory origin at all (a person wrote it)."""
    review = next((line for line in _lines(entry) if line.startswith(REVIEWED)), "")
    edited = text != entry.msgstr or review.startswith(f"{REVIEWED}edited") or not (origin(entry) or review)
    entry.msgstr = text
    approve(entry)
    record_review(entry, reviewer, when, edited=edited)


def reopen(entry: polib.POEntry) -> None:
    """Back to review: fuzzy again, its history kept."""
    if "fuzzy" not in entry.flags:
        entry.flags.insert(0, "fuzzy")


def raise_query(entry: polib.POEntry, note: str, reviewer: str, when: str) -> None:
    """A question for the editor; the entry is not published until the query is resolved."""
    text = " ".join(note.split()) or "(no note)"
    lines = [line for line in _lines(entry) if not line.startswith(QUERY_PREFIX)]
    _set_lines(entry, [*lines, f"{QUERY_PREFIX} {text} ({reviewer}, {when})"])
    if QUERY_FLAG not in entry.flags:
        entry.flags.append(QUERY_FLAG)


def resolve_query(entry: polib.POEntry, reviewer: str, when: str) -> None:
    """The question is answered: its note stays as history, the entry goes back to its state."""
    lines = [
        f"query resolved by {reviewer}, {when}: {line[len(QUERY_PREFIX) :].strip()}"
        if line.startswith(QUERY_PREFIX)
        else line
        for line in _lines(entry)
    ]
    _set_lines(entry, lines)
    entry.flags = [flag for flag in entry.flags if flag != QUERY_FLAG]
