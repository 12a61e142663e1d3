"""Markdown article <-> translatable segments, with byte-exact reassembly.

markdown-it-py is used only to *find* translatable text. Every segment remembers where its content
sits in the source lines (a column span per line), so rebuilding an article rewrites exactly those
spans and copies every other byte: front matter, list markers, indentation, blank lines, table pipes,
code, HTML and link definitions stay as the author wrote them.

After substitution the result is parsed again and its block structure compared with the source's;
a translation that would change it (start a list, swallow a heading, ...) is refused, and the source
text stays in its place. Refusals are returned, never silently dropped.
"""

from __future__ import annotations

import bisect
import json
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

from transflow.errors import TransflowError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the same parser, from PyPI, before Python 3.11
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

# libyaml's loader when PyYAML was built with it: the same results, several times faster.
# One block token as compared before and after a translation: its type and attributes, or an inline run.
BlockShape = tuple[object, ...]
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# One physical line: its text without the line ending, and the ending itself ("\n", "\r\n", "\r", "").
_LINE_RE = re.compile(r"([^\r\n]*)(\r\n|\r|\n|$)")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_FRONT_MATTER_KEY = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]+|$)")

# What would open a different block if it started a paragraph line (conservative on purpose).
_BLOCK_OPENER = r"""(?:
        \#                          # ATX heading
      | >                           # blockquote
      | [-+*](?:[ \t]|$)            # bullet list item
      | [-*_](?:[ \t]*[-*_]){2,}[ \t]*$   # thematic break
      | =+[ \t]*$                   # setext underline
      | -+[ \t]*$                   # setext underline
      | \d{1,9}[.)](?:[ \t]|$)      # ordered list item
      | `{3,} | ~{3,}               # code fence
      | <                           # HTML block
      | \|                          # table row
      | \[[^\]]*\]:                 # link reference definition
    )"""
# Public: the QA checks use it to flag translations that would change their block.
BLOCK_START = re.compile("^" + _BLOCK_OPENER, re.VERBOSE)
# The same at a given position of a line (`match(text, pos)`), without slicing the rest off.
_BLOCK_START_AT = re.compile(_BLOCK_OPENER, re.VERBOSE)


@dataclass(frozen=True)
class Span:
    """Where a piece of content sits: line index (0-based) and a column range on that line."""

    line: int
    start: int
    end: int


@dataclass(frozen=True)
class Segment:
    """One translatable unit: the msgid, what kind of block it came from, and where it sits.

    ``flow`` segments (paragraphs, list items, setext headings) may be rewrapped over several lines;
    the others (ATX headings, table cells, front matter values) must stay on the line they are on.
    """

    msgid: str
    kind: str
    line: int
    spans: tuple[Span, ...]
    flow: bool
    front_matter_key: str | None = None
    in_flow_collection: bool = False  # an item of a `[a, b]` list, where `,` `[` `]` must be quoted


@dataclass
class Article:
    """A parsed source article: its lines, front matter and segments."""

    path: str
    lines: list[tuple[str, str]]
    front_matter: dict[str, Any]
    segments: list[Segment]
    lang_span: Span | None = None
    front_matter_format: str | None = None  # "yaml" (---), "toml" (+++) or None: the article has none

    @property
    def text(self) -> str:
        return "".join(content + ending for content, ending in self.lines)

    @cached_property
    def shape(self) -> list[BlockShape]:
        """The block structure every rebuilt version must keep (computed once per article)."""
        return _block_shape(self.text)


@dataclass(frozen=True)
class Refusal:
    """A translation that could not be placed without changing the article's structure."""

    msgid: str
    reason: str


@dataclass
class Rendered:
    text: str
    refused: list[Refusal] = field(default_factory=list)


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    """Block structure only: the inline rules cost more than half of the parse and segments need
    none of them (inline Markdown stays in the msgid). `_hard_breaks` parses inline on demand."""
    return MarkdownIt("commonmark").enable("table").use(front_matter_plugin).disable("inline")


@lru_cache(maxsize=1)
def _inline_parser() -> MarkdownIt:
    return MarkdownIt("commonmark")


def split_lines(text: str) -> list[tuple[str, str]]:
    """Split like markdown-it counts lines (\\r\\n, \\r and \\n end a line), keeping each ending."""
    lines = [(m.group(1), m.group(2)) for m in _LINE_RE.finditer(text)]
    if lines and lines[-1] == ("", ""):
        lines.pop()
    return lines


def _normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------


