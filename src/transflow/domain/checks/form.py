"""Form: whitespace, punctuation, capitals, doubled words, spacing, brackets, length, acronyms.

Typography that differs between languages (a space before `;` in French, grammatical doubled
words) comes from `domain.languages`, for the source and the target language each.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

import polib

from transflow.domain.checks.context import EntryContext
from transflow.domain.checks.registry import WARNING, EntryCheck
from transflow.domain.checks.shared import PAIRS, bracket_balance, doubled_words, spacing_problems


def _edges(text: str) -> tuple[str, str]:
    return text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]


def whitespace(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """Leading and trailing whitespace and tabs as in the source; no blank translation."""
    if not entry.msgstr.strip():
        yield "the translation is blank"
        return
    (lead, trail), (new_lead, new_trail) = _edges(entry.msgid), _edges(entry.msgstr)
    if lead != new_lead:
        yield f"leading whitespace {new_lead!r}, source has {lead!r}"
    if trail != new_trail:
        yield f"trailing whitespace {new_trail!r}, source has {trail!r}"
    if entry.msgstr.count("\t") != entry.msgid.count("\t"):
        yield "tabs differ from the source"


_DECORATION = "*_\"'’”»)]⁰¹²³⁴⁵⁶⁷⁸⁹"
_END_MARKS = {
    ".": ".",
    "…": "…",
    "?": "?",
    "!": "!",
    ":": ":",
    ";": ";",
    ",": ",",
    "。": ".",
    "？": "?",
    "！": "!",
    "：": ":",
}
_START_MARKS = "-–—(:;.,…"


def _end_mark(text: str) -> str:
    """The punctuation a text ends with, past footnote marks, closing quotes and emphasis."""
    end = len(text)
    while end:
        char = text[end - 1]
        if char == "*" and end > 1 and text[end - 2] == "\\":
            end -= 2
        elif char in _DECORATION or char.isspace():
            end -= 1
        else:
            break
    if not end:
        return ""
    if text[end - 1] == ".":
        dots = end - len(text[:end].rstrip("."))
        return "…" if dots % 3 == 0 else "."
    return _END_MARKS.get(text[end - 1], "")


def punctuation(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """Ending punctuation (and a leading dash or bracket) as in the source."""
    source, translation = _end_mark(entry.msgid), _end_mark(entry.msgstr)
    if source != translation:
        yield (
            f"ends with {translation!r} where the source ends with {source!r}"
            if source and translation
            else f"ends without {source!r}"
            if source
            else f"ends with {translation!r}, the source does not"
        )
    first, new_first = entry.msgid.lstrip()[:1], entry.msgstr.lstrip()[:1]
    if (first in _START_MARKS or new_first in _START_MARKS) and first != new_first:
        yield f"starts with {new_first!r} where the source starts with {first!r}"


_LETTER = re.compile(r"[^\W\d_]")


def start_capital(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """A source starting with a capital letter is not translated starting with a lower-case one."""
    first, new_first = _LETTER.match(entry.msgid), _LETTER.match(entry.msgstr)
    if first and new_first and first.group().isupper() and new_first.group().islower():
        yield f"starts with lower-case {new_first.group()!r}; the source starts with a capital"


_source_doubled_words = lru_cache(maxsize=4096)(doubled_words)


def doubled_words_in_translation(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """A word written twice in a row ("the the")."""
    inherited = _source_doubled_words(entry.msgid, context.source_lang)
    for word in doubled_words(entry.msgstr, context.lang):
        if word not in inherited:
            yield f"doubled word {word!r}"


_source_spacing_problems = lru_cache(maxsize=4096)(spacing_problems)


def spacing(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """Doubled spaces, a space before punctuation, none after a comma: more than in the source."""
    source = _source_spacing_problems(entry.msgid, context.source_lang)
    for problem, found in spacing_problems(entry.msgstr, context.lang).items():
        if len(found) > len(source[problem]):
            yield f"{problem}: {found[0]!r}"


_source_bracket_balance = lru_cache(maxsize=4096)(bracket_balance)


def brackets(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """Brackets balanced as in the source."""
    source, translation = _source_bracket_balance(entry.msgid), bracket_balance(entry.msgstr)
    if source != translation:
        for pair in PAIRS:
            if source[pair] != translation[pair]:
                yield f"unbalanced {pair}: {translation[pair]:+d} open in the translation"


def length_ratio(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """The translation is far longer or shorter than the source (a chunk missing or added)."""
    if len(entry.msgid) < 20:
        return
    ratio = len(entry.msgstr) / len(entry.msgid)
    low, high = context.length_ratio
    if not low <= ratio <= high:
        yield f"{ratio:.2f} times as long as the source (expected {low:g}-{high:g})"


_WORD = re.compile(r"[^\W\d_]{2,}")
_CITATION = re.compile(r"\bet al\b|\bdoi\b|\bPMID\b|https?://|\b(?:19|20)\d\d\b[;:.)]", re.I)


def identical(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """The translation equals the source (names, numbers and citations excepted)."""
    if entry.msgstr != entry.msgid or _CITATION.search(entry.msgid):
        return
    ordinary = [word for word in _WORD.findall(entry.msgid) if word.islower()]
    if len(ordinary) >= 2:
        yield "the translation is identical to the source"


_ACRONYM = re.compile(r"(?<![\w-])[A-Z][A-Z0-9]*[A-Z](?!\w)")


@lru_cache(maxsize=4096)
def _source_acronyms(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_ACRONYM.findall(text)))


def acronyms(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """Acronyms of the source (HPA, DNA) are kept; glossary terms: see the glossary checks."""
    wanted = _source_acronyms(entry.msgid)
    if not wanted:
        return
    found = set(_ACRONYM.findall(entry.msgstr))
    for acronym in wanted:
        if acronym not in found and acronym not in context.glossary_forms:
            yield f"acronym {acronym} missing"


CHECKS = (
    EntryCheck("whitespace", "form", WARNING, whitespace),
    EntryCheck("punctuation", "form", WARNING, punctuation),
    EntryCheck("start-capital", "form", WARNING, start_capital),
    EntryCheck("doubled-words", "form", WARNING, doubled_words_in_translation),
    EntryCheck("spacing", "form", WARNING, spacing),
    EntryCheck("brackets", "form", WARNING, brackets),
    EntryCheck("length-ratio", "form", WARNING, length_ratio),
    EntryCheck("identical", "form", WARNING, identical),
    EntryCheck("acronyms", "form", WARNING, acronyms),
)
