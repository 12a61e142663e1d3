"""PO/POT files: written byte for byte as GNU ``msgcat`` writes them, read with located errors.

Why our own writer: translators open our catalogs in Poedit or Lokalize and run ``msgmerge`` on
them, and these wrap strings the GNU way (gettext's ``write-po.c``, breaking lines where
libunistring's UAX #14 line breaking allows). polib wraps with ``textwrap`` instead, so each save by
one side would rewrap whole paragraphs on the other. ``format_po`` reproduces GNU gettext 0.21 with
libunistring 1.0 (Debian 12):

- Strings are cut after each newline (a string with an inner newline starts with ``msgid ""``),
  escaped (``\\\\ \\" \\a \\b \\f \\n \\r \\t \\v``), then broken greedily at the UAX #14
  opportunities of the *escaped* text, so that a line, quotes included, is at most ``width``
  columns; a longer word or URL stays whole. An escape sequence is never split, and a final ``\\n``
  never starts a line.
- Line-break classes are exact (Unicode 14) for U+0000-U+036F (Latin, accents, combining marks),
  U+2000-U+20CF (spaces, dashes, quotes, ellipsis, super/subscripts, currency) and U+2100-U+214F
  (letterlike symbols). The pair table and the rules for spaces, combining marks, zero-width space
  and joiners are libunistring 1.0's, checked against it on random text.
- Comments: ``# `` translator, ``#.`` extracted, ``#:`` references (``./`` stripped, line numbers
  as integers, duplicates dropped, joined and wrapped at ``width``), ``#,`` flags in GNU's order
  (fuzzy, format flags, range, wrap), ``#|`` previous msgctxt/msgid/msgid_plural. Obsolete entries
  (``#~``) come last, as in GNU and in polib.
- Left out as GNU does: the fuzzy flag of an untranslated entry; obsolete untranslated entries.
- An entry flagged ``no-wrap`` is not wrapped. ``width=0`` wraps no string but still wraps
  references at 79 columns, exactly like ``msgcat --no-wrap``.

Known differences from msgcat, none of which occurs in nl/en/de/fr prose:

- Outside the three ranges above a character's class is guessed from its general category
  (letters and symbols AL, wide characters ID, digits NU, marks CM, ...): right for Greek, Cyrillic
  and CJK ideographs; wrong for CJK and other rare punctuation, and Hebrew letters do not get their
  own rule (LB21a). Emoji sequences (joiners, skin tones, flag pairs) count as plain ideographs.
- In an entry with a ``*-format`` flag GNU does not break inside a format directive; we ignore
  directives, which matters only for one that contains a break opportunity, such as ``% d``.
- GNU drops the flags it does not know; we keep them, after the known ones: they mean something to
  other tools (``md-text`` to Weblate).
- The header fields keep the order of ``po.metadata`` (the file's order, as GNU keeps it), not the
  order that polib's own ``save()`` imposes.

Not round-trippable through polib: a BEL character (polib reads ``\\a`` back as two characters;
``parse_po`` reads every escape of GNU's, octal and hex included, and rejects the others as msgfmt
does), and U+2028, U+2029, U+0085 and the other characters that Python's
``splitlines`` splits on (GNU and we write them raw; polib and ``parse_po`` then split the string
line in two).
"""

from __future__ import annotations

import contextlib
import functools
import gc
import itertools
import re
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polib

from transflow.errors import TransflowError
from transflow.formats.fileio import atomic_write_text, read_text

# --- UAX #14 line breaking, as libunistring 1.0 does it -------------------------------------------

_COVERED = ((0x0000, 0x036F), (0x2000, 0x20CF), (0x2100, 0x214F))  # _EXPLICIT_CLASSES is exact here

# The characters of the covered ranges whose class is not the one _line_break_class() would guess
# (from LineBreak.txt, with AI resolved to AL as libunistring does for UTF-8): start[-end] class.
_EXPLICIT_CLASSES = """
0009 BA 000A-000D BK 0020 SP 0021 EX 0022 QU 0025 PO 0027 QU 0029 CP 002B PR 002C IS 002D HY
002E IS 002F SY 003A-003B IS 003F EX 005C PR 005D CP 007C BA 0085 BK 00A0 GL 00A1 OP 00A2 PO
00AD BA 00B0 PO 00B1 PR 00B4 BB 00BF OP 02C8 BB 02CC BB 02DF BB 034F GL 035C-0362 GL 2007 GL
200B ZW 200D ZWJ 2011 GL 2014 B2 2015 AL 2024-2026 IN 2027 BA 202F GL 2030-2037 PO 203C-203D NS
2044 IS 2047-2049 NS 2056 BA 2058-205B BA 205D-205E BA 2060 WJ 2061-2064 AL 20A7 PO 20B6 PO
20BB PO 20BE PO 20C0 PO 2103 PO 2109 PO 2116 PR
"""

