"""The glossary file format (glossary.yml): terms, their renderings per language, and clear errors.

Reading only: every error names the file, the line and the term. Finding terms in texts and
verifying translations against them is the domain's job (`transflow.domain.glossary`).

A rendering is either a text or a mapping with the preferred text (`term:`), accepted inflected
forms (`variants:`), a regular expression any accepted form matches (`pattern:`) and a note for
that language (`note:`). Status, definition and part of speech follow TBX's vocabulary, so a
glossary goes to and comes from TBX (`transflow.formats.tbx`) without loss.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from transflow.errors import TransflowError
from transflow.formats.yamlfile import compose, plain

# (code, file, line) -> the normalised code, or a TransflowError naming file and line.
# A mapping's keys with their key and value nodes.
_Fields = dict[str, tuple[yaml.Node, yaml.Node]]

LanguageCheck = Callable[[object, str, "int | None"], str]

_KEYS = {
    "term",
    "translate",
    "translations",
    "variants",
    "forbidden",
    "note",
    "case_sensitive",
    "case",
    "compound",
    "inflections",
    "status",
    "definition",
    "part_of_speech",
}
_Rendering = tuple[str, tuple[str, ...], str, str]
_RENDERING_KEYS = {"term", "variants", "pattern", "note"}
STATUSES = ("preferred", "admitted", "deprecated")
# TBX-Basic's values for partOfSpeech.
PARTS_OF_SPEECH = ("noun", "verb", "adjective", "adverb", "properNoun", "other")
# exact: as written; any: any capitalisation; first-letter: the first letter may change case.
CASES = ("exact", "any", "first-letter")


@dataclass(frozen=True)
class Term:
    """One glossary entry."""

    source: str
    translate: bool
    targets: dict[str, str]
    variants: tuple[str, ...]
    forbidden: dict[str, tuple[str, ...]]
    note: str
    case: str
    line: int
    compound: bool = False
    target_variants: dict[str, tuple[str, ...]] = field(default_factory=dict)
    target_patterns: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    inflections: tuple[str, ...] | None = None  # None: the source language's default suffixes
    status: str = "preferred"
    definition: str = ""
    part_of_speech: str = ""

    def __hash__(self) -> int:
        return hash((self.source, self.line))

    @property
    def case_sensitive(self) -> bool:
        return self.case != "any"


@dataclass(frozen=True)
class GlossaryFile:
    """What glossary.yml holds: its source language (for default inflections) and its terms."""

    source_language: str
    terms: list[Term]


class _Loader:
    """Validates glossary.yml node by node, so every error names its line and term."""

    def __init__(self, path: Path, languages_: tuple[str, ...], check_language: LanguageCheck):
        self.path = path
        self.languages = languages_
        self.check_language = check_language

    def fail(self, node: yaml.Node, message: str, term: str | None = None) -> TransflowError:
        prefix = f"term {term!r}: " if term else ""
        return TransflowError(prefix + message, self.path, node.start_mark.line + 1)

    def glossary(self, node: yaml.Node | None) -> GlossaryFile:
        if node is None:
            return GlossaryFile("", [])
        top = self.mapping(node, None)
        unknown = [key for key in top if key not in ("terms", "source_language")]
        if unknown:
            raise self.fail(top[unknown[0]][0], f"unknown key {unknown[0]!r} (expected: source_language, terms)")
        source_language = ""
        if "source_language" in top:
            value = top["source_language"][1]
            line = value.start_mark.line + 1
            source_language = self.check_language(self.scalar(value, None, "source_language"), str(self.path), line)
        if "terms" not in top:
            return GlossaryFile(source_language, [])
        items = top["terms"][1]
        if not isinstance(items, yaml.SequenceNode):
            raise self.fail(items, "'terms' must be a list of terms")
        terms = [self.term(item) for item in items.value]
        self.check_unique(terms)
        return GlossaryFile(source_language, terms)

    def mapping(self, node: yaml.Node, term: str | None) -> _Fields:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, "expected a mapping of key: value", term)
        result: _Fields = {}
        for key, value in node.value:
            if key.value in result:
                raise self.fail(key, f"key {key.value!r} is given twice", term)
            result[key.value] = (key, value)
        return result

    def term(self, node: yaml.Node) -> Term:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, "each term must be a mapping with at least 'term:'")
        fields = self.mapping(node, None)
        if "term" not in fields:
            raise self.fail(node, "a term needs 'term:' (the source-language text)")
        source = self.text(fields["term"][1], None, "term")
        for key, (key_node, _) in fields.items():
            if key not in _KEYS:
                raise self.fail(key_node, f"unknown key {key!r} (expected: {', '.join(sorted(_KEYS))})", source)
        translate = self.boolean(fields, "translate", True, source)
        renderings = self.renderings(fields, source)
        targets = {lang: rendering[0] for lang, rendering in renderings.items()}
        if translate and not targets:
            raise self.fail(node, "needs 'translations:' (or 'translate: false' to keep it as is)", source)
        if not translate and targets:
            raise self.fail(fields["translations"][0], "has 'translate: false' and 'translations:'; choose one", source)
        missing = [code for code in self.languages if translate and code not in targets]
        if missing:
            raise self.fail(fields["translations"][0], f"no translation for {', '.join(missing)}", source)
        variants: tuple[str, ...] = ()
        if "variants" in fields:
            variants = tuple(self.text_list(fields["variants"][1], source, "variants"))
        return Term(
            source=source,
            translate=translate,
            targets=targets,
            variants=variants,
            forbidden=self.per_language(fields, "forbidden", source),
            note=self.optional_text(fields, "note", source),
            case=self.case(fields, source),
            line=node.start_mark.line + 1,
            compound=self.boolean(fields, "compound", False, source),
            target_variants={lang: rendering[1] for lang, rendering in renderings.items() if rendering[1]},
            target_patterns={lang: rendering[2] for lang, rendering in renderings.items() if rendering[2]},
            notes={lang: rendering[3] for lang, rendering in renderings.items() if rendering[3]},
            inflections=self.inflections(fields, source),
            status=self.choice(fields, "status", STATUSES, source),
            definition=self.optional_text(fields, "definition", source),
            part_of_speech=self.choice(fields, "part_of_speech", ("", *PARTS_OF_SPEECH), source),
        )

    def optional_text(self, fields: _Fields, key: str, term: str) -> str:
        return self.text(fields[key][1], term, key) if key in fields else ""

    def choice(self, fields: _Fields, key: str, allowed: tuple[str, ...], term: str) -> str:
        if key not in fields:
            return allowed[0]
        value = self.text(fields[key][1], term, key)
        if value not in allowed:
            choices = ", ".join(option for option in allowed if option)
            raise self.fail(fields[key][1], f"'{key}' must be one of {choices}, not {value!r}", term)
        return value

    def case(self, fields: _Fields, term: str) -> str:
        if "case" in fields and "case_sensitive" in fields:
            raise self.fail(fields["case"][0], "has 'case:' and 'case_sensitive:'; choose one", term)
        if "case_sensitive" in fields:
            return "exact" if self.boolean(fields, "case_sensitive", True, term) else "any"
        return self.choice(fields, "case", CASES, term)

    def inflections(self, fields: _Fields, term: str) -> tuple[str, ...] | None:
        """Suffixes the source term takes; `false` for none; absent for the language's default."""
        if "inflections" not in fields:
            return None
        node = fields["inflections"][1]
        if isinstance(node, yaml.ScalarNode) and self.scalar(node, term, "inflections") is False:
            return ()
        return tuple(self.text_list(node, term, "inflections"))

    def renderings(self, fields: _Fields, term: str) -> dict[str, _Rendering]:
        """Per language: (preferred, accepted variants, pattern, note)."""
        if "translations" not in fields:
            return {}
        result: dict[str, _Rendering] = {}
        for code, (code_node, value) in self.mapping(fields["translations"][1], term).items():
            lang = self.check_language(code, str(self.path), code_node.start_mark.line + 1)
            key = f"translations.{code}"
            if not isinstance(value, yaml.MappingNode):
                result[lang] = (self.text(value, term, key), (), "", "")
                continue
            parts = self.mapping(value, term)
            for name, (name_node, _) in parts.items():
                if name not in _RENDERING_KEYS:
                    expected = ", ".join(sorted(_RENDERING_KEYS))
                    raise self.fail(name_node, f"unknown key {name!r} in {key} (expected: {expected})", term)
            if "term" not in parts:
                raise self.fail(value, f"{key} needs 'term:' (the preferred rendering)", term)
            pattern = self.text(parts["pattern"][1], term, f"{key}.pattern") if "pattern" in parts else ""
            if pattern:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise self.fail(
                        parts["pattern"][1], f"{key}.pattern is not a regular expression: {exc}", term
                    ) from None
            result[lang] = (
                self.text(parts["term"][1], term, f"{key}.term"),
                tuple(self.text_list(parts["variants"][1], term, f"{key}.variants")) if "variants" in parts else (),
                pattern,
                self.text(parts["note"][1], term, f"{key}.note") if "note" in parts else "",
            )
        return result

    def scalar(self, node: yaml.Node, term: str | None, key: str) -> object:
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, f"'{key}' must be a single value", term)
        return plain(node)

    def text(self, node: yaml.Node, term: str | None, key: str) -> str:
        value = self.scalar(node, term, key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(node, f"'{key}' must be a non-empty text", term)
        return value.strip()

    def text_list(self, node: yaml.Node, term: str, key: str) -> list[str]:
        if isinstance(node, yaml.ScalarNode):
            return [self.text(node, term, key)]
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, f"'{key}' must be a list of texts", term)
        return [self.text(item, term, key) for item in node.value]

    def boolean(self, fields: _Fields, key: str, default: bool, term: str) -> bool:
        if key not in fields:
            return default
        value = self.scalar(fields[key][1], term, key)
        if not isinstance(value, bool):
            raise self.fail(fields[key][1], f"'{key}' must be true or false", term)
        return value

    def per_language(self, fields: _Fields, key: str, term: str) -> dict[str, tuple[str, ...]]:
        if key not in fields:
            return {}
        node = fields[key][1]
        result: dict[str, tuple[str, ...]] = {}
        for code, (code_node, value) in self.mapping(node, term).items():
            lang = self.check_language(code, str(self.path), code_node.start_mark.line + 1)
            result[lang] = tuple(self.text_list(value, term, f"{key}.{code}"))
        return result

    def check_unique(self, terms: list[Term]) -> None:
        owner: dict[tuple[bool, str], Term] = {}
        for term in terms:
            for form in (term.source, *term.variants):
                key = (term.case_sensitive, form if term.case_sensitive else form.lower())
                first = owner.get(key)
                if first is not None and first is not term:
                    raise TransflowError(
                        f"term {term.source!r}: {form!r} is already listed by term "
                        f"{first.source!r} (line {first.line})",
                        self.path,
                        term.line,
                    )
                owner[key] = term