def parse_article(text: str, path: str, front_matter_keys: tuple[str, ...] = ("title", "description")) -> Article:
    """Parse an article and locate every translatable segment.

    Front matter is optional: YAML between `---` lines, or TOML between `+++` lines (Hugo).
    Raises TransflowError for an empty article or front matter that does not parse.
    """
    if not text.strip():
        raise TransflowError("empty article", path, 1)
    _refuse_what_is_not_an_article(text, path)
    lines = split_lines(text)
    toml_end = _toml_front_matter_end(lines)
    stretches = _block_tokens(_normalise(_without_toml_front_matter(text, lines, toml_end)))
    if toml_end is not None:
        return _toml_article(path, lines, toml_end, [token for part in stretches for token in part], front_matter_keys)
    tokens = next(stretches)
    if not tokens or tokens[0].type != "front_matter":
        if _unclosed_front_matter(lines):
            raise TransflowError("the front matter is never closed: end it with a '---' line", path, 1)
        front_matter: dict[str, Any] = {}
        segments = _body_segments(tokens, lines)
        lang_span = None
        front_matter_format = None
    else:
        front = tokens[0]
        front_matter = _load_front_matter(front, path)
        segments = _front_matter_segments(front, lines, front_matter, front_matter_keys)
        lang_span = _front_matter_value_span(front, lines, "lang") if "lang" in front_matter else None
        segments.extend(_body_segments(tokens[1:], lines))
        front_matter_format = "yaml"
    del tokens
    for tokens in stretches:
        segments.extend(_body_segments(tokens, lines))
    return Article(path, lines, front_matter, segments, lang_span, front_matter_format)


def parse_front_matter(text: str, path: str) -> dict[str, Any]:
    """The article's front matter, with every error `parse_article` would raise, for a fraction of
    its work: naming all the articles of a project must not need all of them parsed at once.

    Only the text up to the first heading after a blank line is parsed. Front matter found there is
    the one the whole text has (its closing line is the first one the plugin meets either way);
    without one there, the text is parsed as far as `parse_article` parses it first.
    """
    if not text.strip():
        raise TransflowError("empty article", path, 1)
    _refuse_what_is_not_an_article(text, path)
    if text.startswith("+"):
        lines = split_lines(text)
        toml_end = _toml_front_matter_end(lines)
        if toml_end is not None:
            return _toml_data(path, lines, toml_end)
    if not text.startswith("-"):
        return {}  # the front matter plugin only starts at a leading '-'
    normalised = _normalise(text)
    tokens = _parser().parse(normalised[: _stretch_end(normalised, 0)])
    if not tokens or tokens[0].type != "front_matter":
        tokens = next(_block_tokens(normalised))
    if not tokens or tokens[0].type != "front_matter":
        if _unclosed_front_matter(split_lines(text)):
            raise TransflowError("the front matter is never closed: end it with a '---' line", path, 1)
        return {}
    return _load_front_matter(tokens[0], path)


def _unclosed_front_matter(lines: list[tuple[str, str]]) -> bool:
    """A `---` line, then a `key: value` line, and no closing `---`: front matter left open (an
    article without front matter would start with a thematic break followed by such a line)."""
    return (
        len(lines) > 1
        and lines[0][0].rstrip() == "---"
        and bool(_FRONT_MATTER_KEY.match(lines[1][0]))
        and all(content.rstrip() != "---" for content, _ending in lines[1:])
    )


def _without_toml_front_matter(text: str, lines: list[tuple[str, str]], end: int | None) -> str:
    """TOML front matter blanked out (line numbers kept), so that it is not read as Markdown."""
    if end is None:
        return text
    return "\n" * (end + 1) + "".join(content + ending for content, ending in lines[end + 1 :])


def _parse_blocks(text: str) -> list[Token]:
    """The block tokens of a whole text (one that is not an article's: a translation, say)."""
    lines = split_lines(text)
    return _parser().parse(_normalise(_without_toml_front_matter(text, lines, _toml_front_matter_end(lines))))


_CONFLICT_MARKER = re.compile(r"^(?:<{7}|>{7}|\|{7})(?: |$)", re.MULTILINE)


def _refuse_what_is_not_an_article(text: str, path: str) -> None:
    """Text the Markdown parser would take for content, silently misread: refused with its line."""
    if text.startswith("\ufeff"):
        raise TransflowError("the file starts with a byte order mark (BOM): save it as UTF-8 without BOM", path, 1)
    if "\0" in text:
        line = text.count("\n", 0, text.index("\0")) + 1
        raise TransflowError("a NUL byte: this is not a text file, or it is damaged", path, line)
    conflict = _CONFLICT_MARKER.search(text)
    if conflict:
        line = text.count("\n", 0, conflict.start()) + 1
        raise TransflowError("a git conflict marker: resolve the merge conflict first", path, line)


# Markdown is parsed this many characters at a time (up to the next safe place): the tokens of a
# whole 20 MB article would take over a gigabyte, those of a stretch a few megabytes.
_STRETCH = 1 << 18
# Blocks that may run over a blank line and a line starting with '#' (anything else ends there).
_SPANNING = ("front_matter", "fence", "html_block", "code_block")