_GUESSED_CLASSES = {
    "Mn": "CM",
    "Mc": "CM",
    "Me": "CM",
    "Cc": "CM",
    "Cf": "CM",
    "Nd": "NU",
    "Ps": "OP",
    "Pe": "CL",
    "Pi": "QU",
    "Pf": "QU",
    "Pd": "BA",
    "Zs": "BA",
    "Zl": "BK",
    "Zp": "BK",
    "Sc": "PR",
}

# libunistring's pair table (UAX #14, section 7.3) for the classes we produce, between the last
# character that is not a space (row) and the next one (column, in the same order as the rows):
# D = break, I = break only if there are spaces between them, P = no break.
_PAIR_ROWS = {
    "WJ": "PIIIIIPPPIIIIPIIIPII",
    "GL": "PIIIIIPPPIIIIPIIIPII",
    "B2": "PIPIDIPPPIIDIPDDDPDD",
    "BA": "PDDIDIPPPIIDIPDDDPDD",
    "BB": "PIIIIIPPPIIIIPIIIPII",
    "HY": "PDDIDIPPPIIDIPIDDPDD",
    "CL": "PIDIDIPPPIPDIPDIIPDD",
    "CP": "PIDIDIPPPIIDIPIIIPID",
    "EX": "PIDIDIPPPIIDIPDDDPDD",
    "IN": "PIDIDIPPPIIDIPDDDPDD",
    "NS": "PIDIDIPPPIIDIPDDDPDD",
    "OP": "PPPPPPPPPPPPPPPPPPPP",
    "QU": "PIIIIIPPPIIPIPIIIPII",
    "IS": "PIDIDIPPPIIDIPIDDPDD",
    "NU": "PIDIDIPPPIIIIPIIIPID",
    "PO": "PIDIDIPPPIIIIPIDDPID",
    "PR": "PIDIDIPPPIIIIPIDDPII",
    "SY": "PIDIDIPPPIIDIPIDDPDD",
    "AL": "PIDIDIPPPIIIIPIIIPID",
    "ID": "PIDIDIPPPIIDIPDIDPDD",
}
_PAIRS = {row: dict(zip(_PAIR_ROWS, rules, strict=True)) for row, rules in _PAIR_ROWS.items()}


def _load_classes() -> dict[str, str]:
    classes = {}
    for span, name in re.findall(r"(\S+) (\S+)", _EXPLICIT_CLASSES):
        first, _, last = span.partition("-")
        for code in range(int(first, 16), int(last or first, 16) + 1):
            classes[chr(code)] = name
    return classes


_CLASSES = _load_classes()
_WIDTHS: dict[str, int] = {}


def _line_break_class(char: str) -> str:
    """UAX #14 class of ``char`` (cached): exact in the covered ranges, guessed elsewhere."""
    name = _CLASSES.get(char)
    if name is None:
        name = _GUESSED_CLASSES.get(unicodedata.category(char))
        if name is None:
            name = "ID" if unicodedata.east_asian_width(char) in "WF" else "AL"
        _CLASSES[char] = name
    return name


def _char_width(char: str) -> int:
    """Columns of ``char`` as libunistring's uc_width counts them (control characters: none)."""
    width = _WIDTHS.get(char)
    if width is None:
        if unicodedata.category(char) in ("Cc", "Cf", "Mn", "Me"):
            width = 0
        else:
            width = 2 if unicodedata.east_asian_width(char) in "WF" else 1
        _WIDTHS[char] = width
    return width


def _unbroken_characters() -> str:
    """The one-column AL, NU and QU characters of the covered ranges: no two of these classes allow
    a break between them without a space."""
    return "".join(
        chr(code)
        for first, last in _COVERED
        for code in range(first, last + 1)
        if _line_break_class(chr(code)) in ("AL", "NU", "QU") and _char_width(chr(code)) == 1
    )


def _token_pattern() -> re.Pattern[str]:
    """Tokens whose first character is the only place where a break can be: a single character, a
    run of spaces, or a run of unbroken characters; each with the spaces that follow it."""
    return re.compile(f"([{re.escape(_unbroken_characters())}]+| +|.)( *)", re.DOTALL)


_TOKENS = _token_pattern()  # this also caches the class of every character of the covered ranges
_UNBROKEN = frozenset(_unbroken_characters())


def _simple_text_pattern() -> re.Pattern[str]:
    """Texts made of the space and of one-column characters of the covered ranges that take part
    in the pair table only (no mandatory breaks, marks, joiners or other spaces): for these,
    whether a break is allowed before a character depends only on the last character that is not a
    space and on whether spaces come between, which `_simple_opportunities` looks up per pair."""
    simple = "".join(
        chr(code)
        for first, last in _COVERED
        for code in range(first, last + 1)
        if _line_break_class(chr(code)) in _PAIRS and _char_width(chr(code)) == 1
    )
    return re.compile(f"[ {re.escape(simple)}]*")


