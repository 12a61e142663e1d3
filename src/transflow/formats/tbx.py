"""TBX (TermBase eXchange, ISO 30042) import and export of the glossary.

Read: TBX-Basic as TBX v2 (`<martif>`, what translate-toolkit, memoQ, Trados and Weblate write) and
TBX v3 core structure (`<tbx>`, namespaced or not). Written: TBX-Basic in either version.

What both sides express goes both ways unchanged: the source term and its other spellings, the
renderings per language with their status (preferred -> `term`, admitted -> `variants`,
deprecated or superseded -> `forbidden`), a term kept as is (every language has the source term),
definition, part of speech, the term's note and a note per language. What TBX-Basic cannot say
stays in glossary.yml only: case rules, `compound`, source inflections and rendering patterns.

The XML is parsed with defusedxml: entity expansion and external references are refused.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from pathlib import Path

import defusedxml.ElementTree as SafeElementTree  # type: ignore[import-untyped]
from defusedxml import DefusedXmlException

from transflow.errors import TransflowError
from transflow.formats.glossary_file import PARTS_OF_SPEECH, GlossaryFile, LanguageCheck, Term

_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_NAMESPACE_V3 = "urn:iso:std:iso:30042:ed-2"
_STATUS_TO_TBX = {"preferred": "preferredTerm-admn-sts", "admitted": "admittedTerm-admn-sts"}
_DEPRECATED = {"deprecatedTerm-admn-sts", "supersededTerm-admn-sts"}
# Element names of the two versions: v2 (martif) on the left, v3 on the right.
_V3_NAMES = {
    "martif": "tbx",
    "martifHeader": "tbxHeader",
    "fileDesc": "fileDescrip",
    "termEntry": "conceptEntry",
    "langSet": "langSec",
    "tig": "termSec",
}
_V2_NAMES = {new: old for old, new in _V3_NAMES.items()}
_Make = Callable[..., ElementTree.Element]


def _local(element: ElementTree.Element) -> str:
    """The element's name without namespace, in v2 spelling."""
    name = element.tag.rsplit("}", 1)[-1]
    return _V2_NAMES.get(name, name)


def _children(element: ElementTree.Element, name: str) -> list[ElementTree.Element]:
    return [child for child in element if _local(child) == name]