def _block_tokens(text: str) -> Iterator[list[Token]]:
    """The block tokens of ``text``, one stretch of it at a time, with lines numbered in ``text``.

    A stretch ends before a line starting with '#' after a blank line, which starts a new
    top-level block in CommonMark (a blank line ends paragraphs, tables, quotes and the list item
    the '#' is not indented into), unless a fence, HTML block or the front matter is still open:
    then the stretch is parsed again up to the next such place. So every stretch parses as it
    does within the whole text.
    """
    parser = _parser()
    start = line = 0
    while True:
        end = _stretch_end(text, start + _STRETCH)
        while True:
            stretch = text[start:end]
            tokens = parser.parse(stretch)
            count = stretch.count("\n")
            if end == len(text) or not any(
                token.level == 0 and token.type in _SPANNING and token.map and token.map[1] >= count - 1
                for token in tokens[-3:]
            ):
                break
            end = _stretch_end(text, end)
        if line:
            for token in tokens:
                if token.map:
                    token.map = [token.map[0] + line, token.map[1] + line]
        yield tokens
        if end == len(text):
            return
        start, line = end, line + count


def _stretch_end(text: str, at: int) -> int:
    found = text.find("\n\n#", at)
    return len(text) if found < 0 else found + 2


def _load_yaml(text: str) -> object:
    return yaml.load(text, Loader=_YAML_LOADER)


def _lines(token: Token) -> tuple[int, int]:
    """The source lines of a block token; markdown-it sets them on every block token we segment."""
    assert token.map is not None, token.type
    return token.map[0], token.map[1]


def _load_front_matter(token: Token, path: str) -> dict[str, Any]:
    try:
        data = _load_yaml(token.content) if token.content.strip() else {}
    except yaml.YAMLError:
        data = _explain_yaml_error(token.content, path)
    if isinstance(data, (str, int, float)):
        return {}  # `---`, a line of text, `---`: front matter without keys, as generators read it
    if not isinstance(data, dict):
        raise TransflowError("front matter must be a YAML mapping (key: value)", path, 2)
    return data


def _explain_yaml_error(content: str, path: str) -> dict[str, Any]:
    """libyaml points at where it gave up; the pure-Python loader points at the culprit."""
    try:
        yaml.safe_load(content)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = (mark.line + 2) if mark is not None else 1
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise TransflowError(f"invalid front matter YAML: {problem}", path, line) from None
    raise TransflowError("invalid front matter YAML", path, 2)


def _front_matter_value_span(token: Token, lines: list[tuple[str, str]], key: str) -> Span | None:
    """The span of a one-line scalar value of a top-level key, or None if it is not on one line."""
    start, end = _lines(token)
    for index in range(start + 1, end - 1):
        content = lines[index][0]
        match = _FRONT_MATTER_KEY.match(content)
        if not match or match.group(1) != key:
            continue
        value = content[match.end() :].rstrip(" \t")
        following = lines[index + 1][0] if index + 1 < end - 1 else ""
        continues = following[:1] in (" ", "\t") and following.strip() != ""
        if not value or value[0] in "|>&*!{[" or continues:
            return None
        return Span(index, match.end(), match.end() + len(value))
    return None


def _front_matter_segments(
    token: Token, lines: list[tuple[str, str]], data: dict[str, Any], keys: tuple[str, ...]
) -> list[Segment]:
    """A segment per translatable value of `keys`: a text (on one line or several), or each text
    item of a list (tags, say)."""
    wanted = [key for key in keys if isinstance(data.get(key), (str, list))]
    if not wanted:
        return []
    segments = []
    first_line = _lines(token)[0] + 1  # the line after the opening fence
    for key, node in _front_matter_nodes(token.content, wanted):
        if isinstance(node, yaml.ScalarNode) and node.start_mark.line != node.end_mark.line:
            value = data.get(key)
            multiline = _multiline_value_segment(*_lines(token), lines, key, value) if isinstance(value, str) else None
            if multiline is not None and _HAS_LETTER.search(multiline.msgid):
                segments.append(multiline)
            continue
        items = node.value if isinstance(node, yaml.SequenceNode) else [node]
        for item in items:
            if not isinstance(item, yaml.ScalarNode) or item.start_mark.line != item.end_mark.line:
                continue
            line = first_line + item.start_mark.line
            span = Span(line, item.start_mark.column, item.end_mark.column)
            value = _yaml_scalar(lines[line][0][span.start : span.end])
            if not isinstance(value, str) or not _HAS_LETTER.search(value):
                continue
            in_collection = isinstance(node, yaml.SequenceNode) and node.flow_style is True
            segments.append(Segment(value, f"front matter: {key}", line + 1, (span,), False, key, in_collection))
    return segments


def _front_matter_nodes(content: str, keys: list[str]) -> list[tuple[str, yaml.Node]]:
    """The value nodes of `keys` at the top of the front matter, in the order of `keys`."""
    root = yaml.compose(content, Loader=_YAML_LOADER)
    if not isinstance(root, yaml.MappingNode):
        return []
    values = {key.value: value for key, value in root.value if isinstance(key, yaml.ScalarNode)}
    return [(key, values[key]) for key in keys if key in values]


