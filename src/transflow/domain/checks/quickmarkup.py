"""A quick tokenizer for the inline constructs markdown-it would find.

When it sees the same constructs in the source and the translation (the usual case) nothing is
wrong; otherwise markdown-it decides. One group per kind of token, so that `findall` gives
comparable tokens without Python code per match: emphasis delimiters by whether they can open,
close, both or neither (CommonMark's flanking rules, in short), link targets without their spacing.
"""

from __future__ import annotations

import re
from functools import lru_cache

_QUICK_MARKUP = re.compile(
    r"""
    (?=[\\`\]<*_!\[])                                    # (fails fast on ordinary characters)
    (?:\\(?P<escaped>[!-/:-@\[-`{-~])
  | (?P<code>`+)(?P<text>.*?[^`])(?P=code)(?!`)           # code span
  | \]\(\s*(?P<dest><[^>\n]*>|[^\s()]+)(?:\s+(?P<title>"[^"]*"|'[^']*'))?\s*\)  # link target
  | (?P<autolink><[A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*>)
  | (?P<html></?[A-Za-z][^<>]*>)
  | (?<!\S)(?P<neither>\*+|_+)(?!\S)
  | (?<!\S)(?P<opens>\*+|_+)
  | (?P<closes>\*+|_+)(?!\S)
  | (?P<both>\*+|_+)
  | (?P<other>\\\n|!?\[)                                  # hard break, link or image opener
    )""",
    re.VERBOSE,
)


# Every token starts with one of these: a text holding none (most prose) has no markup.
_MARKUP_START = re.compile(r"[\\`\]<*_!\[]")


def quick_markup(text: str) -> list[tuple[str, ...]]:
    if not _MARKUP_START.search(text):
        return []
    found: list[tuple[str, ...]] = _QUICK_MARKUP.findall(text)
    found.sort()
    return found


# Entries are checked article by article: the source side is computed once for all its languages.
source_quick_markup = lru_cache(maxsize=4096)(quick_markup)
