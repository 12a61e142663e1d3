"""The rendered structure of a Markdown text: the element tree, without its words."""

from __future__ import annotations

from markdown_it import MarkdownIt
from mdit_py_plugins.front_matter import front_matter_plugin

_MD = MarkdownIt("commonmark").enable("table").use(front_matter_plugin)
_WORDLESS = {"text", "softbreak", "front_matter"}


def shape(text: str) -> list[tuple]:
    """Block and inline elements in document order: type, tag, nesting and markers.

    Text and soft line breaks are left out (a translation changes words and wrapping); inline
    HTML is reduced to its tag name, compared case-insensitively.
    """
    result = []
    for token in _MD.parse(text):
        if token.type == "inline":
            for child in token.children or ():
                if child.type in _WORDLESS:
                    continue
                if child.type == "html_inline":
                    result.append(("html_inline", child.content.split()[0].strip("<>/").lower()))
                else:
                    result.append((child.type, child.tag, child.nesting))
        elif token.type not in _WORDLESS:
            result.append((token.type, token.tag, token.nesting, token.markup, token.info.strip()))
    return result


def block_shape(text: str) -> list[tuple]:
    """Only the blocks: what a translation must never change, whatever words it uses."""
    return [
        (token.type, token.tag, token.nesting, token.markup, token.info.strip())
        for token in _MD.parse(text)
        if token.type not in _WORDLESS and token.type != "inline"
    ]
