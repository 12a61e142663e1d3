"""Relative links and image paths in a Markdown text, found and rewritten in place.

Only destinations change: inline links and images (`[text](dest)`, `![alt](dest "title")`) and
link reference definitions (`[label]: dest`), outside code blocks and code spans. What a
destination becomes is the caller's decision (`rewrite`), which sees only relative ones: no URL
scheme, no leading `/` or `#`. The fragment (`#heading-id`) and query are kept as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from markdown_it import MarkdownIt
from mdit_py_plugins.front_matter import front_matter_plugin

# From the '[': an image's '!' before it stays where it is (starting with a plain '[' makes the search
# several times faster, and a code span cannot end with that '!' nor start with the '[').
_INLINE = re.compile(r"(\[(?:[^\[\]\\]|\\.)*\]\([ \t]*)(<[^<>\n]*>|[^\s()<>]+)")
_DEFINITION = re.compile(r"^([ \t>]*\[(?:[^\[\]\\]|\\.)+\]:[ \t]*)(<[^<>\n]*>|\S+)", re.MULTILINE)
_CODE_SPAN = re.compile(r"(`+)(?:.*?[^`])?\1(?!`)")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_CODE_BLOCKS = {"fence", "code_block", "html_block", "front_matter"}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").use(front_matter_plugin).disable("inline")


def split_destination(destination: str) -> tuple[str, str]:
    """The path and what follows it (`?query`, `#fragment`)."""
    cut = min((i for i in (destination.find("#"), destination.find("?")) if i >= 0), default=len(destination))
    return destination[:cut], destination[cut:]


def is_relative(destination: str) -> bool:
    return bool(destination) and not destination.startswith(("/", "#", "?")) and not _SCHEME.match(destination)


def rewrite_links(text: str, rewrite: Callable[[str], str | None]) -> str:
    """The text with each relative destination path replaced by `rewrite(path)`, unless that is None."""
    if "](" not in text and "]:" not in text:
        return text
    destinations = [m.group(2) for m in _INLINE.finditer(text)]
    if "]:" in text:
        destinations += [m.group(2) for m in _DEFINITION.finditer(text)]
    inner = [d[1:-1] if d.startswith("<") else d for d in destinations]
    paths = {split_destination(d)[0] for d in inner if is_relative(d)} - {""}
    new_paths = {path: rewrite(path) for path in paths}  # each path asked once
    if all(new is None or new == path for path, new in new_paths.items()):
        return text  # nothing changes: no need to find the code blocks
    code_lines: set[int] = set()
    for token in _parser().parse(text):
        if token.type in _CODE_BLOCKS and token.map:
            code_lines.update(range(*token.map))
    out = []
    for number, line in enumerate(text.splitlines(keepends=True)):
        if number in code_lines or ("](" not in line and "]:" not in line):
            out.append(line)
            continue
        spans = [match.span() for match in _CODE_SPAN.finditer(line)]

        def replace(match: re.Match[str], spans: list[tuple[int, int]] = spans) -> str:
            if any(start <= match.start() < end for start, end in spans):
                return match.group()
            return match.group(1) + _new_destination(match.group(2), new_paths.get)

        if "]:" in line:
            line = _DEFINITION.sub(replace, line, count=1)
        out.append(_INLINE.sub(replace, line))
    return "".join(out)


def _new_destination(destination: str, rewrite: Callable[[str], str | None]) -> str:
    bracketed = destination.startswith("<")
    inner = destination[1:-1] if bracketed else destination
    if not is_relative(inner):
        return destination
    path, rest = split_destination(inner)
    new = rewrite(path) if path else None
    if new is None or new == path:
        return destination
    if bracketed or re.search(r"[\s()<>]", new):
        return f"<{new}{rest}>"
    return new + rest
