"""TMX 1.4b: exchanging translation memories with CAT tools (OmegaT, Trados, memoQ).

Reading a TMX file (any encoding XML allows, UTF-16 included) into translation units with the
line of each, and writing units as UTF-8 TMX. What the project keeps of an import, and what it
exports, is the translation memory's business (`stages.memory`).
"""

from __future__ import annotations

import re
import xml.parsers.expat
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from transflow import __version__
from transflow.errors import TransflowError
from transflow.formats.fileio import atomic_write_text

# Characters XML 1.0 cannot hold, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class TmxUnit:
    lang: str  # the target language, as written in the file
    source: str
    target: str
    line: int  # of the <tu>


def read_tmx(path: Path, source_lang: str) -> list[TmxUnit]:
    """The (source, target) pairs of a TMX file; a malformed file is a TransflowError at its line.

    Inline markup (``<bpt>``, ``<ph>``, ``<hi>``...) is read back as the native text it stands
    for, so a Markdown segment exported by a CAT tool matches our msgid again.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TransflowError(f"cannot read: {exc.strerror or exc}", path) from None
    parser = xml.parsers.expat.ParserCreate()
    reader = _Reader(path, source_lang, parser)
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.CharacterDataHandler = reader.text
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        raise TransflowError(
            f"not well-formed XML: {xml.parsers.expat.ErrorString(exc.code)}", path, exc.lineno
        ) from None
    except LookupError as exc:
        raise TransflowError(f"unsupported encoding in the XML declaration ({exc})", path, 1) from None
    return reader.finish()


@dataclass
class _Reader:
    path: Path
    source_lang: str
    parser: xml.parsers.expat.XMLParserType  # for the line of each element
    root: str | None = None
    units: list[TmxUnit] = field(default_factory=list)
    languages: set[str] = field(default_factory=set)
    tu_line: int = 0
    tuvs: list[tuple[str, str]] = field(default_factory=list)
    lang: str | None = None
    segment: list[str] | None = None
    tus: int = 0

    def start(self, name: str, attributes: dict[str, str]) -> None:
        line = self.parser.CurrentLineNumber
        if self.root is None:
            self.root = name
            if name != "tmx":
                raise TransflowError(f"not a TMX file: the root element is <{name}>", self.path, line)
        if name == "tu":
            self.tu_line, self.tuvs = line, []
            self.tus += 1
        elif name == "tuv":
            self.lang = attributes.get("xml:lang") or attributes.get("lang")
            if not self.lang:
                raise TransflowError("<tuv> without xml:lang: the language of this segment is unknown", self.path, line)
            self.languages.add(self.lang)
        elif name == "seg":
            self.segment = []

    def text(self, data: str) -> None:
        if self.segment is not None:
            self.segment.append(data)

    def end(self, name: str) -> None:
        if name == "seg" and self.segment is not None:
            self.tuvs.append((self.lang or "", "".join(self.segment)))
            self.segment = None
        elif name == "tu":
            sources = [text for lang, text in self.tuvs if same_language(lang, self.source_lang)]
            if sources and sources[0]:
                self.units.extend(
                    TmxUnit(lang, sources[0], text, self.tu_line)
                    for lang, text in self.tuvs
                    if text and not same_language(lang, self.source_lang)
                )

    def finish(self) -> list[TmxUnit]:
        if self.tus and not any(same_language(lang, self.source_lang) for lang in self.languages):
            found = ", ".join(sorted(self.languages)) or "none"
            raise TransflowError(
                f"no segment in the source language '{self.source_lang}' (languages found: {found})", self.path
            )
        return self.units


def same_language(code: str, ours: str) -> bool:
    """``en-US`` and ``en_us`` are ``en``; ``pt-BR`` is ``pt_BR`` but not ``pt_PT``."""
    code, ours = code.replace("_", "-").lower(), ours.replace("_", "-").lower()
    return code == ours or ("-" not in ours and code.split("-")[0] == ours)


def write_tmx(path: Path, source_lang: str, units: list[tuple[str, str, str, list[str]]]) -> None:
    """(source, lang, target, origins) as TMX 1.4b; origins become x-transflow-origin props."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<!DOCTYPE tmx SYSTEM "tmx14.dtd">',
        '<tmx version="1.4">',
        f'  <header creationtool="transflow" creationtoolversion={quoteattr(__version__)} '
        f'segtype="paragraph" o-tmf="PO" adminlang="en" srclang={quoteattr(source_lang)} '
        'datatype="plaintext"/>',
        "  <body>",
    ]
    for source, lang, target, origins in units:
        if _NOT_XML.search(source) or _NOT_XML.search(target):
            continue  # cannot be written in XML 1.0; the catalog still has it
        lines.append("    <tu>")
        lines.extend(f'      <prop type="x-transflow-origin">{escape(origin)}</prop>' for origin in origins)
        lines.append(f"      <tuv xml:lang={quoteattr(source_lang)}><seg>{escape(source)}</seg></tuv>")
        lines.append(f"      <tuv xml:lang={quoteattr(lang)}><seg>{escape(target)}</seg></tuv>")
        lines.append("    </tu>")
    lines += ["  </body>", "</tmx>", ""]
    atomic_write_text(path, "\n".join(lines))