def _toml_front_matter_end(lines: list[tuple[str, str]]) -> int | None:
    """The index of the closing `+++` line of TOML front matter, or None without one."""
    if not lines or lines[0][0].rstrip(" \t") != "+++":
        return None
    for index in range(1, len(lines)):
        if lines[index][0].rstrip(" \t") == "+++":
            return index
    return None


_TOML_STRING_KEY = re.compile(r"""^([A-Za-z_][\w-]*)[ \t]*=[ \t]*("(?:[^"\\]|\\.)*"|'[^']*')[ \t]*(?:#.*)?$""")


def _toml_article(
    path: str, lines: list[tuple[str, str]], end: int, tokens: list[Token], keys: tuple[str, ...]
) -> Article:
    data = _toml_data(path, lines, end)
    spans: dict[str, Span] = {}
    for index in range(1, end):
        content = lines[index][0]
        if content.lstrip().startswith("["):
            break  # keys after a [table] header belong to that table
        match = _TOML_STRING_KEY.match(content)
        if match and tomllib.loads(f"v = {match.group(2)}")["v"] == data.get(match.group(1)):
            spans[match.group(1)] = Span(index, match.start(2), match.end(2))
    segments = [
        Segment(data[key], f"front matter: {key}", spans[key].line + 1, (spans[key],), False, key)
        for key in keys
        if key in spans and _HAS_LETTER.search(data[key])
    ]
    segments.extend(_body_segments(tokens, lines))
    return Article(path, lines, data, segments, spans.get("lang"), "toml")


def _toml_data(path: str, lines: list[tuple[str, str]], end: int) -> dict[str, Any]:
    raw = "".join(content + "\n" for content, _ending in lines[1:end])
    try:
        data: dict[str, Any] = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise TransflowError(f"invalid front matter TOML: {exc}", path, 2) from None
    return data


def _toml_value(original: str, translation: str) -> str:
    """A literal string stays literal when it can; anything else becomes a basic string."""
    if original.startswith("'") and "'" not in translation and "\n" not in translation:
        return f"'{translation}'"
    return json.dumps(translation, ensure_ascii=False)


def _multiline_value_segment(
    start: int, end: int, lines: list[tuple[str, str]], key: str, value: str
) -> Segment | None:
    """A top-level value over several lines (a `>-` or `|` block scalar, a wrapped plain scalar).

    Its spans are the rest of the key's line and every continuation line; the msgid is the value
    without the line breaks a block scalar's chomping adds at its end.
    """
    for index in range(start + 1, end - 1):
        match = _FRONT_MATTER_KEY.match(lines[index][0])
        if not match or match.group(1) != key:
            continue
        last = index
        for following in range(index + 1, end - 1):
            content = lines[following][0]
            if content.strip() and content[:1] not in (" ", "\t"):
                break
            if content.strip():
                last = following
        snippet = "".join(content + "\n" for content, _ending in lines[index : last + 1])
        if last == index or _yaml_scalar(snippet) != {key: value}:
            return None
        spans: tuple[Span, ...] = (Span(index, match.end(), len(lines[index][0])),)
        spans += tuple(Span(number, 0, len(lines[number][0])) for number in range(index + 1, last + 1))
        return Segment(value.rstrip("\n"), f"front matter: {key}", index + 1, spans, False, key)
    return None


def _yaml_multiline_value(lines: list[tuple[str, str]], segment: Segment, translation: str) -> list[str]:
    """The key's lines with the translation, in the author's block style when YAML reads it back."""
    first = segment.spans[0]
    key_part = lines[first.line][0][: first.start]
    header = lines[first.line][0][first.start :].strip()
    body = [lines[s.line][0] for s in segment.spans[1:]]
    indent = next((line[: len(line) - len(line.lstrip())] for line in body if line.strip()), "  ")
    original = _yaml_scalar("".join(line[0] + "\n" for line in lines[first.line : segment.spans[-1].line + 1]))
    value = next(iter(original.values())) if isinstance(original, dict) else ""
    wanted = translation + value[len(value.rstrip("\n")) :]
    ending = lines[first.line][1] or "\n"
    candidates = []
    if header[:1] in (">", "|") and (header[0] == "|" or "\n" not in translation):
        candidates.append([key_part + header] + [indent + part for part in translation.split("\n")])
    candidates.append([key_part + _yaml_value(header, wanted)])
    for candidate in candidates:
        if _yaml_scalar("".join(line + "\n" for line in candidate)) == {segment.front_matter_key: wanted}:
            return [line + ending for line in candidate]
    return [key_part + json.dumps(wanted, ensure_ascii=False) + ending]


def _yaml_scalar(raw: str) -> object:
    try:
        return _load_yaml(raw)
    except yaml.YAMLError:
        return None


