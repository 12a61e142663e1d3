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

# A letter or a digit, but not a superscript or subscript digit: `NMDA¹²` ends at the `A`.
WORD_CHAR = r"[^\W_\u00b2\u00b3\u00b9\u2070-\u209f]"

_URL = r"(?:https?://|www\.|doi:)[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'\"]"
_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_CODE = r"(?P<ticks>`+)[^`](?:.*?[^`])?(?P=ticks)(?!`)"

# Where a glossary term is never looked for: it is markup, kept as it is, not prose.
NOT_PROSE = re.compile(
    rf"{_CODE}"
    r"|\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)"  # link or image destination
    r"|<[A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*>"  # autolink
    r"|</?[A-Za-z][^<>\n]*>"  # HTML tag with its attributes
    rf"|{_URL}|{_EMAIL}",
    re.DOTALL,
)
_MAY_HOLD_MARKUP = re.compile(r"[`<@]|\]\(|://|www\.|doi:")

_TOKENS = re.compile(
    rf"(?P<code>{_CODE})"
    rf"|(?P<url>{_URL})"
    rf"|(?P<email>{_EMAIL})"
    rf"|(?P<mark>(?<!{WORD_CHAR}){WORD_CHAR}[\w.-]*?(?:[*_]{{1,3}})?\s?[®™])"
    rf"|(?P<acronym>(?<![\w-])[A-Z][A-Z0-9]*[A-Z][A-Z0-9]*[A-Z][A-Z0-9]*(?!{WORD_CHAR}))"
    r"|(?P<quantity>(?<![\w.,])\d+(?:[.,]\d+)?\s?(?:%|‰|°C|mg|µg|μg|mcg|kg|g|mmol|mEq|ml|mL|dl|l|kcal|IU|IE)(?!\w))",
    re.DOTALL,
)


def prose_only(text: str) -> str:
    """`text` with its markup (code, link destinations, tags, URLs) blanked, same length."""
    if not _MAY_HOLD_MARKUP.search(text):
        return text
    return NOT_PROSE.sub(lambda found: "\0" * len(found.group()), text)


_MAY_HOLD_TOKEN = re.compile(r"[®™@`\d]|[A-Z]{2}|://|www\.|doi:")


def tokens(text: str) -> list[tuple[str, str, int, int]]:
    """(kind, token, start, end) of every verbatim token; emphasis inside a marked word is dropped."""
    found: list[tuple[str, str, int, int]] = []
    if not _MAY_HOLD_TOKEN.search(text):
        return found
    for match in _TOKENS.finditer(text):
        kind = match.lastgroup or ""
        token = match.group()
        if kind == "mark":
            token = re.sub(r"[*_\s]", "", token)
        elif kind == "quantity":
            token = re.sub(r"\s", "", token).replace(",", ".").replace("μ", "µ")
        found.append((kind, token, match.start(), match.end()))
    return found


def missing(
    source: str, translation: str, excused: tuple[tuple[int, int], ...] = (), kinds: tuple[str, ...] = ()
) -> list[str]:
    """Verbatim tokens of `source` that `translation` has fewer times; `excused` source spans
    (terms the glossary renders differently, DNA -> ADN) are not counted; `kinds` limits the kinds."""
    wanted = Counter(
        token
        for kind, token, start, end in tokens(source)
        if (not kinds or kind in kinds) and not any(start < stop and begin < end for begin, stop in excused)
    )
    if not wanted:
        return []
    have = Counter(token for kind, token, _, _ in tokens(translation) if not kinds or kind in kinds)
    return [token for token, count in wanted.items() if have[token] < count]