def parse(text: str, path: Path, languages_: tuple[str, ...], check_language: LanguageCheck) -> GlossaryFile:
    """A glossary file's text read; with `languages_`, translated terms need them all."""
    return _Loader(path, languages_, check_language).glossary(compose(text, path))


def dump(glossary: GlossaryFile) -> str:
    """glossary.yml text for `glossary`, each field written only when it differs from its default."""
    terms = []
    for term in glossary.terms:
        fields: dict[str, object] = {"term": term.source}
        if not term.translate:
            fields["translate"] = False
        if term.variants:
            fields["variants"] = list(term.variants)
        for key, value, default in (
            ("status", term.status, "preferred"),
            ("part_of_speech", term.part_of_speech, ""),
            ("definition", term.definition, ""),
            ("case", term.case, "exact"),
            ("compound", term.compound, False),
            ("note", term.note, ""),
        ):
            if value != default:
                fields[key] = value
        if term.inflections is not None:
            fields["inflections"] = list(term.inflections) or False
        if term.translate:
            fields["translations"] = {lang: _rendering(term, lang) for lang in term.targets}
        if term.forbidden:
            fields["forbidden"] = {lang: list(forms) for lang, forms in term.forbidden.items()}
        terms.append(fields)
    top: dict[str, object] = {"source_language": glossary.source_language} if glossary.source_language else {}
    top["terms"] = terms
    return str(yaml.safe_dump(top, allow_unicode=True, sort_keys=False, width=100))


def _rendering(term: Term, lang: str) -> object:
    """A text, or a mapping when the language has variants, a pattern or a note."""
    extra: dict[str, object] = {}
    if term.target_variants.get(lang):
        extra["variants"] = list(term.target_variants[lang])
    if term.target_patterns.get(lang):
        extra["pattern"] = term.target_patterns[lang]
    if term.notes.get(lang):
        extra["note"] = term.notes[lang]
    return {"term": term.targets[lang], **extra} if extra else term.targets[lang]
