"""Citations in a source article: every superscript marker has its numbered reference, and every
reference is cited — once the article cites by markers at all.

The reference list is the numbered list after the article's last heading (where reference lists
sit); the markers are superscript numbers (¹², ⁹⁻¹¹ and ¹,³ cite several) anywhere before it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from transflow.formats.markdown import Article

_SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_MARKER = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+(?:[⁻,–-][⁰¹²³⁴⁵⁶⁷⁸⁹]+)*")
_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)|^ {0,3}(?:=+|-+)[ \t]*$")
_ITEM = re.compile(r"^ {0,3}(\d{1,9})[.)][ \t]")


def _cited(marker: str) -> list[int]:
    """The reference numbers a marker cites: ¹² is 12, ⁹⁻¹¹ is 9 to 11, ¹,³ is 1 and 3."""
    numbers: list[int] = []
    for part in re.split(r"[,]", marker.translate(_SUPERSCRIPT_DIGITS)):
        low, _, high = re.sub(r"[⁻–]", "-", part).partition("-")
        numbers.extend(range(int(low), int(high) + 1) if high else [int(low)])
    return numbers


def citation_problems(article: Article) -> Iterator[tuple[str, int, str]]:
    """(check name, line, message) for markers without a reference and references never cited."""
    lines = [content for content, _ in article.lines]
    last_heading = max((index for index, line in enumerate(lines) if _HEADING.match(line)), default=-1)
    references = {
        int(match.group(1)): index + 1
        for index, line in enumerate(lines[last_heading + 1 :], start=last_heading + 1)
        if (match := _ITEM.match(line))
    }
    cited: set[int] = set()
    for index, line in enumerate(lines[: last_heading + 1] if references else lines):
        for marker in _MARKER.findall(line):
            for number in _cited(marker):
                cited.add(number)
                if number not in references:
                    yield "source-citation-missing", index + 1, f"citation marker {marker!r} has no reference {number}"
    if cited:
        for number, line_number in sorted(references.items()):
            if number not in cited:
                yield "source-citation-unused", line_number, f"reference {number} is never cited by a marker"
