"""transflow.yml -> Config. Every validation error names the file and the line of the bad value."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from transflow.domain import languages
from transflow.domain.catalog import FUZZY_THRESHOLD, MergeOptions
from transflow.errors import TransflowError
from transflow.formats.fileio import read_text

CONFIG_NAME = "transflow.yml"
DEFAULT_THRESHOLD = 80.0

# Known keys per section; anything else is a typo we report rather than ignore.
_SCHEMA: dict[str, set[str]] = {
    "": {"project", "source_language", "languages", "paths", "extract", "build", *("merge", "tm", "mt", "checks")},
    "paths": {"source", "translations", "build", "glossary", "state"},
    "extract": {"front_matter_keys"},
    "build": {"threshold", "thresholds"},
}


@dataclass(frozen=True)
class Section:
    """A stage's raw settings with the line of each key, so the stage can report bad values."""

    name: str
    values: dict[str, object]
    lines: dict[str, int]
    file: Path | None

    def get(self, key: str, default: object = None) -> object:
        return self.values.get(key, default)

    def error(self, key: str, message: str) -> TransflowError:
        """An error about one setting, pointing at its line in transflow.yml."""
        return TransflowError(f"{self.name}.{key}: {message}", self.file or CONFIG_NAME, self.lines.get(key))

    def check_keys(self, allowed: set[str]) -> None:
        for key in self.values:
            if key not in allowed:
                expected = ", ".join(sorted(allowed))
                raise self.error(key, f"unknown setting (expected: {expected})")


@dataclass(frozen=True)
class Config:
    """Project settings with every path resolved against the project root."""

    root: Path
    project: str = "transflow"
    source_language: str = "nl"
    languages: tuple[str, ...] = ("en", "de", "fr")
    source_dir: Path = Path("source")
    translations_dir: Path = Path("translations")
    build_dir: Path = Path("build")
    glossary_file: Path = Path("glossary.yml")
    state_dir: Path = Path(".transflow")
    front_matter_keys: tuple[str, ...] = ("title", "description")
    threshold: float = DEFAULT_THRESHOLD
    thresholds: dict[str, float] = field(default_factory=dict)
    file: Path | None = None
    sections: dict[str, Section] = field(default_factory=dict)

    def section(self, name: str) -> Section:
        """Settings of a stage that validates its own keys (merge, tm, mt, checks)."""
        return self.sections.get(name) or Section(name, {}, {}, self.file)

    @property
    def templates_dir(self) -> Path:
        return self.translations_dir / "templates"

    def template_path(self, slug: str) -> Path:
        return self.templates_dir / f"{slug}.pot"

    def catalog_path(self, lang: str, slug: str) -> Path:
        return self.translations_dir / lang / f"{slug}.po"

    def output_path(self, lang: str, slug: str) -> Path:
        return self.build_dir / lang / f"{slug}.md"

    def threshold_for(self, lang: str) -> float:
        return self.thresholds.get(lang, self.threshold)

    def relative(self, path: Path) -> str:
        """A path as users see it in messages and `#:` references: relative to the project."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def with_overrides(
        self,
        languages_: tuple[str, ...] | None = None,
        threshold: float | None = None,
        build_dir: Path | None = None,
    ) -> Config:
        """Apply command-line options, which win over the file."""
        changes: dict = {}
        if languages_:
            changes["languages"] = tuple(languages.check(code, "--lang") for code in languages_)
        if threshold is not None:
            changes["threshold"] = threshold
            changes["thresholds"] = {}
        if build_dir is not None:
            changes["build_dir"] = build_dir.resolve()
        return replace(self, **changes)


def load(root: Path, config_file: Path | None = None) -> Config:
    """Read the project's config; without a transflow.yml the defaults apply."""
    root = root.resolve()
    path = (config_file or root / CONFIG_NAME).resolve()
    if not path.exists():
        if config_file is not None:
            raise TransflowError("no such config file", config_file)
        config = Config(root=root)
    else:
        config = _from_yaml(root, path)
    return _resolve_paths(config)


def _resolve_paths(config: Config) -> Config:
    root = config.root
    return replace(
        config,
        source_dir=root / config.source_dir,
        translations_dir=root / config.translations_dir,
        build_dir=root / config.build_dir,
        glossary_file=root / config.glossary_file,
        state_dir=root / config.state_dir,
    )