def _text(element: ElementTree.Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _typed(element: ElementTree.Element, name: str, kind: str) -> str:
    """The text of the first child `<name type="kind">`, or empty."""
    for child in _children(element, name):
        if child.get("type") == kind:
            return _text(child)
    return ""


def read(text: str, path: Path, source_language: str, check_language: LanguageCheck) -> GlossaryFile:
    """The glossary a TBX file holds; `source_language` picks the language of the source terms."""
    try:
        root = SafeElementTree.fromstring(text.encode("utf-8"))
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        raise TransflowError(f"not a readable TBX file: {exc}", path) from None
    if _local(root) != "martif":
        raise TransflowError(f"not a TBX file: the root element is <{_local(root)}>", path)
    entries = [element for element in root.iter() if _local(element) == "termEntry"]
    terms = [_term(entry, number, path, source_language, check_language) for number, entry in enumerate(entries, 1)]
    return GlossaryFile(source_language, [term for term in terms if term is not None])


def _term(
    entry: ElementTree.Element, number: int, path: Path, source_language: str, check_language: LanguageCheck
) -> Term | None:
    where = f"{path} (entry {number})"
    source: list[tuple[str, str]] = []
    targets: dict[str, list[tuple[str, str]]] = {}
    notes: dict[str, str] = {}
    definition = _typed(entry, "descrip", "definition")
    part_of_speech = ""
    for lang_set in _children(entry, "langSet"):
        code = lang_set.get(_LANG) or ""
        lang = check_language(code, where, None)
        definition = definition or _typed(lang_set, "descrip", "definition")
        found = []
        for group in _children(lang_set, "tig") + _children(lang_set, "ntig"):
            holder = next(iter(_children(group, "termGrp")), group)
            for term in _children(holder, "term"):
                found.append((_text(term), _typed(holder, "termNote", "administrativeStatus")))
                part_of_speech = part_of_speech or (
                    _typed(holder, "termNote", "partOfSpeech") if lang == source_language else ""
                )
        if lang == source_language:
            source.extend(found)
        else:
            targets.setdefault(lang, []).extend(found)
            note = " ".join(_text(note) for note in _children(lang_set, "note"))
            if note:
                notes[lang] = note
    if not source:
        return None
    renderings = {lang: _renderings(found) for lang, found in targets.items()}
    preferred = {lang: rendering[0] for lang, rendering in renderings.items() if rendering[0]}
    source_text = next((text for text, status in source if status != "admittedTerm-admn-sts"), source[0][0])
    translate = bool(preferred) and any(text != source_text for text in preferred.values())
    return Term(
        source=source_text,
        translate=translate,
        targets=preferred if translate else {},
        variants=tuple(text for text, _ in source if text != source_text),
        forbidden={lang: rendering[2] for lang, rendering in renderings.items() if rendering[2]},
        note=" ".join(_text(note) for note in _children(entry, "note")),
        case="exact",
        line=number,
        target_variants={lang: rendering[1] for lang, rendering in renderings.items() if rendering[1] and translate},
        notes=notes,
        status=_status(next(status for text, status in source if text == source_text)),
        definition=definition,
        part_of_speech=part_of_speech if part_of_speech in PARTS_OF_SPEECH else "",
    )


def _renderings(found: list[tuple[str, str]]) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """(preferred, admitted, deprecated) of one language; the first term not marked otherwise is preferred."""
    deprecated = tuple(text for text, status in found if status in _DEPRECATED)
    usable = [(text, status) for text, status in found if status not in _DEPRECATED]
    preferred = next((text for text, status in usable if status == "preferredTerm-admn-sts"), "")
    preferred = preferred or next((text for text, _ in usable), "")
    return preferred, tuple(text for text, _ in usable if text != preferred), deprecated


def _status(tbx_status: str) -> str:
    if tbx_status in _DEPRECATED:
        return "deprecated"
    return "admitted" if tbx_status == "admittedTerm-admn-sts" else "preferred"


def write(glossary: GlossaryFile, languages: tuple[str, ...], version: int = 3) -> str:
    """TBX-Basic of `glossary` (v3 core structure, or v2 `<martif>` for older tools)."""
    if version not in (2, 3):
        raise TransflowError(f"TBX version must be 2 or 3, not {version}")
    names = _V3_NAMES if version == 3 else {}

    def make(parent: ElementTree.Element | None, name: str, text: str = "", **attributes: str) -> ElementTree.Element:
        tag = names.get(name, name)
        element = (
            ElementTree.Element(tag, attributes) if parent is None else ElementTree.SubElement(parent, tag, attributes)
        )
        element.text = text or None
        return element

    root = make(None, "martif", type="TBX-Basic", **{"xml:lang": glossary.source_language})
    if version == 3:
        root.set("xmlns", _NAMESPACE_V3)
        root.set("style", "dca")
    else:
        root.set("type", "TBX-Basic-V1")
    header = make(make(root, "martifHeader"), "fileDesc")
    make(make(header, "sourceDesc"), "p", "transflow glossary")
    body = make(make(root, "text"), "body")
    for number, term in enumerate(glossary.terms, 1):
        entry = make(body, "termEntry", id=f"c{number}")
        if term.note:
            make(entry, "note", term.note)
        source = make(entry, "langSet", **{"xml:lang": glossary.source_language})
        if term.definition:
            make(source, "descrip", term.definition, type="definition")
        _term_group(
            make, source, term.source, _STATUS_TO_TBX.get(term.status, "deprecatedTerm-admn-sts"), term.part_of_speech
        )
        for variant in term.variants:
            _term_group(make, source, variant, "admittedTerm-admn-sts", term.part_of_speech)
        for lang in languages:
            preferred = term.targets.get(lang, "") if term.translate else term.source
            forbidden = term.forbidden.get(lang, ())
            if not preferred and not forbidden:
                continue
            lang_set = make(entry, "langSet", **{"xml:lang": lang})
            if term.notes.get(lang):
                make(lang_set, "note", term.notes[lang])
            if preferred:
                _term_group(make, lang_set, preferred, "preferredTerm-admn-sts", "")
            for variant in term.target_variants.get(lang, ()):
                _term_group(make, lang_set, variant, "admittedTerm-admn-sts", "")
            for bad in forbidden:
                _term_group(make, lang_set, bad, "deprecatedTerm-admn-sts", "")
    ElementTree.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, encoding="unicode") + "\n"


def _term_group(make: _Make, parent: ElementTree.Element, text: str, status: str, part_of_speech: str) -> None:
    group = make(parent, "tig")
    make(group, "term", text)
    if part_of_speech:
        make(group, "termNote", part_of_speech, type="partOfSpeech")
    make(group, "termNote", status, type="administrativeStatus")
