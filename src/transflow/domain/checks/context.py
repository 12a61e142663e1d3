"""What checks know besides the text they judge: languages, glossary, project settings."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar

import polib

from transflow.domain.glossary import Glossary, Violation
from transflow.domain.units import DEFAULT_UNITS

_Shared = TypeVar("_Shared")
_WORD_END = re.compile(r"\S*$")
_WORD_START = re.compile(r"\S*")


def _matched_length(match: re.Match[str] | None) -> int:
    return len(match.group()) if match else 0


@dataclass
class EntryContext:
    """`source_lang` and `lang` choose the typography rules; `units` are those numbers may carry."""

    lang: str
    glossary: Glossary
    length_ratio: tuple[float, float] = (0.5, 2.0)
    source_lang: str = ""
    units: tuple[str, ...] = DEFAULT_UNITS
    _memo: dict[str, tuple[tuple[str, str], object]] = field(default_factory=dict, repr=False)

    def once(self, name: str, entry: polib.POEntry, compute: Callable[[], _Shared]) -> _Shared:
        """A result several checks of one entry share (glossary violations, parsed markup)."""
        key = (entry.msgid, entry.msgstr)
        memo = self._memo.get(name)
        if memo is None or memo[0] != key:
            memo = self._memo[name] = (key, compute())
        return memo[1]  # type: ignore[return-value]  # stored by this name with this type

    @cached_property
    def glossary_forms(self) -> set[str]:
        return {form for term in self.glossary.terms for form in (term.source, *term.variants)}

    def glossary_violations(self, entry: polib.POEntry) -> list[Violation]:
        return self.once("glossary", entry, lambda: self.glossary.verify(entry.msgid, entry.msgstr, self.lang))


@dataclass
class CatalogContext:
    lang: str
    max_obsolete: int = 20


@dataclass
class SourceContext:
    """Terms kept verbatim (brands, acronyms) must stand alone; any term may be misspelt."""

    glossary: Glossary
    lang: str = ""
    forms: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        kept = [term for term in self.glossary.terms if not term.translate]
        self.forms = sorted({form for term in kept for form in (term.source, *term.variants)}, key=len, reverse=True)
        self.words = sorted(
            {
                form
                for term in self.glossary.terms
                for form in (term.source, *term.variants)
                if " " not in form and len(form) >= 5
            }
        )
        self._pattern = re.compile("|".join(map(re.escape, self.forms))) if self.forms else None

    def term_runs(self, text: str) -> Iterator[tuple[str, list[re.Match[str]], bool, bool]]:
        """Each word holding glossary terms: (word, term matches, glued before, glued after)."""
        if self._pattern is None:
            return
        matches = list(self._pattern.finditer(text))
        index = 0
        while index < len(matches):
            run = [matches[index]]
            while index + 1 < len(matches) and matches[index + 1].start() == run[-1].end():
                index += 1
                run.append(matches[index])
            index += 1
            start, end = run[0].start(), run[-1].end()
            before = start > 0 and text[start - 1].isalpha()
            after = end < len(text) and text[end].isalpha()
            word_start = start - _matched_length(_WORD_END.search(text, 0, start))
            word_end = end + _matched_length(_WORD_START.match(text, end))
            yield text[word_start:word_end], run, before, after
