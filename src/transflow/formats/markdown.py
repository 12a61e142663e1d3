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

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

from transflow.errors import TransflowError

# libyaml's loader when PyYAML was built with it: the same results, several times faster.
# One block token as compared before and after a translation: its type and attributes, or an inline run.
BlockShape = tuple[object, ...]
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# One physical line: its text without the line ending, and the ending itself ("\n", "\r\n", "\r", "").
_LINE_RE = re.compile(r"([^\r\n]*)(\r\n|\r|\n|$)")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_FRONT_MATTER_KEY = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]+|$)")

# A line that would open a different block if it started a paragraph line (conservative on purpose).
# Public: the QA checks use it to flag translations that would change their block.
BLOCK_START = re.compile(
    r"""^(?:
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
    )""",
    re.VERBOSE,
)


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

    Raises TransflowError for an empty article, missing front matter or invalid front matter YAML.
    """
    if not text.strip():
        raise TransflowError("empty article", path, 1)
    _refuse_what_is_not_an_article(text, path)
    lines = split_lines(text)
    stretches = _block_tokens(_normalise(text))
    tokens = next(stretches)
    if not tokens or tokens[0].type != "front_matter":
        if lines[0][0].rstrip() == "---":
            raise TransflowError("the front matter is never closed: end it with a '---' line", path, 1)
        raise TransflowError("no front matter: an article starts with a '---' YAML block", path, 1)
    front = tokens[0]
    front_matter = _load_front_matter(front, path)
    segments = _front_matter_segments(front, lines, front_matter, front_matter_keys)
    lang_span = _front_matter_value_span(front, lines, "lang") if "lang" in front_matter else None
    segments.extend(_body_segments(tokens[1:], lines))
    del tokens
    for tokens in stretches:
        segments.extend(_body_segments(tokens, lines))
    return Article(path, lines, front_matter, segments, lang_span)


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
    """A segment per translatable value of `keys`: a text, or each text item of a list (tags, say).

    Only values written on one line are segments; a multi-line value is left as it is.
    """
    wanted = [key for key in keys if isinstance(data.get(key), (str, list))]
    if not wanted:
        return []
    segments = []
    first_line = _lines(token)[0] + 1  # the line after the opening fence
    for key, node in _front_matter_nodes(token.content, wanted):
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


def _flow_segment(inline: Token, lines: list[tuple[str, str]], kind: str) -> Segment | None:
    """A paragraph-like block: locate each content line right-anchored in its source line.

    The container prefix (`> `, list markers, indentation) is on the left of a line and the content
    runs to its end, so anchoring at the right end finds the content whatever the prefix was.
    """
    content_lines = inline.content.split("\n")
    first, last = _lines(inline)
    if len(content_lines) != last - first or not _HAS_LETTER.search(inline.content):
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
    msgid = _join_flow_lines(lines, spans, inline.content)
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
        else:
            out.append(" ")
        out.append(pieces[index + 1])
    return "".join(out)


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
    if not any(_needs_verification(article.segments[n], t) for n, t in chosen.items()):
        return Rendered(_assemble(article, chosen, lang), refused)
    while True:
        text = _assemble(article, chosen, lang)
        if not chosen or _block_shape(text) == article.shape:
            return Rendered(text, refused)
        culprit = _find_culprit(article, chosen, lang, article.shape)
        refused.append(
            Refusal(
                article.segments[culprit].msgid,
                "the translation would change the Markdown structure of its block",
            )
        )
        del chosen[culprit]


def _needs_verification(segment: Segment, translation: str) -> bool:
    """Whether a placed translation could change the block structure at all.

    Blocks only start at the beginning of a line, and every line a translation begins is either
    escaped or glued to the one before when it looks like a block start (`BLOCK_START`); headings,
    table cells and front matter values stay on their line, with pipes and closing hashes
    escaped. What that cannot rule out is verified by parsing the rebuilt article: a pipe in a
    paragraph (its lines could turn into a table) and a translation that is blank once trimmed.
    """
    if not segment.flow:
        return False
    return "|" in translation or not translation.strip()


def _find_culprit(article: Article, chosen: dict[int, str], lang: str | None, source_shape: list[BlockShape]) -> int:
    """Bisect the translated segments for the first one that alone breaks the structure."""
    numbers = sorted(chosen)
    low, high = 0, len(numbers)
    # Invariant: applying numbers[:high] breaks the structure, numbers[:low] does not.
    while high - low > 1:
        middle = (low + high) // 2
        subset = {n: chosen[n] for n in numbers[:middle]}
        if _block_shape(_assemble(article, subset, lang)) == source_shape:
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
        for t in _parser().parse(_normalise(text))
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


def _escape_block_start(text: str) -> str:
    """Backslash-escape what would open another block at the start of a line."""
    stripped = text.lstrip(" \t")
    if not BLOCK_START.match(stripped):
        return stripped
    numbered = re.match(r"(\d{1,9})([.)])", stripped)
    if numbered:
        return numbered.group(1) + "\\" + stripped[numbered.end(1) :]
    return "\\" + stripped


def _assemble(article: Article, chosen: Mapping[int, str], lang: str | None) -> str:
    replaced: dict[int, list[str]] = {}
    inline_edits: dict[int, list[tuple[int, int, str]]] = {}
    lines = article.lines
    for number, translation in chosen.items():
        segment = article.segments[number]
        if segment.flow:
            for span in segment.spans:
                replaced[span.line] = []
            replaced[segment.spans[0].line] = _flow_lines(lines, segment, translation)
        else:
            span = segment.spans[0]
            value = translation
            if segment.front_matter_key is not None:
                value = _yaml_value(lines[span.line][0][span.start : span.end], translation, segment.in_flow_collection)
            inline_edits.setdefault(span.line, []).append((span.start, span.end, value))
    if lang is not None and article.lang_span is not None:
        span = article.lang_span
        inline_edits.setdefault(span.line, []).append((span.start, span.end, lang))
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


def _flow_lines(lines: list[tuple[str, str]], segment: Segment, translation: str) -> list[str]:
    """Lay a translation out over the block's lines, each with its source line's prefix.

    A single-line block stays on one line; a wrapped block is rewrapped at its own width, breaking
    only where the next line cannot be read as the start of another block.
    """
    spans = segment.spans
    prefixes = [lines[s.line][0][: s.start] for s in spans]
    continuation = prefixes[1] if len(prefixes) > 1 else _continuation_prefix(prefixes[0])
    width = max(len(lines[s.line][0]) for s in spans) if len(spans) > 1 else 0
    pieces: list[str] = []
    for part in translation.split("\n"):
        part = part.strip(" \t")
        pieces.extend(_wrap(part, width, len(prefixes[0])) if width else [part])
    pieces = _join_unsafe_lines([p for p in pieces if p] or [""])
    pieces[0] = _escape_block_start(pieces[0])
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
    """Greedy wrap at spaces outside code spans, never before a block-start-like word."""
    breaks = _break_points(text)
    lines: list[str] = []
    start = 0
    limit = max(width - first_indent, 20)
    candidate = None
    for space_start, space_end in breaks:
        if space_start - start > limit and candidate is not None:
            lines.append(text[start : candidate[0]])
            start = candidate[1]
            candidate = None
        if not BLOCK_START.match(text[space_end:]):
            candidate = (space_start, space_end)
    if len(text) - start > limit and candidate is not None:
        lines.append(text[start : candidate[0]])
        start = candidate[1]
    lines.append(text[start:])
    return lines


def _break_points(text: str) -> list[tuple[int, int]]:
    """Runs of spaces where a line may break: not inside code spans, autolinks or HTML tags."""
    protected = []
    for match in re.finditer(r"(`+)(?:.*?[^`])?\1(?!`)|<[^<>\n]*>", text):
        protected.append((match.start(), match.end()))
    points = []
    for match in re.finditer(r" +", text):
        if match.start() == 0 or match.end() == len(text):
            continue
        if any(a < match.start() < b for a, b in protected):
            continue
        before = text[: match.start()]
        if (len(before) - len(before.rstrip("\\"))) % 2:
            continue  # a backslash at the end of a line would become a hard break
        points.append((match.start(), match.end()))
    return points
