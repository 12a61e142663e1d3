"""Content: numbers with their units, footnote marks, addresses and ® ™ © are kept.

Entries are checked article by article, so the source side of a string is computed once for all
its languages: each `_Items` caches it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from functools import lru_cache

import polib

from transflow.domain.checks.context import EntryContext
from transflow.domain.checks.registry import ERROR, EntryCheck
from transflow.domain.checks.shared import addresses, compare
from transflow.domain.units import alternatives

_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f ]\d{3})*(?:[.,]\d+)?")
_SEPARATORS = str.maketrans("", "", ".,\u00a0\u202f ")
_SUPERSCRIPTS = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
_LINK_TARGET = re.compile(r"\]\([^)]*\)|<[^<>\s]+>")
_DIGIT = re.compile(r"\d")


def _without_link_targets(text: str) -> str:
    return _LINK_TARGET.sub(" ", text) if "](" in text or "<" in text else text


class _Items:
    """Items of a text (numbers, references, addresses) compared as multisets.

    Sorted tuples are cheap to build and compare, and the source side is cached for all of a
    string's languages; only when they differ are the items counted, in the order of the text,
    to report.
    """

    def __init__(self, items: Callable[[str], list[str]]):
        self.items = items
        self.source_key = lru_cache(maxsize=4096)(self.key)

    def key(self, text: str) -> tuple[str, ...]:
        return tuple(sorted(self.items(text)))

    def differences(self, entry: polib.POEntry) -> Iterator[str]:
        if self.source_key(entry.msgid) != self.key(entry.msgstr):
            yield from compare(Counter(self.items(entry.msgid)), Counter(self.items(entry.msgstr)))


@lru_cache(maxsize=8)
def _quantities(units: tuple[str, ...]) -> _Items:
    """Numbers by their digits (1,5 = 1.5; 1.000 = 1,000 = 1 000) and the units after them."""
    unit = re.compile(rf"\d\s?({alternatives(units)})(?![^\W\d_])")

    def quantities(text: str) -> list[str]:
        if not _DIGIT.search(text):
            return []
        text = _without_link_targets(text)
        found = [f"number {value.translate(_SEPARATORS)}" for value in _NUMBER.findall(text)]
        return found + [f"unit {name}" for name in unit.findall(text)]

    return _Items(quantities)


def _addresses(text: str) -> list[str]:
    if "://" not in text and "www." not in text and "@" not in text:
        return []
    text = _without_link_targets(text)
    return [m.group().rstrip(".,;:!?") for m in addresses(text).finditer(text)]


_REFERENCES = _Items(_SUPERSCRIPTS.findall)
_ADDRESSES = _Items(_addresses)


def numbers(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """Numbers and units are kept (decimal and thousands separators may follow the locale)."""
    yield from _quantities(context.units).differences(entry)


def footnotes(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """Footnote asterisks (\\*) and superscript reference numbers (⁹ ¹⁰) are kept."""
    source, translation = entry.msgid.count("\\*"), entry.msgstr.count("\\*")
    if source != translation:
        yield f"{source} footnote asterisk(s) (\\*) in the source, {translation} in the translation"
    yield from (f"reference {item}" for item in _REFERENCES.differences(entry))


def urls(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """URLs and e-mail addresses in the text are unchanged (link targets: markdown-links)."""
    yield from _ADDRESSES.differences(entry)


def symbols(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """The marks ® ™ © are kept, plus those a required glossary rendering adds (Acme -> Acme®)."""
    matches = context.glossary.find(entry.msgid)
    # The marks are single characters: counted in all renderings at once, then in all matched texts
    rendered = "".join([context.glossary.expected(match.term, context.lang) for match in matches])
    replaced = "".join([match.text for match in matches])
    for mark in "®™©":
        source, translation = entry.msgid.count(mark), entry.msgstr.count(mark)
        added = rendered.count(mark) - replaced.count(mark)
        if translation != source + added:
            by_glossary = f" (the glossary adds {added})" if added else ""
            yield (f"{mark} appears {source} time(s) in the source{by_glossary}, {translation} in the translation")


CHECKS = (
    EntryCheck("numbers", "content", ERROR, numbers),
    EntryCheck("footnotes", "content", ERROR, footnotes),
    EntryCheck("urls", "content", ERROR, urls),
    EntryCheck("symbols", "content", ERROR, symbols),
)
