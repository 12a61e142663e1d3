"""What a reviewer is shown about a candidate translation: where it came from, what changed in
its source, and the glossary terms it must render. Shared by `transflow review` and the HTML report."""

from __future__ import annotations

from dataclasses import dataclass

import polib
from rapidfuzz.distance import Levenshtein

from transflow.domain.checks.completeness import is_machine_translated, source_changed
from transflow.domain.decisions import origin
from transflow.domain.glossary import Glossary, occurrences
from transflow.domain.state import is_query
from transflow.formats.glossary_file import Term


@dataclass(frozen=True)
class Change:
    """One piece of a word-level diff: `op` is "equal", "delete" or "insert"."""

    op: str
    text: str


def word_diff(old: str, new: str) -> list[Change]:
    """What changed from `old` to `new`, word by word (rapidfuzz's opcodes, as difflib would)."""
    before, after = old.split(), new.split()
    changes: list[Change] = []
    for op in Levenshtein.opcodes(before, after):
        if op.tag == "equal":
            changes.append(Change("equal", " ".join(before[op.src_start : op.src_end])))
            continue
        if op.tag in ("delete", "replace"):
            changes.append(Change("delete", " ".join(before[op.src_start : op.src_end])))
        if op.tag in ("insert", "replace"):
            changes.append(Change("insert", " ".join(after[op.dest_start : op.dest_end])))
    return changes


@dataclass(frozen=True)
class TermInfo:
    source: str
    required: str
    present: bool


def glossary_terms(glossary: Glossary, msgid: str, msgstr: str, lang: str) -> list[TermInfo]:
    """The glossary terms of the source, their required rendering, and whether the text has it."""
    terms: dict[Term, TermInfo] = {}
    for match in glossary.find(msgid):
        if match.term in terms:
            continue
        required = glossary.expected(match.term, lang)
        present = not required or bool(occurrences(required, msgstr, match.term.case_sensitive))
        terms[match.term] = TermInfo(match.text, required or "(no rendering set)", present)
    return list(terms.values())


def provenance(entry: polib.POEntry) -> str:
    """Why the entry waits for a person, in a few words."""
    if is_query(entry):
        return "query for the editor"
    if source_changed(entry):
        return "source changed since the last approval"
    if is_machine_translated(entry):
        return "machine translation"
    if origin(entry).lower().startswith("translation memory"):
        return "translation memory suggestion"
    return "marked fuzzy"
