"""Glossary: required renderings present, verbatim terms intact, forbidden ones absent, no MT placeholder left."""

from __future__ import annotations

from collections.abc import Iterator

import polib

from transflow.domain.checks.context import EntryContext
from transflow.domain.checks.registry import ERROR, WARNING, EntryCheck, EntryFunction
from transflow.domain.protect import PLACEHOLDER_FOUND


def _violations_of(kind: str, doc: str) -> EntryFunction:
    def find(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
        for violation in context.glossary_violations(entry):
            if violation.kind == kind:
                yield violation.message

    find.__doc__ = doc
    return find


def mt_placeholder(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """A placeholder of machine translation ([X0X]) was left in the translation."""
    if "[" not in entry.msgstr and "［" not in entry.msgstr:
        return
    left = PLACEHOLDER_FOUND.findall(entry.msgstr)
    if left and not PLACEHOLDER_FOUND.search(entry.msgid):
        yield f"machine-translation placeholder [X{left[0]}X] left in the translation"


CHECKS = (
    EntryCheck(
        "glossary-missing-term",
        "glossary",
        WARNING,
        _violations_of("missing-term", "A term's required rendering is missing."),
    ),
    EntryCheck(
        "glossary-altered-term",
        "glossary",
        ERROR,
        _violations_of("altered-term", "A term to keep verbatim was changed (Acme® without ®)."),
    ),
    EntryCheck(
        "glossary-forbidden-term",
        "glossary",
        ERROR,
        _violations_of("forbidden-term", "A rendering the glossary forbids is used."),
    ),
    EntryCheck("mt-placeholder", "glossary", ERROR, mt_placeholder),
)