_SIMPLE_TEXT = _simple_text_pattern()


def _line_starts(text: str, glued: set[int], width: int, column: int) -> list[int]:
    """Indices of ``text`` where GNU starts a new line (libunistring's u8_width_linebreaks).

    ``glued`` holds the indices before which no break is allowed, whatever UAX #14 says; ``column``
    is where the text starts and ``width`` the room, both relative to a continuation line.
    """
    starts = []
    candidate = None  # where the current piece began, if a break is allowed there
    piece = 0  # width of the current piece
    last = "BK"  # class of the last character that was not a space ("BK": start of the text)
    after_space = after_joiner = False
    for token in _TOKENS.finditer(text):
        index, end = token.span(1)
        char = text[index]
        name = _CLASSES.get(char) or _line_break_class(char)
        mandatory = allowed = False
        if name == "BK":
            mandatory = True
            last, after_space = "BK", False
        elif name == "SP":
            after_space = True
        elif name == "ZW":
            last, after_space = "ZW", False
        elif name in ("CM", "ZWJ"):
            # A mark belongs to the character before it, unless that is a space or a ZW.
            allowed = last == "ZW" or (after_space and last != "BK")
            if last == "BK" or allowed:
                last, after_space = "AL", False
        else:
            if last == "ZW":
                allowed = True
            elif last != "BK" and not after_joiner:
                rule = _PAIRS[last][name]
                allowed = rule == "D" or (rule == "I" and after_space)
            last, after_space = name, False
        if index in glued:
            allowed = mandatory = False
        if (allowed or mandatory) and candidate is not None and column + piece > width:
            starts.append(candidate)
            column = 0
        if mandatory:
            candidate, column, piece = None, 0, 0
        else:
            if allowed:
                candidate, column, piece = index, column + piece, 0
            if end - index == 1:
                piece += _char_width(char)
            else:
                piece += end - index
                if name != "SP":
                    last = _CLASSES[text[end - 1]]
        spaces = token.end() - end
        piece += spaces
        after_space = after_space or spaces > 0
        after_joiner = name == "ZWJ" and not spaces
    if candidate is not None and column + piece > width:
        starts.append(candidate)
    return starts


def _allowed_before(text: str, index: int, glued: set[int]) -> bool:
    """Whether UAX #14 allows a break before ``text[index]`` in a simple text."""
    char = text[index]
    if char == " " or index in glued:
        return False
    before = index - 1
    while before >= 0 and text[before] == " ":
        before -= 1
    if before < 0:
        return False  # only spaces before it: the start of the text
    rule = _PAIRS[_CLASSES[text[before]]][_CLASSES[char]]
    return rule == "D" or (rule == "I" and before < index - 1)


def _simple_line_starts(text: str, glued: set[int], width: int, column: int) -> list[int]:
    """What `_line_starts` finds for a simple text, looking only near the ends of lines.

    With one column per character and no mandatory breaks, its greedy choice is: a line ends at
    the last break opportunity that still fits, or, if none does, at the first one after the line's
    start. Only those need finding, which saves examining every word of a long paragraph.
    """
    starts = []
    line_start, length = 0, len(text)
    while length > (limit := line_start + width - column):
        found, index = None, min(limit, length - 1)
        while index > line_start:
            if text[index] in _UNBROKEN and text[index - 1] in _UNBROKEN:
                index -= 1  # within a word, as most characters are: no need to look the pair up
            elif _allowed_before(text, index, glued):
                found = index
                break
            else:
                index -= 1
        if found is None:
            beyond = range(max(limit, line_start) + 1, length)
            found = next((index for index in beyond if _allowed_before(text, index, glued)), None)
            if found is None:
                break
        starts.append(found)
        line_start, column = found, 0
    return starts


# --- Strings --------------------------------------------------------------------------------------

_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
}
_ESCAPABLE = re.compile("[" + re.escape("".join(_ESCAPES)) + "]")
_ESCAPE_SEQUENCE = re.compile(r"\\.")
_PORTION = re.compile(r"[^\n]*\n|[^\n]+")
_UNLIMITED = sys.maxsize // 2


