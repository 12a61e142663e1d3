"""The glossary file format (glossary.yml): terms, their renderings per language, and clear errors.

Reading only: every error names the file, the line and the term. Finding terms in texts and
verifying translations against them is the domain's job (`transflow.domain.glossary`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from transflow.errors import TransflowError
from transflow.formats.yamlfile import compose, plain

# (code, file, line) -> the normalised code, or a TransflowError naming file and line.
# A mapping's keys with their key and value nodes.
_Fields = dict[str, tuple[yaml.Node, yaml.Node]]

LanguageCheck = Callable[[object, str, "int | None"], str]

_KEYS = {"term", "translate", "translations", "variants", "forbidden", "note", "case_sensitive", "compound"}


@dataclass(frozen=True)
class Term:
    """One glossary entry."""

    source: str
    translate: bool
    targets: dict[str, str]
    variants: tuple[str, ...]
    forbidden: dict[str, tuple[str, ...]]
    note: str
    case_sensitive: bool
    line: int
    compound: bool = False

    def __hash__(self) -> int:
        return hash((self.source, self.line))


class _Loader:
    """Validates glossary.yml node by node, so every error names its line and term."""

    def __init__(self, path: Path, languages_: tuple[str, ...], check_language: LanguageCheck):
        self.path = path
        self.languages = languages_
        self.check_language = check_language

    def fail(self, node: yaml.Node, message: str, term: str | None = None) -> TransflowError:
        prefix = f"term {term!r}: " if term else ""
        return TransflowError(prefix + message, self.path, node.start_mark.line + 1)

    def terms(self, node: yaml.Node | None) -> list[Term]:
        if node is None:
            return []
        top = self.mapping(node, None)
        unknown = [key for key in top if key != "terms"]
        if unknown:
            raise self.fail(top[unknown[0]][0], f"unknown key {unknown[0]!r} (expected: terms)")
        if "terms" not in top:
            return []
        items = top["terms"][1]
        if not isinstance(items, yaml.SequenceNode):
            raise self.fail(items, "'terms' must be a list of terms")
        terms = [self.term(item) for item in items.value]
        self.check_unique(terms)
        return terms

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
        targets = self.per_language(fields, "translations", source, single=True)
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
            forbidden=self.per_language(fields, "forbidden", source, single=False),
            note=self.text(fields["note"][1], source, "note") if "note" in fields else "",
            case_sensitive=self.boolean(fields, "case_sensitive", True, source),
            line=node.start_mark.line + 1,
            compound=self.boolean(fields, "compound", False, source),
        )

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

    def per_language(self, fields: _Fields, key: str, term: str, single: bool) -> dict[str, Any]:
        if key not in fields:
            return {}
        node = fields[key][1]
        result: dict[str, Any] = {}
        for code, (code_node, value) in self.mapping(node, term).items():
            lang = self.check_language(code, str(self.path), code_node.start_mark.line + 1)
            result[lang] = (
                self.text(value, term, f"{key}.{code}")
                if single
                else tuple(self.text_list(value, term, f"{key}.{code}"))
            )
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


def parse(text: str, path: Path, languages_: tuple[str, ...], check_language: LanguageCheck) -> list[Term]:
    """The terms of a glossary file's text; with `languages_`, translated terms need them all."""
    return _Loader(path, languages_, check_language).terms(compose(text, path))
