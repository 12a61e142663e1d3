"""What entry checks and source checks both look for: multiset differences, brackets, doubled
words, spacing. Language rules come from `domain.languages`, never from here."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from functools import cache
from itertools import compress, repeat
from operator import eq

from transflow.domain.languages import typography

_WEB = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]]+")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(f"{_WEB.pattern}|{_EMAIL.pattern}")


def addresses(text: str) -> re.Pattern[str]:
    """The finder of the URLs and e-mail addresses `text` can hold: a text without @ is not
    searched for e-mail addresses, which the regex engine would try at every position."""
    if "@" not in text:
        return _WEB
    if "://" not in text and "www." not in text:
        return _EMAIL
    return _URL


def compare(expected: Counter[str], found: Counter[str]) -> Iterator[str]:
    """What is missing from `found`, then what it has that `expected` has not."""
    for item, count in expected.items():
        if found[item] < count:
            yield f"{item} missing" + (f" ({count - found[item]} of {count})" if count > 1 else "")
    for item, count in found.items():
        if count > expected[item]:
            yield f"{item} not in the source"


PAIRS = ("()", "[]", "{}")


def bracket_balance(text: str) -> dict[str, int]:
    return {pair: text.count(pair[0]) - text.count(pair[1]) for pair in PAIRS}


_CLOSING = ")]}\"'”’»*_.,;:!?…"


def doubled_words(text: str, lang: str) -> list[str]:
    """Words written twice in a row ("the the", "the the,"), apart from the language's grammatical doubles."""
    words = text.lower().split()
    same = list(map(eq, words, map(str.rstrip, words[1:], repeat(_CLOSING))))
    if True not in same:
        return []
    allowed = typography(lang).grammatical_doubles
    return [word for word in compress(words, same) if word.isalpha() and word not in allowed]


@cache
def _space_before(lang: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The finder of a space before punctuation, and a quick test from the (rarer) punctuation side."""
    marks = re.escape(typography(lang).no_space_before)
    return re.compile(rf"[ \t]+[{marks}]"), re.compile(rf"[{marks}](?<=[ \t][{marks}])")


_NO_SPACE_AFTER = re.compile(r"[,;](?<=[^\W\d_][,;])(?=[^\W\d_])")
_DOUBLED_SPACE = re.compile(r"(?<=\S)  +(?=\S)")


def spacing_problems(text: str, lang: str) -> dict[str, list[str]]:
    """What is wrong with the spacing of a text, each problem with the snippets showing it."""
    space_before, hint = _space_before(lang)
    return {
        "doubled space": _DOUBLED_SPACE.findall(text) if "  " in text else [],
        "space before punctuation": space_before.findall(text.lstrip()) if hint.search(text) else [],
        "no space after , or ;": _no_space_after(text),
    }


def _no_space_after(text: str) -> list[str]:
    """A comma or semicolon glued to the next word, outside URLs and e-mail addresses."""
    if "," not in text and ";" not in text:
        return []
    if "@" in text or "://" in text:
        text = addresses(text).sub(" ", text)
    return _NO_SPACE_AFTER.findall(text)