@functools.lru_cache(maxsize=2048)
def _string_lines(prefix: str, keyword: str, value: str, width: int) -> tuple[str, ...]:
    """The lines of ``keyword "value"`` as GNU's wrap() writes them, each after ``prefix``.

    Cached: a template's msgids come back in the catalog of every language. An article's worth of
    strings is enough, as the stages go article by article; 16,384 cost 10 MiB of peak memory more
    for the same time.
    """
    lines = []
    room = (width or _UNLIMITED) - len(prefix) - 2  # the quotes take one column on either side
    portions = _PORTION.findall(value) or [""]
    for number, portion in enumerate(portions):
        text = _ESCAPABLE.sub(lambda match: _ESCAPES[match.group()], portion)
        starts = _breaks(text, portion, room, 0)
        if number == 0:
            # GNU first tries the text after the keyword; if it needs more than one line or more
            # portions follow, it writes 'keyword ""' and starts again at the margin. A break there
            # implies one after the keyword, so the second try is needed only when there is none.
            column = len(keyword) + 1
            if not text or (
                len(portions) == 1 and column <= room and not starts and not _breaks(text, portion, room, column)
            ):
                lines.append(f'{prefix}{keyword} "{text}"')
                continue
            lines.append(f'{prefix}{keyword} ""')
        bounds = [0, *starts, len(text)]
        lines.extend(f'{prefix}"{text[a:b]}"' for a, b in itertools.pairwise(bounds))
    return tuple(lines)


def _breaks(text: str, portion: str, room: int, column: int) -> list[int]:
    if len(text) * (1 if text.isascii() else 2) <= room - column:
        return []  # it fits: no character is wider than two columns
    glued = {match.start() + 1 for match in _ESCAPE_SEQUENCE.finditer(text)}
    if portion.endswith("\n"):
        glued.add(len(text) - 2)
    if _SIMPLE_TEXT.fullmatch(text):
        return _simple_line_starts(text, glued, room, column)
    return _line_starts(text, glued, room, column)


# --- Entries --------------------------------------------------------------------------------------

# The languages of GNU's format flags, in the order it writes them.
_FORMAT_LANGUAGES = (
    "c",
    "objc",
    "python",
    "python-brace",
    "java",
    "java-printf",
    "csharp",
    "javascript",
    "scheme",
    "lisp",
    "elisp",
    "librep",
    "ruby",
    "sh",
    "awk",
    "lua",
    "object-pascal",
    "smalltalk",
    "qt",
    "qt-plural",
    "kde",
    "kde-kuit",
    "boost",
    "tcl",
    "perl",
    "perl-brace",
    "php",
    "gcc-internal",
    "gfc-internal",
    "ycp",
)
_FLAG_RANKS = {
    "fuzzy": 0,
    **{
        f"{no}{language}-format": rank for rank, language in enumerate(_FORMAT_LANGUAGES, start=1) for no in ("", "no-")
    },
    "range:": len(_FORMAT_LANGUAGES) + 1,
    "wrap": len(_FORMAT_LANGUAGES) + 2,
    "no-wrap": len(_FORMAT_LANGUAGES) + 2,
}
_REFERENCES_WIDTH = 79  # msgcat --no-wrap still wraps references, at its default page width


def _flag_rank(flag: str) -> int:
    return _FLAG_RANKS.get(flag.partition(" ")[0], len(_FORMAT_LANGUAGES) + 3)


def _first_translation(entry: polib.POEntry) -> str:
    if entry.msgid_plural and entry.msgstr_plural:
        return str(entry.msgstr_plural[min(entry.msgstr_plural)])
    return str(entry.msgstr)


def _plural_forms(entry: polib.POEntry) -> dict[int, str]:
    """The msgstr[N] of a plural entry; one that has none gets the two empty forms xgettext writes."""
    return dict(entry.msgstr_plural) or {0: "", 1: ""}


def _comment_lines(marker: str, text: str) -> list[str]:
    return [f"{marker} {line}" if line else marker for line in text.split("\n")] if text else []


def _reference_lines(occurrences: list[tuple[str, str]], width: int) -> list[str]:
    refs = []
    for path, line in occurrences:
        number = str(line)
        refs.append((path, str(int(number)) if number.isdecimal() else number))
    lines = []
    current, column = "#:", 2
    for path, number in dict.fromkeys(refs):
        ref = re.sub(r"^(?:\./)+", "", path) + (f":{number}" if number else "")
        size = len(ref.encode("utf-8")) + 1  # GNU counts bytes here
        if column > 2 and column + size > width:
            lines.append(current)
            current, column = "#:", 2
        current += " " + ref
        column += size
    return [*lines, current] if refs else []


def _entry_lines(entry: polib.POEntry, width: int) -> list[str]:
    flags = []
    if entry.flags:
        translated = _first_translation(entry) != ""
        flags = sorted(
            (flag for flag in dict.fromkeys(entry.flags) if flag and (translated or flag != "fuzzy")),
            key=_flag_rank,
        )
    lines = [
        *_comment_lines("#", entry.tcomment),
        *_comment_lines("#.", entry.comment),
        *_reference_lines(entry.occurrences, width or _REFERENCES_WIDTH),
    ]
    if flags:
        lines.append("#, " + ", ".join(flags))
    if "no-wrap" in flags:
        width = 0
    previous = "#~| " if entry.obsolete else "#| "
    prefix = "#~ " if entry.obsolete else ""
    fields = [
        (previous, "msgctxt", entry.previous_msgctxt),
        (previous, "msgid", entry.previous_msgid),
        (previous, "msgid_plural", entry.previous_msgid_plural),
        (prefix, "msgctxt", entry.msgctxt),
        (prefix, "msgid", entry.msgid),
        (prefix, "msgid_plural", entry.msgid_plural or None),
    ]
    if entry.msgid_plural:
        forms = _plural_forms(entry)
        fields += [(prefix, f"msgstr[{n}]", forms[n]) for n in sorted(forms)]
    else:
        fields.append((prefix, "msgstr", entry.msgstr))
    for line_prefix, keyword, value in fields:
        if value is not None:
            lines += _string_lines(line_prefix, keyword, value, width)
    return lines