def _body_segments(tokens: list[Token], lines: list[tuple[str, str]]) -> list[Segment]:
    segments: list[Segment] = []
    containers: list[str] = []
    heading: Token | None = None
    row_cells: list[Token] = []
    row: Token | None = None
    header_row = False
    for token in tokens:
        kind = token.type
        if kind in ("blockquote_open", "list_item_open"):
            containers.append(kind)
        elif kind in ("blockquote_close", "list_item_close"):
            containers.pop()
        elif kind == "heading_open":
            heading = token
        elif kind == "heading_close":
            heading = None
        elif kind == "thead_open":
            header_row = True
        elif kind == "thead_close":
            header_row = False
        elif kind == "tr_open":
            row, row_cells = token, []
        elif kind == "tr_close" and row is not None:
            segments.extend(_table_row_segments(row, row_cells, lines, header_row))
            row = None
        elif kind == "inline":
            if row is not None:
                row_cells.append(token)
            elif heading is not None:
                segment = _heading_segment(heading, token, lines)
                if segment:
                    segments.append(segment)
            else:
                segment = _flow_segment(token, lines, _container_kind(containers))
                if segment:
                    segments.append(segment)
    return segments


def _container_kind(containers: list[str]) -> str:
    if not containers:
        return "paragraph"
    return "list item" if containers[-1] == "list_item_open" else "blockquote"


def _heading_segment(heading: Token, inline: Token, lines: list[tuple[str, str]]) -> Segment | None:
    level = int(heading.tag[1])
    if heading.markup in ("=", "-"):
        return _flow_segment(inline, lines, f"heading {level}")
    content = inline.content
    if not _HAS_LETTER.search(content):
        return None
    index = _lines(inline)[0]
    text = lines[index][0]
    hashes = text.find("#")
    while hashes < len(text) and text[hashes] == "#":
        hashes += 1
    start = text.find(content, hashes)
    if start < 0:
        return None
    return Segment(content, f"heading {level}", index + 1, (Span(index, start, start + len(content)),), False)


# A GitHub alert's first line: `> [!NOTE]`, `> [!WARNING]`...
_ALERT = re.compile(r"^\[![A-Za-z]+\][ \t]*$")


def _flow_segment(inline: Token, lines: list[tuple[str, str]], kind: str) -> Segment | None:
    """A paragraph-like block: locate each content line right-anchored in its source line.

    The container prefix (`> `, list markers, indentation) is on the left of a line and the content
    runs to its end, so anchoring at the right end finds the content whatever the prefix was.
    """
    content_lines = inline.content.split("\n")
    first, last = _lines(inline)
    if len(content_lines) != last - first:
        return None
    if kind == "blockquote" and _ALERT.match(content_lines[0]):
        content_lines, first = content_lines[1:], first + 1  # the alert's marker line stays as it is
    if not _HAS_LETTER.search("\n".join(content_lines)):
        return None
    spans = []
    for offset, content_line in enumerate(content_lines):
        index = first + offset
        text = lines[index][0]
        wanted = content_line.strip(" \t")
        trimmed_end = len(text.rstrip(" \t"))
        start = trimmed_end - len(wanted)
        if start < 0 or text[start:trimmed_end] != wanted:
            return None
        spans.append(Span(index, start, trimmed_end))
    msgid = _join_flow_lines(lines, spans, "\n".join(content_lines))
    if msgid is None:
        return None
    return Segment(msgid, kind, first + 1, tuple(spans), True)


def _join_flow_lines(lines: list[tuple[str, str]], spans: list[Span], content: str) -> str | None:
    """Soft line breaks become single spaces; hard breaks become a visible backslash + newline.

    A line ending with two or more spaces or an odd number of backslashes is a hard break, unless
    it sits inside a code span, inline HTML or a link title: when there are such candidates, the
    inline parser counts the real ones, and if the counts differ, the block is kept line for line
    instead of being guessed at.
    """
    pieces = [lines[s.line][0][s.start : s.end] for s in spans]
    trailing = [lines[s.line][0][s.end :] for s in spans]
    candidates = []
    for index in range(len(spans) - 1):
        backslashes = len(pieces[index]) - len(pieces[index].rstrip("\\"))
        candidates.append(len(trailing[index]) >= 2 or backslashes % 2 == 1)
    if any(candidates) and sum(candidates) != _hard_breaks(content):
        return "\n".join(piece + tail for piece, tail in zip(pieces[:-1], trailing[:-1], strict=True)) + (
            "\n" + pieces[-1] if len(pieces) > 1 else pieces[-1]
        )
    out = [pieces[0]]
    for index, is_hard in enumerate(candidates):
        if is_hard:
            if not pieces[index].endswith("\\"):
                out.append("\\")
            out.append("\n")
        elif _OPEN_ANGLE.search(pieces[index]):
            out.append("\n")  # inside `<...>` a line break is not a space: `<a\nb>` is no autolink
        else:
            out.append(" ")
        out.append(pieces[index + 1])
    return "".join(out)


