"""Source articles (`transflow check --source`): glossary terms garbled, glued or misspelt, and the
form problems a translation would inherit. The article's language is the project's source language."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rapidfuzz import fuzz, process

from transflow.domain.checks.context import SourceContext
from transflow.domain.checks.registry import ERROR, WARNING, SourceCheck
from transflow.domain.checks.shared import bracket_balance, doubled_words, spacing_problems


def source_garbled_term(text: str, context: SourceContext) -> Iterator[tuple[str, str]]:
    """A term glued to itself or to the word before it ("AcmeAcme®", "wordAcme")."""
    for word, run, before, _after in context.term_runs(text):
        if len(run) > 1 or before:
            yield word, f"garbled glossary term {run[0].group()!r} in {word!r}"


def source_glued_term(text: str, context: SourceContext) -> Iterator[tuple[str, str]]:
    """A term glued to the next word ("Acmetool")."""
    for word, run, before, after in context.term_runs(text):
        form = run[-1].group()
        if after and len(run) == 1 and not before:
            yield word, f"glossary term {form!r} glued to the next word in {word!r}"


def source_near_miss(text: str, context: SourceContext) -> Iterator[tuple[str, str]]:
    """A word that is almost a glossary term (a misspelling such as "Acmme" for "Acme")."""
    if not context.words:
        return
    # Inflected forms the matcher recognises (L-threonaten) are the term, not a misspelling.
    exact = {form.lower() for form in context.words} | {found.text.lower() for found in context.glossary.find(text)}
    for word in dict.fromkeys(re.findall(r"[^\W_][\w®™-]*", text)):
        word = word.rstrip("-")
        lower = word.lower()
        if len(word) < 5 or lower in exact:
            continue
        match = process.extractOne(word, context.words, scorer=fuzz.ratio, score_cutoff=80, processor=str.lower)
        if match is None:
            continue
        term = match[0].lower()
        if abs(len(term) - len(lower)) <= 2 and not (lower.startswith(term) or term.startswith(lower)):
            yield word, f"{word!r} looks like a misspelling of the glossary term {match[0]!r}"


def source_doubled_words(text: str, context: SourceContext) -> Iterator[tuple[str, str]]:
    """A word written twice in a row in the source article."""
    for word in doubled_words(text, context.lang):
        yield f"{word} {word}", f"doubled word {word!r}"


def source_brackets(text: str, context: SourceContext) -> Iterator[tuple[str, str]]:
    """Unbalanced brackets in the source article ("a stray )")."""
    for pair, balance in bracket_balance(text).items():
        if balance:
            snippet = pair[1] if balance < 0 else pair[0]
            yield snippet, f"unbalanced {pair}: {balance:+d} open"


def source_spacing(text: str, context: SourceContext) -> Iterator[tuple[str, str]]:
    """Doubled spaces or a space before punctuation in the source article ("word ,")."""
    for problem, found in spacing_problems(text, context.lang).items():
        for snippet in found:
            yield snippet, f"{problem}: {snippet!r}"


CHECKS = (
    SourceCheck("source-garbled-term", "source", ERROR, source_garbled_term),
    SourceCheck("source-glued-term", "source", ERROR, source_glued_term),
    SourceCheck("source-near-miss", "source", WARNING, source_near_miss),
    SourceCheck("source-doubled-words", "source", WARNING, source_doubled_words),
    SourceCheck("source-brackets", "source", WARNING, source_brackets),
    SourceCheck("source-spacing", "source", WARNING, source_spacing),
)