def format_entry(entry: polib.POEntry, width: int = 79) -> str:
    """One entry as `format_po` writes it: saving one decision replaces just that block."""
    return "".join(line + "\n" for line in _entry_lines(entry, width))


def format_po(po: polib.POFile, width: int = 79) -> str:
    """The catalog as ``msgcat --width=WIDTH`` (0: ``--no-wrap``) writes it, so diffs stay small."""
    with no_collection():
        return _format_po(po, width)


def _format_po(po: polib.POFile, width: int) -> str:
    fuzzy = po.metadata_is_fuzzy  # polib's parser stores the header's flags here, users a boolean
    header = polib.POEntry(
        msgid="",
        msgstr="".join(f"{name}: {value}\n" for name, value in po.metadata.items()),
        tcomment=po.header,
        flags=list(fuzzy) if isinstance(fuzzy, list) else ["fuzzy"] if fuzzy else [],
    )
    # Each entry is joined at once: the lines of a whole large catalog would take several times its size.
    blocks = [_joined(_entry_lines(entry, width)) for entry in po if not entry.obsolete]
    blocks += [_joined(_entry_lines(entry, width)) for entry in po if entry.obsolete and _first_translation(entry)]
    if po.metadata or header.flags:
        blocks.insert(0, _joined(_entry_lines(header, width)))
    elif po.header:
        # No header entry: polib read the first entry's translator comments as the file's header.
        blocks[:1] = [_joined(_comment_lines("#", po.header)) + (blocks[0] if blocks else "")]
    return "\n".join(blocks)


def _joined(lines: list[str]) -> str:
    return "".join(line + "\n" for line in lines)


# --- Reading and writing --------------------------------------------------------------------------

_POLIB_ERROR = re.compile(r"\(line (\d+)\)(?:: (.*))?")
# A line that must hold one quoted string (after a keyword, or a continuation; live, obsolete or
# previous), and the shape it must have: polib silently misreads an unterminated string.
_STRING_EXPECTED = re.compile(r'(?:#(?:~\|?|\|)\s*)?(?:msg|")')
_STRING_LINE = re.compile(r'(?:#(?:~\|?|\|)\s*)?(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)?\s*"(?:[^"\\]|\\.)*"')


@contextlib.contextmanager
def no_collection() -> Iterator[None]:
    """Python's cycle collector paused: building a catalog's thousands of entries (which form no
    cycles) would make it scan every live object again and again (a tenth of an update's time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse_po(text: str, path: str | Path) -> polib.POFile:
    """Parse PO text; a syntax error or a duplicate entry is a TransflowError at its line.

    Well-formed files (all of ours) go through a single-pass reader that builds the same polib
    objects several times faster; anything it does not expect goes to polib, whose diagnosis of
    the problem, with the line, is what the user sees.
    """
    with no_collection():
        try:
            po = _read_fast(text)
        except _Unexpected:
            po = _read_with_polib(text, path)
        except _Invalid as exc:
            raise TransflowError(exc.message, path, exc.line) from None
        _check_duplicates(po, path)
    return po


def _read_with_polib(text: str, path: str | Path) -> polib.POFile:
    for number, line in enumerate(text.splitlines(), start=1):  # numbered the way polib does
        line = line.strip()
        if _STRING_EXPECTED.match(line) and not _STRING_LINE.fullmatch(line):
            raise TransflowError("syntax error: expected one quoted string", path, number)
        for quoted in _QUOTED.finditer(line):
            try:
                _unescape(quoted.group(1))
            except _Invalid as exc:
                raise TransflowError(exc.message, path, number) from None
    try:
        # The added newline keeps polib from taking a one-line text for the name of a file.
        po = polib.pofile(text + "\n")
    except OSError as exc:
        match = _POLIB_ERROR.search(str(exc))
        detail = f": {match.group(2)}" if match and match.group(2) else ""
        line_number = int(match.group(1)) if match else None
        raise TransflowError(f"syntax error{detail}", path, line_number) from None
    return po


def _check_duplicates(po: polib.POFile, path: str | Path) -> None:
    first_lines: dict[tuple[str | None, str], int | None] = {}
    for entry in po:
        key = (entry.msgctxt, entry.msgid)
        if key in first_lines:
            msgid = entry.msgid if len(entry.msgid) <= 60 else entry.msgid[:57] + "..."
            context = "" if entry.msgctxt is None else f" in context {entry.msgctxt!r}"
            first = f" (first at line {first_lines[key]})" if first_lines[key] else ""
            raise TransflowError(f"duplicate entry for msgid {msgid!r}{context}{first}", path, entry.linenum)
        first_lines[key] = entry.linenum


class _Unexpected(Exception):
    """Something the fast reader does not handle: polib gets the file instead."""


class _Invalid(Exception):
    """A catalog that `msgfmt` rejects too: an error at ``line`` (None: the line being read)."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


