"""An article rendered as a reader will see it, each translatable segment marked in place.

Shared by the review workspace (`transflow serve`) and the static report. The rebuilt article
(`formats.markdown.render_article`) gets a placeholder word for every segment, is rendered by
markdown-it with raw HTML disabled, and each placeholder becomes a marked span holding the
segment's text rendered inline. Links and images are shown, not followed or loaded: the pages
load nothing from anywhere, and a click on a segment means "open it".
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.front_matter import front_matter_plugin

from transflow.formats.markdown import Article, render_article

_PLACEHOLDER = "tfsegx{}x"
_PLACED = re.compile(r"tfsegx(\d+)x")


@dataclass(frozen=True)
class Marked:
    """One segment as shown: the text to render (translation or source) and its marker's tag."""

    text: str
    open_tag: str  # e.g. '<span class="seg fuzzy" data-i="3">'
    close_tag: str = "</span>"


def _image(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env)
    return f'<span class="md-image" title="{html.escape(str(token.attrGet("src") or ""))}">[{html.escape(alt)}]</span>'


def _link_open(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    return f'<span class="md-link" title="{html.escape(str(tokens[idx].attrGet("href") or ""))}">'


def _link_close(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    return "</span>"


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable("table").use(front_matter_plugin)
    md.add_render_rule("image", _image)
    md.add_render_rule("link_open", _link_open)
    md.add_render_rule("link_close", _link_close)
    return md


def inline_html(text: str) -> str:
    """One segment's Markdown (emphasis, escapes, links, images) as safe inline HTML."""
    return str(_markdown().renderInline(text))


@dataclass(frozen=True)
class Preview:
    """The front matter's translatable values (title first) and the body, as HTML."""

    front: list[tuple[str, str]]  # (key, marked HTML)
    body: str
    placed: frozenset[str]  # the msgids that have a place in the article


def preview(article: Article, mark: Callable[[str], Marked]) -> Preview:
    """The article with each segment's text from `mark(msgid)`, wrapped in its marker."""
    numbers: dict[str, int] = {}
    for segment in article.segments:
        numbers.setdefault(segment.msgid, len(numbers))
    body_ids = {segment.msgid: _PLACEHOLDER.format(numbers[segment.msgid]) for segment in article.segments}
    rebuilt = render_article(article, body_ids).text
    msgids = list(numbers)
    shown: dict[int, str] = {}

    def place(match: re.Match[str]) -> str:
        number = int(match.group(1))
        if number not in shown:
            marked = mark(msgids[number])
            shown[number] = marked.open_tag + inline_html(marked.text) + marked.close_tag
        return shown[number]

    env: dict[str, Any] = {}
    body = _PLACED.sub(place, _markdown().render(rebuilt, env))
    front = [
        (segment.front_matter_key, _PLACED.sub(place, _PLACEHOLDER.format(numbers[segment.msgid])))
        for segment in article.segments
        if segment.front_matter_key
    ]
    return Preview(front, body, frozenset(numbers))