_OPEN_ANGLE = re.compile(r"<[^<>]*$")


def _hard_breaks(content: str) -> int:
    tokens = _inline_parser().parseInline(content)
    return sum(1 for child in tokens[0].children or () if child.type == "hardbreak")


def _split_row(text: str) -> list[tuple[int, int]]:
    """Column ranges of a table row's parts between unescaped pipes."""
    parts = []
    position = 0
    for match in re.finditer(r"\\.|\|", text):
        if match.group() == "|":
            parts.append((position, match.start()))
            position = match.end()
    parts.append((position, len(text)))
    return parts


def _table_row_segments(row: Token, cells: list[Token], lines: list[tuple[str, str]], header: bool) -> list[Segment]:
    """Match the row's pipe-separated parts with the parser's cells; give up on any doubt.

    The part before the first pipe is either a cell or just the container prefix (when the row
    starts with a pipe); both readings are tried against the parser's cell contents.
    """
    index = _lines(row)[0]
    text = lines[index][0]
    parts = _split_row(text)
    if len(parts) > 1 and not text[parts[-1][0] :].strip():
        parts.pop()
    expected = [cell.content for cell in cells]
    for candidate in (parts[1:], parts):
        located = _locate_cells(text, candidate, expected)
        if located is not None:
            break
    else:
        return []
    kind = "table header" if header else "table cell"
    segments = []
    for start, end in located:
        msgid = text[start:end]
        if _HAS_LETTER.search(msgid):
            segments.append(Segment(msgid, kind, index + 1, (Span(index, start, end),), False))
    return segments


def _locate_cells(text: str, parts: list[tuple[int, int]], expected: list[str]) -> list[tuple[int, int]] | None:
    located = []
    for position, content in enumerate(expected):
        if position >= len(parts):
            if content:
                return None
            continue
        start, end = parts[position]
        raw = text[start:end]
        stripped_end = start + len(raw.rstrip(" \t"))
        if position == 0 and start == 0:
            # The first part may still carry a container prefix: take only its right end.
            width = len(content) + content.count("|")
            cell_start = stripped_end - width
        else:
            cell_start = start + len(raw) - len(raw.lstrip(" \t"))
        if cell_start < start or text[cell_start:stripped_end].replace("\\|", "|") != content:
            return None
        if content:
            located.append((cell_start, stripped_end))
    return located


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------


def render_article(article: Article, translations: Mapping[str, str], lang: str | None = None) -> Rendered:
    """Rebuild the article with translated segments; everything else is copied byte for byte.

    ``translations`` maps msgid to an approved msgstr; segments without one keep the source text.
    ``lang`` replaces the front matter's ``lang`` value when there is one.
    """
    refused: list[Refusal] = []
    chosen: dict[int, str] = {}
    for number, segment in enumerate(article.segments):
        translation = translations.get(segment.msgid)
        if not translation or translation == segment.msgid:
            continue
        prepared = _prepare(segment, translation)
        if isinstance(prepared, Refusal):
            refused.append(prepared)
        else:
            chosen[number] = prepared
    if not any(_needs_verification(article, article.segments[n], t) for n, t in chosen.items()):
        return Rendered(_assemble(article, chosen, lang), refused)
    unwrapped: set[int] = set()  # wrapped blocks whose rewrapped translation broke it: one line each
    while True:
        text = _assemble(article, chosen, lang, unwrapped)
        if not chosen or _block_shape(text) == article.shape:
            return Rendered(text, refused)
        culprit = _find_culprit(article, chosen, lang, article.shape, unwrapped)
        if culprit not in unwrapped and len(article.segments[culprit].spans) > 1 and article.segments[culprit].flow:
            unwrapped.add(culprit)  # where the lines break can make a table or a heading: try without breaks
            continue
        refused.append(
            Refusal(
                article.segments[culprit].msgid,
                "the translation would change the Markdown structure of its block",
            )
        )
        del chosen[culprit]


def _needs_verification(article: Article, segment: Segment, translation: str) -> bool:
    """Whether a placed translation could change the block structure at all.

    Blocks only start at the beginning of a line, and every line a translation begins is either
    escaped or glued to the one before when it looks like a block start (`BLOCK_START`); headings,
    table cells and front matter values stay on their line, with pipes and closing hashes
    escaped. What that cannot rule out is verified by parsing the rebuilt article: a pipe in a
    paragraph (its lines could turn into a table), a translation that is blank once trimmed, and
    a translation left to start like its source does (see `_source_marker`).
    """
    if not segment.flow:
        return False
    return "|" in translation or not translation.strip() or _source_marker(article.lines, segment) is not None