# The escapes of GNU's PO lexer (po-lex.c): one letter, up to three octal digits, or hex digits.
# Numeric ones give bytes, which are UTF-8 together with the rest of the string: the rare strings
# that hold one are unescaped as bytes.
_UNESCAPES = {"n": "\n", "t": "\t", "r": "\r", "v": "\v", "b": "\b", "f": "\f", "a": "\a", "\\": "\\", '"': '"'}
_UNESCAPE = re.compile(r"\\(.?)", re.DOTALL)
_NUMERIC_UNESCAPE = re.compile(rb"\\(x[0-9a-fA-F]+|[0-7]{1,3}|.?)", re.DOTALL)


class _Numeric(Exception):
    """A numeric escape: the string is unescaped as bytes."""


_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_KEYWORDS = {"msgid", "msgstr", "msgctxt", "msgid_plural"}
_NPLURALS = re.compile(r"nplurals\s*=\s*(\d+)")


def plural_count(po: polib.POFile) -> int:
    """The number of plural forms the catalog's Plural-Forms header declares (2 when it has none)."""
    declared = _NPLURALS.search(po.metadata.get("Plural-Forms", ""))
    return int(declared.group(1)) if declared else 2


def _unquote(token: str) -> str:
    """The value of one quoted string, unescaped as GNU gettext does."""
    inner = token[1:-1]
    if len(token) > 1 and token[0] == '"' and token[-1] == '"' and '"' not in inner and "\\" not in inner:
        return inner
    match = _QUOTED.fullmatch(token)
    if match is None:
        raise _Unexpected
    return _unescape(match.group(1))


def _unescape(value: str) -> str:
    """The text of a quoted string's inside; an escape msgfmt does not know is an error."""
    if "\\" not in value:
        return value
    try:
        return _UNESCAPE.sub(_escaped_char, value)
    except _Numeric:
        pass
    unescaped = _NUMERIC_UNESCAPE.sub(_escaped_bytes, value.encode("utf-8"))
    try:
        return unescaped.decode("utf-8")
    except UnicodeDecodeError:
        raise _Invalid("an escape sequence gives a byte that is not UTF-8") from None


def _escaped_char(match: re.Match[str]) -> str:
    sequence = match.group(1)
    unescaped = _UNESCAPES.get(sequence)
    if unescaped is not None:
        return unescaped
    if sequence and sequence in "01234567x":
        raise _Numeric
    raise _invalid_escape(sequence)


def _escaped_bytes(match: re.Match[bytes]) -> bytes:
    sequence = match.group(1).decode("utf-8", "replace")
    if sequence[:1] == "x" and len(sequence) > 1:
        return bytes([int(sequence[1:], 16) & 0xFF])
    if sequence[:1] and sequence[:1] in "01234567":
        return bytes([int(sequence, 8) & 0xFF])
    if sequence in _UNESCAPES:
        return _UNESCAPES[sequence].encode("utf-8")
    raise _invalid_escape(sequence)


def _invalid_escape(sequence: str) -> _Invalid:
    return _Invalid(f"invalid escape sequence '\\{sequence}' (write '\\\\' for a backslash)")


_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # what str.splitlines splits on
_ONE_LINE = re.compile(f"([^{_BREAKS}]*)(\r\n|[{_BREAKS}]|\\Z)")
_LINE_AND_CONTINUATIONS = re.compile(r'([^\n]*)((?:\n[ \t]*"[^\n]*)*)(?:\n|\Z)')  # and the "..." lines after it


