"""Markdown integrity: links, inline markup and block structure survive translation."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from functools import lru_cache

import polib
from markdown_it import MarkdownIt

from transflow.domain.checks.context import EntryContext
from transflow.domain.checks.quickmarkup import quick_markup, source_quick_markup
from transflow.domain.checks.registry import ERROR, WARNING, EntryCheck
from transflow.domain.checks.shared import compare
from transflow.formats.markdown import BLOCK_START


@lru_cache(maxsize=1)
def _inline_parser() -> MarkdownIt:
    return MarkdownIt("commonmark")


@lru_cache(maxsize=4096)
def inline_markup(text: str) -> tuple[Counter[str], Counter[str]]:
    """(links, markup) of a string: link, image and autolink targets; emphasis, code, breaks, HTML."""
    links: Counter[str] = Counter()
    markup: Counter[str] = Counter()
    for token in _inline_parser().parseInline(text)[0].children or ():
        kind = token.type
        if kind == "link_open":
            name = "autolink" if token.markup == "autolink" else "link"
            links[f"{name} to {token.attrs['href']}"] += 1
        elif kind == "image":
            links[f"image {token.attrs['src']}"] += 1
        elif kind in ("strong_open", "em_open"):
            markup[f"{kind[:-5]} ({token.markup})"] += 1
        elif kind == "code_inline":
            markup[f"code span `{token.content}`"] += 1
        elif kind == "hardbreak":
            markup["hard line break"] += 1
        elif kind == "html_inline":
            markup[f"HTML {token.content}"] += 1
    return links, markup


_Markup = tuple[tuple[Counter[str], Counter[str]], tuple[Counter[str], Counter[str]]]


def _markup_of(entry: polib.POEntry, context: EntryContext) -> _Markup | None:
    """Both strings' markup when it may differ, None when the quick look finds it the same."""

    def compute() -> _Markup | None:
        if source_quick_markup(entry.msgid) == quick_markup(entry.msgstr):
            return None
        return inline_markup(entry.msgid), inline_markup(entry.msgstr)

    return context.once("markup", entry, compute)


def markdown_links(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """Links, images and autolinks keep their destinations."""
    markup = _markup_of(entry, context)
    if markup:
        yield from compare(markup[0][0], markup[1][0])


def markdown_markup(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """Emphasis, code spans, hard line breaks and inline HTML of the source are kept."""
    markup = _markup_of(entry, context)
    if markup:
        yield from compare(markup[0][1], markup[1][1])


_SINGLE_LINE_KINDS = ("heading", "table", "front matter")


def markdown_block(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """The translation would start another block (`#`, `>`, `- `, `1.`) or break a one-line block."""
    for line in entry.msgstr.split("\n"):
        match = BLOCK_START.match(line.lstrip(" "))
        if match and not any(source.lstrip(" ").startswith(match.group()) for source in entry.msgid.split("\n")):
            yield f"a line starting with {match.group().strip()!r} would change the block"
            break
    kind = entry.comment or ""
    if "\n" in entry.msgstr and "\n" not in entry.msgid and kind.startswith(_SINGLE_LINE_KINDS):
        yield f"a line break in a {kind.split(',')[0]} would break the block"


CHECKS = (
    EntryCheck("markdown-links", "markdown", ERROR, markdown_links),
    EntryCheck("markdown-markup", "markdown", WARNING, markdown_markup),
    EntryCheck("markdown-block", "markdown", ERROR, markdown_block),
)