def _source_marker(lines: list[tuple[str, str]], segment: Segment) -> str | None:
    """What the source block starts with that looks like a block start but was not one.

    A paragraph may start with an autolink or inline HTML (`<`), a code span of three backticks
    or a footnote definition (`[^1]:`). A translation starting with the same is left unescaped,
    since escaping would break that markup; the rebuilt article is parsed to make sure it stayed
    a paragraph.
    """
    first = segment.spans[0]
    match = BLOCK_START.match(lines[first.line][0][first.start : first.end])
    return match.group() if match else None


def _find_culprit(
    article: Article, chosen: dict[int, str], lang: str | None, source_shape: list[BlockShape], unwrapped: set[int]
) -> int:
    """Bisect the translated segments for the first one that alone breaks the structure."""
    numbers = sorted(chosen)
    low, high = 0, len(numbers)
    # Invariant: applying numbers[:high] breaks the structure, numbers[:low] does not.
    while high - low > 1:
        middle = (low + high) // 2
        subset = {n: chosen[n] for n in numbers[:middle]}
        if _block_shape(_assemble(article, subset, lang, unwrapped)) == source_shape:
            low = middle
        else:
            high = middle
    return numbers[high - 1]


def _block_shape(text: str) -> list[BlockShape]:
    """Blocks, and whether each inline run has content (a table cell must not become empty)."""
    return [
        ("inline", not t.content)
        if t.type == "inline"
        else (t.type, t.tag, t.nesting, t.level, t.markup, t.info, t.hidden)
        for t in _parse_blocks(text)
    ]


def _prepare(segment: Segment, translation: str) -> str | Refusal:
    """Make a translation safe for its place, or refuse it with the reason."""
    if segment.front_matter_key is not None:
        return translation
    if segment.flow:
        return translation
    single = " ".join(part.strip() for part in translation.splitlines() if part.strip())
    if segment.kind.startswith("table"):
        single = _escape_pipes(single)
        if (len(single) - len(single.rstrip("\\"))) % 2:
            single += "\\"  # a lone trailing backslash would escape the cell's closing pipe
    elif re.search(r"(?:^|[ \t])#+[ \t]*$", single):
        # A trailing run of '#' would be read as the heading's closing sequence.
        single = re.sub(r"(#+)([ \t]*)$", r"\\\1\2", single)
    if not single:
        return Refusal(segment.msgid, "the translation is empty after removing line breaks")
    return single


def _escape_pipes(text: str) -> str:
    return re.sub(r"(?<!\\)((?:\\\\)*)\|", r"\1\\|", text)


def _escape_block_start(text: str, kept: str | None = None) -> str:
    """Backslash-escape what would open another block at the start of a line (unless it starts with `kept`)."""
    stripped = text.lstrip(" \t")
    match = BLOCK_START.match(stripped)
    if not match or match.group() == kept:
        return stripped
    numbered = re.match(r"(\d{1,9})([.)])", stripped)
    if numbered:
        return numbered.group(1) + "\\" + stripped[numbered.end(1) :]
    return "\\" + stripped


def _assemble(
    article: Article, chosen: Mapping[int, str], lang: str | None, unwrapped: set[int] | frozenset[int] = frozenset()
) -> str:
    replaced: dict[int, list[str]] = {}
    inline_edits: dict[int, list[tuple[int, int, str]]] = {}
    lines = article.lines
    for number, translation in chosen.items():
        segment = article.segments[number]
        if segment.flow or len(segment.spans) > 1:
            for span in segment.spans:
                replaced[span.line] = []
            if segment.flow:
                replaced[segment.spans[0].line] = _flow_lines(lines, segment, translation, number not in unwrapped)
            else:
                replaced[segment.spans[0].line] = _yaml_multiline_value(lines, segment, translation)
        else:
            span = segment.spans[0]
            value = translation
            if segment.front_matter_key is not None:
                original = lines[span.line][0][span.start : span.end]
                if article.front_matter_format == "toml":
                    value = _toml_value(original, translation)
                else:
                    value = _yaml_value(original, translation, segment.in_flow_collection)
            inline_edits.setdefault(span.line, []).append((span.start, span.end, value))
    if lang is not None and article.lang_span is not None:
        span = article.lang_span
        value = json.dumps(lang) if article.front_matter_format == "toml" else lang
        inline_edits.setdefault(span.line, []).append((span.start, span.end, value))
    out: list[str] = []
    for index, (content, ending) in enumerate(lines):
        if index in replaced:
            out.extend(replaced[index])
            continue
        for start, end, value in sorted(inline_edits.get(index, ()), reverse=True):
            content = content[:start] + value + content[end:]
        out.append(content + ending)
    return "".join(out)


def _yaml_value(original: str, translation: str, in_flow_collection: bool = False) -> str:
    """Write the value in the quoting style the author used, as long as YAML reads it back (inside a
    `[a, b]` list a plain value must not hold what ends an item)."""
    if original.startswith("'"):
        candidate = "'" + translation.replace("'", "''") + "'"
    elif original.startswith('"'):
        candidate = json.dumps(translation, ensure_ascii=False)
    else:
        candidate = translation
    ends_item = in_flow_collection and candidate == translation and any(char in translation for char in ",[]{}")
    if _yaml_scalar(candidate) == translation and "\n" not in candidate and not ends_item:
        return candidate
    return json.dumps(translation, ensure_ascii=False)