def _numbered_lines(text: str) -> Iterator[tuple[int, str]]:
    """``enumerate(text.splitlines(), 1)``, each line stripped, one at a time (the list of a large
    catalog's lines would take several times the memory of the catalog).

    In a file whose lines all end with ``\n``, a run of continuation lines that are plain strings
    comes as one string, numbered as the last of them: the same text for the reader, at a
    fraction of the cost of a line at a time.
    """
    if any(other in text for other in _BREAKS[1:]):  # faster than a regular expression
        end = len(text)
        for number, match in enumerate(_ONE_LINE.finditer(text), start=1):
            if match.start() == end and not match.group(2):
                return
            yield number, match.group(1).strip()
        return
    number, end = 0, len(text)
    for match in _LINE_AND_CONTINUATIONS.finditer(text):
        if match.start() == end:
            return
        first, continuations = match.groups()
        number += 1
        yield number, first.strip()
        if not continuations:
            continue
        lines = continuations[1:]
        # Plain: each line exactly '"text"', without quotes or backslashes in the text.
        texts = lines[1:-1].split('"\n"')
        if len(lines) > 1 and lines[0] == '"' == lines[-1] and len(texts) == lines.count("\n") + 1:
            joined = "".join(texts)
            if '"' not in joined and "\\" not in joined:
                number += len(texts)
                yield number, f'"{joined}"'
                continue
        for line in lines.split("\n"):
            number += 1
            yield number, line.strip()


def _read_fast(text: str) -> polib.POFile:
    """Read a PO file into the objects polib would build, in one pass.

    Same results as polib, including its quirks: comments before the first entry form the
    file's header comment, `#~|` lines are skipped, trailing comments are dropped. An entry's
    line number is the first line of the entry. What msgfmt rejects is an `_Invalid` at the
    line msgfmt names; what is merely unusual goes to polib (`_Unexpected`).
    """
    po = polib.POFile(wrapwidth=79)
    entries: list[polib.POEntry] = []
    entry: dict[str, Any] = {}
    target: str | tuple[str, int] | None = None
    started = False
    last_was_comment = False
    msgid_line = header_line = number = 0

    def keep(fields: dict[str, Any]) -> None:
        nonlocal header_line
        finished = _entry(fields)
        if finished.msgid == "" and finished.msgctxt is None and not finished.obsolete:
            if header_line:
                raise _Invalid(f'a second header entry (msgid ""; the first is at line {header_line})', msgid_line)
            header_line = msgid_line
        entries.append(finished)

    try:
        for number, line in _numbered_lines(text):
            if not line:
                continue
            if number == 1 and line.startswith("\ufeff"):
                line = line[1:].strip()
            obsolete = False
            if line.startswith("#~"):
                if line.startswith("#~|"):
                    for quoted in _QUOTED.finditer(line):
                        _unescape(quoted.group(1))
                    continue
                line = line[2:].strip()
                obsolete = True
                if not line:
                    raise _Unexpected
            last_was_comment = line[0] == "#" and not obsolete
            if line[0] == '"':
                if target is None:
                    raise _Unexpected
                value = _unquote(line)
                if isinstance(target, tuple):
                    entry["msgstr_plural"][target[1]] += value
                else:
                    entry[target] += value
                continue
            if "msgstr" in entry and (line[0] == "#" or not line.startswith(("msgstr", "msgid_plural"))):
                keep(entry)
                entry = {}
            if line[0] == "#":
                target = _comment(line, entry, po, started, target)
                if entry:
                    entry.setdefault("linenum", number)
                continue
            started = True
            keyword, _, rest = line.partition(" ")
            rest = rest.lstrip()
            if keyword in _KEYWORDS:
                if keyword in entry:
                    if keyword == "msgid" and "msgstr" not in entry:
                        raise _Invalid("missing 'msgstr' after this msgid", msgid_line)
                    raise _Unexpected
                if keyword == "msgid":
                    entry["obsolete"] = obsolete
                    msgid_line = number
                elif keyword != "msgctxt" and "msgid" not in entry:
                    raise _Unexpected
                elif keyword == "msgstr" and "msgid_plural" in entry:
                    raise _Invalid("a plural entry (msgid_plural) needs msgstr[0], msgstr[1]..., not msgstr")
                entry.setdefault("linenum", number)
                entry[keyword] = _unquote(rest)
                target = keyword
            elif keyword.startswith("msgstr[") and keyword.endswith("]") and keyword[7:-1].isdigit():
                if "msgid" not in entry:
                    raise _Unexpected
                if "msgid_plural" not in entry:
                    raise _Invalid("msgstr[N] without 'msgid_plural'", msgid_line)
                index = int(keyword[7:-1])
                forms = entry.setdefault("msgstr_plural", {})
                if index != len(forms):
                    raise _Invalid(f"msgstr[{index}] where msgstr[{len(forms)}] should be: forms go 0, 1, 2...")
                forms[index] = _unquote(rest)
                entry.setdefault("msgstr", "")
                target = ("msgstr_plural", index)
            else:
                raise _Unexpected
            entry.setdefault("linenum", number)
        if entry and not last_was_comment:
            if "msgid" not in entry:
                raise _Invalid("an entry without msgid at the end of the file", number)
            if "msgstr" not in entry:
                raise _Invalid("missing 'msgstr' after this msgid", msgid_line)
            keep(entry)
    except _Invalid as exc:
        exc.line = exc.line or number
        raise
    header = next((item for item in entries if item.msgid == "" and not item.obsolete), None)
    if header is not None:
        _take_metadata(po, header)
        entries.remove(header)
    po.extend(entries)
    return po


