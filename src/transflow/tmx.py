"""TMX 1.4b: exchanging translation memories with CAT tools (OmegaT, Trados, memoQ).

Import reads a TMX file (any encoding XML allows, UTF-16 included), keeps the translation units
between our source language and our target languages (``en-US`` counts as ``en``), and stores
them, rewritten as UTF-8 TMX with our language codes, in ``translations/memory/<name>.tmx``: the
project keeps what it imported, and the memory index is rebuilt from it like from the catalogs.
Imported units are suggestions only: they never replace a translation approved in a catalog.
Export writes every approved translation of the catalogs, one bilingual unit per distinct pair.
"""

from __future__ import annotations

import re
import xml.parsers.expat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from . import __version__
from .config import Config
from .errors import TransflowError
from .fileio import atomic_write_text
from .memory import IMPORTED_DIR, TranslationMemory

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
    reader = _Reader(path, source_lang)
    parser = xml.parsers.expat.ParserCreate()
    reader.parser = parser
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.CharacterDataHandler = reader.text
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        raise TransflowError(f"not well-formed XML: {xml.parsers.expat.ErrorString(exc.code)}",
                             path, exc.lineno) from None
    except LookupError as exc:
        raise TransflowError(f"unsupported encoding in the XML declaration ({exc})", path,
                             1) from None
    return reader.finish()


@dataclass
class _Reader:
    path: Path
    source_lang: str
    parser: object = None
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
                raise TransflowError(f"not a TMX file: the root element is <{name}>", self.path,
                                     line)
        if name == "tu":
            self.tu_line, self.tuvs = line, []
            self.tus += 1
        elif name == "tuv":
            self.lang = attributes.get("xml:lang") or attributes.get("lang")
            if not self.lang:
                raise TransflowError("<tuv> without xml:lang: the language of this segment is "
                                     "unknown", self.path, line)
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
                self.units.extend(TmxUnit(lang, sources[0], text, self.tu_line)
                                  for lang, text in self.tuvs
                                  if text and not same_language(lang, self.source_lang))

    def finish(self) -> list[TmxUnit]:
        if self.tus and not any(same_language(lang, self.source_lang) for lang in self.languages):
            found = ", ".join(sorted(self.languages)) or "none"
            raise TransflowError(f"no segment in the source language '{self.source_lang}' "
                                 f"(languages found: {found})", self.path)
        return self.units


def same_language(code: str, ours: str) -> bool:
    """``en-US`` and ``en_us`` are ``en``; ``pt-BR`` is ``pt_BR`` but not ``pt_PT``."""
    code, ours = code.replace("_", "-").lower(), ours.replace("_", "-").lower()
    return code == ours or ("-" not in ours and code.split("-")[0] == ours)


@dataclass
class ImportResult:
    stored: Path
    units: dict[str, int]  # per target language
    skipped: int  # units in languages the project does not translate into


def import_tmx(config: Config, path: Path) -> ImportResult:
    """Check a TMX file and keep its units for our languages in translations/memory/."""
    found = read_tmx(path, config.source_language)
    kept: list[TmxUnit] = []
    for unit in found:
        lang = next((ours for ours in config.languages if same_language(unit.lang, ours)), None)
        if lang is not None:
            kept.append(TmxUnit(lang, unit.source, unit.target, unit.line))
    if not kept:
        wanted = ", ".join(config.languages)
        raise TransflowError(f"no translation units from '{config.source_language}' into "
                             f"{wanted}", path)
    stored = config.translations_dir / IMPORTED_DIR / f"{path.stem}.tmx"
    pairs = dict.fromkeys((unit.lang, unit.source, unit.target) for unit in kept)
    write_tmx(stored, config.source_language, [(source, lang, target, [])
                                               for lang, source, target in pairs])
    per_language = {lang: sum(1 for unit in pairs if unit[0] == lang) for lang in
                    config.languages}
    return ImportResult(stored, {k: v for k, v in per_language.items() if v},
                        len(found) - len(kept))


def export_tmx(config: Config, langs: Iterable[str], path: Path) -> dict[str, int]:
    """Write the approved translations of ``langs`` as TMX; returns the units per language."""
    memory = TranslationMemory.open(config)
    try:
        units = [(source, lang, target, origins) for lang in langs
                 for source, target, origins in memory.units(lang)]
    finally:
        memory.close()
    write_tmx(path, config.source_language, units)
    counts: dict[str, int] = {}
    for _, lang, _, _ in units:
        counts[lang] = counts.get(lang, 0) + 1
    return counts


def write_tmx(path: Path, source_lang: str,
              units: list[tuple[str, str, str, list[str]]]) -> None:
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
        lines.extend(f'      <prop type="x-transflow-origin">{escape(origin)}</prop>'
                     for origin in origins)
        lines.append(f"      <tuv xml:lang={quoteattr(source_lang)}><seg>{escape(source)}</seg>"
                     "</tuv>")
        lines.append(f"      <tuv xml:lang={quoteattr(lang)}><seg>{escape(target)}</seg></tuv>")
        lines.append("    </tu>")
    lines += ["  </body>", "</tmx>", ""]
    atomic_write_text(path, "\n".join(lines))