def _flow_lines(lines: list[tuple[str, str]], segment: Segment, translation: str, rewrap: bool = True) -> list[str]:
    """Lay a translation out over the block's lines, each with its source line's prefix.

    A single-line block stays on one line; a wrapped block is rewrapped at its own width, breaking
    only where the next line cannot be read as the start of another block (with `rewrap` False it
    goes on one line: the fallback when the rewrapped lines would read as a table or a heading).
    """
    spans = segment.spans
    prefixes = [lines[s.line][0][: s.start] for s in spans]
    continuation = prefixes[1] if len(prefixes) > 1 else _continuation_prefix(prefixes[0])
    width = max(len(lines[s.line][0]) for s in spans) if len(spans) > 1 and rewrap else 0
    pieces: list[str] = []
    for part in translation.split("\n"):
        part = part.strip(" \t")
        pieces.extend(_wrap(part, width, len(prefixes[0])) if width else [part])
    pieces = _join_unsafe_lines([p for p in pieces if p] or [""])
    pieces[0] = _escape_block_start(pieces[0], _source_marker(lines, segment))
    last = spans[-1]
    tail = lines[last.line][0][last.end :]
    endings = [lines[s.line][1] or "\n" for s in spans]
    out = []
    for number, piece in enumerate(pieces):
        prefix = prefixes[number] if number < len(prefixes) else continuation
        is_last = number == len(pieces) - 1
        ending = lines[last.line][1] if is_last else endings[min(number, len(endings) - 1)]
        out.append(prefix + piece + (tail if is_last else "") + ending)
    return out


def _continuation_prefix(prefix: str) -> str:
    """Blockquote markers stay; list markers become the indentation their content needs."""
    return "".join(char if char in "> \t" else " " for char in prefix)


def _join_unsafe_lines(pieces: list[str]) -> list[str]:
    """A continuation line that would open another block is glued back to the line before."""
    out = [pieces[0]]
    for piece in pieces[1:]:
        if BLOCK_START.match(piece) and not out[-1].endswith("\\"):
            out[-1] = f"{out[-1]} {piece}"
        elif BLOCK_START.match(piece):
            out.append(_escape_block_start(piece))
        else:
            out.append(piece)
    return out


def _wrap(text: str, width: int, first_indent: int) -> list[str]:
    """Greedy wrap at spaces outside code spans, never before a block-start-like word.

    Each line ends at the last break within the width whose next word cannot start a block, or,
    when there is none, at the first such break beyond it; only those breaks are looked at.
    """
    breaks = _break_points(text)
    space_starts = [space_start for space_start, _space_end in breaks]
    limit = max(width - first_indent, 20)

    def allowed(number: int) -> bool:
        return not _BLOCK_START_AT.match(text, breaks[number][1])

    lines: list[str] = []
    start = first = 0  # the line's start, and the first break after it
    while True:
        within = bisect.bisect_right(space_starts, start + limit, first)
        cut = next((number for number in range(within - 1, first - 1, -1) if allowed(number)), None)
        if cut is None:
            cut = next((number for number in range(within, len(breaks)) if allowed(number)), None)
        elif within == len(breaks) and len(text) - start <= limit:
            cut = None  # the rest fits
        if cut is None:
            break
        lines.append(text[start : breaks[cut][0]])
        start, first = breaks[cut][1], cut + 1
    lines.append(text[start:])
    return lines


_PROTECTED = re.compile(r"(`+)(?:.*?[^`])?\1(?!`)|<[^<>\n]*>")
_SPACES = re.compile(r" +")


def _break_points(text: str) -> list[tuple[int, int]]:
    """Runs of spaces where a line may break: not inside code spans, autolinks or HTML tags.

    One pass over both: the protected stretches do not overlap and come in order, as the spaces do.
    """
    points = [match.span() for match in _SPACES.finditer(text)]
    if points and points[0][0] == 0:
        del points[0]
    if points and points[-1][1] == len(text):
        del points[-1]
    if "`" not in text and "<" not in text and "\\" not in text:
        return points
    protected = [match.span() for match in _PROTECTED.finditer(text)]
    inside = 0  # the last protected stretch starting before the current space, if any
    kept = []
    for space_start, space_end in points:
        while inside + 1 < len(protected) and protected[inside + 1][0] < space_start:
            inside += 1
        if protected and protected[inside][0] < space_start < protected[inside][1]:
            continue
        backslash = space_start
        while backslash and text[backslash - 1] == "\\":
            backslash -= 1
        if (space_start - backslash) % 2:
            continue  # a backslash at the end of a line would become a hard break
        kept.append((space_start, space_end))
    return kept