def _from_yaml(root: Path, path: Path) -> Config:
    text = read_text(path)
    try:
        node = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise TransflowError(f"invalid YAML: {getattr(exc, 'problem', exc)}", path, line) from None
    if node is None:
        return Config(root=root, file=path)
    reader = _Reader(path)
    top = reader.mapping(node, "")
    values: dict = {"root": root, "file": path}
    if "project" in top:
        values["project"] = reader.string(top["project"], "project")
    if "source_language" in top:
        values["source_language"] = reader.language(top["source_language"])
    if "languages" in top:
        values["languages"] = reader.language_list(top["languages"])
    if "paths" in top:
        paths = reader.mapping(top["paths"], "paths")
        names = {
            "source": "source_dir",
            "translations": "translations_dir",
            "build": "build_dir",
            "glossary": "glossary_file",
            "state": "state_dir",
        }
        for key, attribute in names.items():
            if key in paths:
                values[attribute] = Path(reader.string(paths[key], f"paths.{key}"))
    if "extract" in top:
        extract = reader.mapping(top["extract"], "extract")
        if "front_matter_keys" in extract:
            values["front_matter_keys"] = tuple(
                reader.string_list(extract["front_matter_keys"], "extract.front_matter_keys")
            )
    if "build" in top:
        build = reader.mapping(top["build"], "build")
        if "threshold" in build:
            values["threshold"] = reader.percent(build["threshold"], "build.threshold")
        if "thresholds" in build:
            per_language = reader.mapping(build["thresholds"], None)
            values["thresholds"] = {
                languages.check(code, str(path), per_language[code].start_mark.line + 1): reader.percent(
                    value, f"build.thresholds.{code}"
                )
                for code, value in per_language.items()
            }
    values["sections"] = {
        name: reader.section(top[name], name) for name in ("merge", "tm", "mt", "checks") if name in top
    }
    config = Config(**values)
    if config.source_language in config.languages:
        line = top["languages"].start_mark.line + 1
        raise TransflowError(
            f"the source language {config.source_language!r} cannot also be a target language",
            path,
            line,
        )
    return config


class _Reader:
    """Typed access to YAML nodes that reports the node's own line on a wrong value."""

    def __init__(self, path: Path):
        self.path = path

    def fail(self, node: yaml.Node, message: str) -> TransflowError:
        return TransflowError(message, self.path, node.start_mark.line + 1)

    def mapping(self, node: yaml.Node, section: str | None) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"'{section or 'this'}' must be a mapping of key: value")
        result: dict[str, yaml.Node] = {}
        allowed = _SCHEMA.get(section) if section is not None else None
        for key_node, value_node in node.value:
            key = key_node.value
            if allowed is not None and key not in allowed:
                where = f" in '{section}'" if section else ""
                expected = ", ".join(sorted(allowed))
                raise self.fail(key_node, f"unknown setting '{key}'{where} (expected: {expected})")
            if key in result:
                raise self.fail(key_node, f"setting '{key}' is given twice")
            result[key] = value_node
        return result

    def section(self, node: yaml.Node, name: str) -> Section:
        nodes = self.mapping(node, None)
        values = {key: yaml.safe_load(yaml.serialize(value)) for key, value in nodes.items()}
        lines = {key: value.start_mark.line + 1 for key, value in nodes.items()}
        return Section(name, values, lines, self.path)

    def scalar(self, node: yaml.Node, name: str) -> object:
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, f"'{name}' must be a single value")
        return yaml.safe_load(yaml.serialize(node))

    def string(self, node: yaml.Node, name: str) -> str:
        value = self.scalar(node, name)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(node, f"'{name}' must be a non-empty text")
        return value

    def string_list(self, node: yaml.Node, name: str) -> list[str]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, f"'{name}' must be a list")
        return [self.string(item, name) for item in node.value]

    def language(self, node: yaml.Node) -> str:
        return languages.check(self.scalar(node, "language"), str(self.path), node.start_mark.line + 1)

    def language_list(self, node: yaml.Node) -> tuple[str, ...]:
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            raise self.fail(node, "'languages' must be a non-empty list of language codes")
        codes = tuple(self.language(item) for item in node.value)
        if len(set(codes)) != len(codes):
            raise self.fail(node, "'languages' lists a language twice")
        return codes

    def percent(self, node: yaml.Node, name: str) -> float:
        value = self.scalar(node, name)
        if isinstance(value, str) and value.strip().endswith("%"):
            with contextlib.suppress(ValueError):
                value = float(value.strip()[:-1])
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 100:
            raise self.fail(node, f"'{name}' must be a percentage from 0 to 100")
        return float(value)


def merge_options(config: Config, fuzzy: bool | None = None, purge_obsolete: bool | None = None) -> MergeOptions:
    """The ``merge:`` section, with the command line's overrides."""
    section = config.section("merge")
    section.check_keys({"fuzzy", "fuzzy_threshold", "purge_obsolete"})
    values: dict[str, object] = {}
    for key in ("fuzzy", "purge_obsolete"):
        value = section.get(key, getattr(MergeOptions, key))
        if not isinstance(value, bool):
            raise section.error(key, "must be true or false")
        values[key] = value
    threshold = section.get("fuzzy_threshold", FUZZY_THRESHOLD)
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not (0 < threshold <= 100):
        raise section.error("fuzzy_threshold", "must be a similarity from 1 to 100 (GNU msgmerge uses 60)")
    values["fuzzy_threshold"] = float(threshold)
    if fuzzy is not None:
        values["fuzzy"] = fuzzy
    if purge_obsolete is not None:
        values["purge_obsolete"] = purge_obsolete
    return MergeOptions(**values)  # type: ignore[arg-type]