def _comment(
    line: str, entry: dict[str, Any], po: polib.POFile, started: bool, target: str | tuple[str, int] | None
) -> str | None:
    """Record one comment line; returns the field a following continuation line extends."""
    marker = line[:2]
    if marker in ("#:", "#,", "#.") and len(line) == 2:
        return None  # an empty comment of these kinds carries nothing; polib skips it too
    if marker == "#:":
        occurrences = entry.setdefault("occurrences", [])
        for occurrence in line[3:].split():
            name, _, number = occurrence.rpartition(":")
            occurrences.append((name, number) if name and number.isdigit() else (occurrence, ""))
        return None
    if marker == "#,":
        entry.setdefault("flags", []).extend(flag.strip() for flag in line[3:].split(","))
        return None
    if marker == "#.":
        if len(line) < 3 or line[2] != " ":
            raise _Unexpected
        entry["comment"] = entry["comment"] + "\n" + line[3:] if "comment" in entry else line[3:]
        return None
    if marker == "#|":
        keyword, _, rest = line[2:].strip().partition(" ")
        if keyword.startswith('"'):
            if not isinstance(target, str) or not target.startswith("previous_"):
                raise _Unexpected
            entry[target] += _unquote(line[2:].strip())
            return target
        if keyword not in ("msgid", "msgctxt", "msgid_plural"):
            raise _Unexpected
        field = f"previous_{keyword}"
        entry[field] = _unquote(rest.lstrip())
        return field
    if line == "#" or marker == "# " or marker == "##":
        comment = line.lstrip("#")
        comment = comment[1:] if comment.startswith(" ") else comment
        if not started and not entry:
            po.header = f"{po.header}\n{comment}" if po.header else comment
        else:
            entry["tcomment"] = entry["tcomment"] + "\n" + comment if "tcomment" in entry else comment
        return None
    raise _Unexpected


def _entry(fields: dict[str, Any]) -> polib.POEntry:
    if "msgid" not in fields or "msgstr" not in fields:
        raise _Unexpected
    return new_entry(**fields)


def new_entry(
    msgid: str,
    msgstr: str = "",
    *,
    msgid_plural: str = "",
    msgstr_plural: dict[int, str] | None = None,
    msgctxt: str | None = None,
    obsolete: bool = False,
    comment: str = "",
    tcomment: str = "",
    occurrences: list[tuple[str, str]] | None = None,
    flags: list[str] | None = None,
    previous_msgctxt: str | None = None,
    previous_msgid: str | None = None,
    previous_msgid_plural: str | None = None,
    linenum: int | None = None,
) -> polib.POEntry:
    """The entry ``polib.POEntry(...)`` makes, for a third of the cost: polib's constructor looks
    each field up among its keyword arguments, a good part of reading a large catalog. The
    attributes are set in polib's order, so that all entries share one table of names."""
    entry: polib.POEntry = object.__new__(polib.POEntry)
    entry.msgid = msgid
    entry.msgstr = msgstr
    entry.msgid_plural = msgid_plural
    entry.msgstr_plural = {} if msgstr_plural is None else msgstr_plural
    entry.msgctxt = msgctxt  # type: ignore[assignment]  # None without a context, as polib sets it too
    entry.obsolete = obsolete
    entry.encoding = polib.default_encoding
    entry.comment = comment
    entry.tcomment = tcomment
    entry.occurrences = [] if occurrences is None else occurrences
    entry.flags = [] if flags is None else flags
    entry.previous_msgctxt = previous_msgctxt
    entry.previous_msgid = previous_msgid
    entry.previous_msgid_plural = previous_msgid_plural
    entry.linenum = linenum
    return entry


def _take_metadata(po: polib.POFile, header: polib.POEntry) -> None:
    # polib keeps the header's flags here (a list, though typed a bool), and its writer reads them so.
    po.metadata_is_fuzzy = header.flags  # type: ignore[assignment]
    key = None
    for line in header.msgstr.splitlines():
        name, colon, value = line.partition(":")
        if colon:
            key = name
            po.metadata[key] = value.strip()
        elif key is not None:
            po.metadata[key] += "\n" + line.strip()


def read_po(path: Path) -> polib.POFile:
    """Read a UTF-8 PO/POT file; any problem is a TransflowError naming the file (and line)."""
    return parse_po(read_text(path), path)


def write_po(path: Path, po: polib.POFile, width: int = 79) -> bool:
    """Write ``po`` atomically, as msgcat would; return whether the file changed.

    Identical bytes are not rewritten, so the file's mtime only moves when its content does.
    """
    text = format_po(po, width)
    try:
        if path.read_bytes() == text.encode("utf-8"):
            return False
    except FileNotFoundError:
        pass
    atomic_write_text(path, text)
    return True
