"""Tokens that survive any translation verbatim, found without the glossary.

The glossary matcher protects and verifies only the terms it recognises; a term it misses (a typo
in the source, an unlisted brand) would pass unnoticed. These tokens are a second signal that needs
no glossary: anything marked ® or ™, acronyms of three or more capitals, numbers with units, URLs,
e-mail addresses and code spans. Two-letter capitals are left out: they are author initials and
country abbreviations that translations rightly change (VS -> US).

This module also says where, in Markdown text, terms are not searched for at all: code, link
destinations, autolinks, HTML tags with their attributes, URLs and e-mail addresses.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

# A letter or a digit, but not a superscript or subscript digit: `NMDA¹²` ends at the `A`.
WORD_CHAR = r"[^\W_\u00b2\u00b3\u00b9\u2070-\u209f]"

_URL = r"(?:https?://|www\.|doi:)[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'\"]"
_EMAIL = r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_CODE = r"(?P<ticks>`+)[^`](?:.*?[^`])?(?P=ticks)(?!`)"

# Each kind of token: its pattern, and a quick test a text must pass to hold one. Only the kinds
# a text can hold go into the pattern run over it: most texts need none, or one or two.
_KINDS: dict[str, tuple[str, tuple[str, ...] | re.Pattern[str]]] = {
    "code": (_CODE, ("`",)),
    "url": (_URL, ("://", "www.", "doi:")),
    "email": (_EMAIL, ("@",)),
    "mark": ("", ("®", "™")),  # found from the mark backwards: see `_marked_words`
    "acronym": (
        rf"(?<![\w-])[A-Z][A-Z0-9]*[A-Z][A-Z0-9]*[A-Z][A-Z0-9]*(?!{WORD_CHAR})",
        re.compile("[A-Z][A-Z0-9]"),
    ),
    "quantity": (
        r"(?<![\w.,])\d+(?:[.,]\d+)?\s?(?:%|‰|°C|mg|µg|μg|mcg|kg|g|mmol|mEq|ml|mL|dl|l|kcal|IU|IE)(?!\w)",
        re.compile(r"\d"),
    ),
    # Markup where glossary terms are never looked for (`prose_only`), besides code, URLs and e-mail.
    "destination": (r"\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)", ("](",)),
    "tag": (r"<[A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*>|</?[A-Za-z][^<>\n]*>", ("<",)),
}
TOKEN_KINDS = ("code", "url", "email", "mark", "acronym", "quantity")
_NOT_PROSE = ("code", "destination", "tag", "url", "email")


@lru_cache(maxsize=256)
def _pattern(kinds: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?P<{kind}>{_KINDS[kind][0]})" for kind in kinds), re.DOTALL)


def _present(text: str, kinds: tuple[str, ...]) -> tuple[str, ...]:
    """The kinds `text` may hold, in the order given (substring tests: faster than a regex)."""
    present = []
    for kind in kinds:
        quick = _KINDS[kind][1]
        if quick.search(text) if isinstance(quick, re.Pattern) else any(sign in text for sign in quick):
            present.append(kind)
    return tuple(present)


def prose_only(text: str) -> str:
    """`text` with its markup (code, link destinations, tags, URLs, e-mail) blanked, same length."""
    kinds = _present(text, _NOT_PROSE)
    if not kinds:
        return text
    return _pattern(kinds).sub(lambda found: "\0" * len(found.group()), text)


def _marked_words(text: str, skip: tuple[tuple[int, int], ...] = ()) -> list[tuple[str, str, int, int]]:
    """Words marked ® or ™ (``Magtein®``, ``**Magtein**®``), found from each mark backwards;
    none whose mark is inside a `skip` span."""
    found = []
    for mark in re.finditer("[®™]", text):
        start = mark.start()
        if any(begin <= start < end for begin, end in skip):
            continue
        if start and text[start - 1].isspace():
            start -= 1
        markers = 0
        while start and text[start - 1] in "*_" and markers < 3:
            start, markers = start - 1, markers + 1
        end_of_word = start
        while start and (text[start - 1].isalnum() or text[start - 1] in ".-"):
            start -= 1
        while start < end_of_word and text[start] in ".-":
            start += 1
        if start < end_of_word:
            token = re.sub(r"[*_\s]", "", text[start : mark.end()])
            found.append(("mark", token, start, mark.end()))
    return found


def tokens(
    text: str, kinds: tuple[str, ...] = TOKEN_KINDS, skip: tuple[tuple[int, int], ...] = ()
) -> list[tuple[str, str, int, int]]:
    """(kind, token, start, end) of every verbatim token of `kinds`; emphasis inside a marked word
    and spacing inside a quantity are dropped, a decimal comma is a point; marks inside `skip` spans
    are not looked at (the other kinds are filtered by the caller)."""
    kinds = _present(text, kinds)
    found = _marked_words(text, skip) if "mark" in kinds else []
    kinds = tuple(kind for kind in kinds if kind != "mark")
    if not kinds:
        return found
    for match in _pattern(kinds).finditer(text):
        kind = match.lastgroup or ""
        token = match.group()
        if kind == "quantity":
            token = re.sub(r"\s", "", token).replace(",", ".").replace("μ", "µ")
        found.append((kind, token, match.start(), match.end()))
    return sorted(found, key=lambda item: item[2])


def missing(
    source: str, translation: str, excused: tuple[tuple[int, int], ...] = (), kinds: tuple[str, ...] = TOKEN_KINDS
) -> list[str]:
    """Verbatim tokens of `source` that `translation` has fewer times; `excused` source spans
    (terms the glossary renders differently, DNA -> ADN) are not counted."""
    wanted = _wanted(source, excused, kinds)
    if not wanted:
        return []
    have = Counter(token for _, token, _, _ in tokens(translation, kinds))
    return [token for token, count in wanted.items() if have[token] < count]


@lru_cache(maxsize=4096)
def _wanted(source: str, excused: tuple[tuple[int, int], ...], kinds: tuple[str, ...]) -> Counter[str]:
    """The source side of `missing`, worked out once for all of a string's languages (read only)."""
    return Counter(
        token
        for _, token, start, end in tokens(source, kinds, excused)
        if not any(start < stop and begin < end for begin, stop in excused)
    )
