"""transflow.yml -> Config: the one place where every setting is defined, validated and documented.

The schema, every key optional (defaults in the dataclasses below; `_KEYS` lists the keys accepted):

    project                           Config.project: Project-Id-Version of the catalogs
    source_language, languages        Config.source_language, Config.languages
    paths: source, translations,      Config.source_dir, translations_dir, build_dir, glossary_file,
           build, glossary, state       state_dir, relative to the project root
    extract: front_matter_keys        ExtractSettings
    build: threshold, thresholds      BuildSettings
    site: layout, include, exclude,   SiteSettings: which files are articles, where outputs go, how
          links                         links between articles are rewritten (stages/layouts.py)
    merge: ...                        MergeOptions (defined in domain/catalog, parsed here)
    tm: ...                           MemorySettings
    mt: ...                           EngineSettings
    checks: ...                       CheckSettings

The top level, paths, extract, build and site are validated when the file is loaded. merge, tm, mt and
checks are validated when a command first uses them (`config.merge`, `.tm`, `.mt`, `.checks`), once
per command, so a command fails only on the settings it reads. Every error names the file and the
line of the bad value.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import string
import zlib
from dataclasses import dataclass, field, fields, is_dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import yaml

from transflow.domain import languages
from transflow.domain.catalog import FUZZY_THRESHOLD, MergeOptions
from transflow.domain.units import DEFAULT_UNITS
from transflow.errors import TransflowError
from transflow.formats.fileio import read_text
from transflow.formats.yamlfile import compose, plain

if TYPE_CHECKING:
    from collections.abc import Callable

CONFIG_NAME = "transflow.yml"
DEFAULT_THRESHOLD = 80.0
# Across articles a 60% match (msgmerge's bar within one catalog, where it is usually the same
# paragraph edited) is mostly a different statement sharing a phrase; CAT tools pre-translate
# from about 70-75%. 75 keeps suggestions a translator would start from rather than delete.
TM_THRESHOLD = 75.0
# mt: numeric settings -> (type, lowest, highest)
_ENGINE_NUMBERS = {
    "concurrency": (int, 1, 64),
    "rate_limit": (float, 0, 1000),
    "timeout": (float, 0.1, 600),
    "retries": (int, 0, 20),
    "backoff": (float, 0, 60),
    "max_backoff": (float, 0, 3600),
    "save_interval": (float, 0.1, 3600),
    "retry_after_unreachable": (float, 0, 86400),
}
# The language-model engine's keys (engine: llm); the other engines ignore them.
_LLM_NUMBERS = {
    "temperature": (float, 0, 2),
    "max_tokens": (int, 64, 1_000_000),
    "tokens_per_minute": (int, 0, 1_000_000_000),
    "context": (int, 0, 50),
    "batch_size": (int, 1, 500),
}
_LLM_KEYS = {"base_url", "model", "api_key_env", "requests_per_minute", "prices", "style", *_LLM_NUMBERS}


_COUNTS = {"strings": ("strings",), "words": ("words",), "both": ("strings", "words")}

# Known keys per section; anything else is a typo we report rather than ignore.
_KEYS: dict[str, set[str]] = {
    "": {"project", "source_language", "languages", "paths", "extract", "build", "site", "merge", "tm", "mt", "checks"},
    "paths": {"source", "translations", "build", "glossary", "state"},
    "extract": {"front_matter_keys"},
    "build": {"threshold", "thresholds"},
    "site": {"layout", "include", "exclude", "links", "link_base"},
    "merge": {"fuzzy", "fuzzy_threshold", "purge_obsolete"},
    "tm": {"exact", "imported", "fuzzy", "fuzzy_threshold"},
    "mt": {"engine", "url", *_ENGINE_NUMBERS, *_LLM_KEYS},
    "checks": {"disable", "severity", "thresholds", "count", "max_obsolete", "length_ratio", "units"},
}
_PATHS = {
    "source": "source_dir",
    "translations": "translations_dir",
    "build": "build_dir",
    "glossary": "glossary_file",
    "state": "state_dir",
}
# The folders transflow writes into, which must lie inside the project (unless --allow-outside)
_WRITTEN_PATHS = ("translations", "build", "state")
# Marks a field that changes no output (where state is kept, how fast the engine is asked), so
# that `Config.fingerprint` leaves it out; every other field counts.
_NO_OUTPUT = {"output": False}


# ----------------------------------------------------------------------------------------------
# The settings of each stage
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExtractSettings:
    """``extract:``: which front-matter keys are translatable."""

    front_matter_keys: tuple[str, ...] = ("title", "description")


@dataclass(frozen=True)
class BuildSettings:
    """``build:``: how much of an article must be translated before it is published (percent)."""

    threshold: float = DEFAULT_THRESHOLD
    thresholds: dict[str, float] = field(default_factory=dict)  # per language, over `threshold`

    def threshold_for(self, lang: str) -> float:
        return self.thresholds.get(lang, self.threshold)


# Output layouts of the common site generators, relative to paths.build (README, "Site generators").
LAYOUTS = {
    "transflow": "{lang}/{dir}/{slug}.md",
    "hugo": "{lang}/{path}.md",  # a content directory per language (languages.<lang>.contentDir)
    "hugo-suffix": "{path}.{lang}.md",  # one content directory, the language in the file name
    "mkdocs-i18n-folder": "{lang}/{path}.md",  # mkdocs-static-i18n, docs_structure: folder
    "mkdocs-i18n-suffix": "{path}.{lang}.md",  # mkdocs-static-i18n, docs_structure: suffix
    "docusaurus": "i18n/{lang}/docusaurus-plugin-content-docs/current/{path}.md",
    "jekyll": "{lang}/{path}.md",
    "eleventy": "{lang}/{path}.md",
}
LAYOUT_FIELDS = ("lang", "path", "dir", "stem", "slug")
LINK_FALLBACKS = ("source", "keep")
LINK_BASES = ("output", "source")


@dataclass(frozen=True)
class SiteSettings:
    """``site:``: which files under paths.source are articles, and where their translations go.

    ``layout`` is a preset name from `LAYOUTS` or a pattern with {lang}, {path} (the source's path
    under paths.source without .md), {dir}, {stem} and {slug}, relative to paths.build. ``links``
    says where a link to an article not published in a language points: its source-language page
    (`source`), or the link stays as written (`keep`), for generators that fall back themselves.
    ``link_base`` is where relative links start from: the output file (`output`), or the source's
    place (`source`) for generators that read each language's folder as a copy of the source tree
    (Hugo's contentDir per language, mkdocs-static-i18n's folder structure).
    """

    layout: str = LAYOUTS["transflow"]
    include: tuple[str, ...] = ("**/*.md",)
    exclude: tuple[str, ...] = ()
    links: str = "source"
    link_base: str = "output"


@dataclass(frozen=True)
class MemorySettings:
    """``tm:``: how translation-memory matches fill a catalog."""

    exact: str = "approve"  # exact match of a translation approved here: approve | fuzzy
    imported: str = "fuzzy"  # exact match found only in an imported TMX: approve | fuzzy
    fuzzy: bool = True  # insert similar matches, as fuzzy
    fuzzy_threshold: float = TM_THRESHOLD  # similarity 1-99


@dataclass(frozen=True)
class LlmSettings:
    """The `mt:` keys of the language-model engine (`llm`); the other engines ignore them."""

    model: str = ""
    api_key_env: str = "OPENAI_API_KEY"
    temperature: float = 0.0
    max_tokens: int = 4096
    tokens_per_minute: int = 0  # 0: no limit
    context: int = 2  # neighbouring source segments shown on each side of a segment
    batch_size: int = 20  # segments of one article per request
    prices: tuple[float, float] | None = None  # USD per million input and output tokens, for `model`
    style: tuple[tuple[str, str, str], ...] = ()  # the project's style guide: (aspect, language or "", rule)


@dataclass(frozen=True)
class EngineSettings:
    """``mt:``, after command-line overrides: which engine, and how hard to push it."""

    name: str = "google"  # the `engine` key
    url: str | None = None  # the engine's server (libre) or another endpoint with the same API
    concurrency: int = field(default=4, metadata=_NO_OUTPUT)  # requests in flight
    rate_limit: float = field(default=0.0, metadata=_NO_OUTPUT)  # requests per second; 0: no limit
    timeout: float = field(default=20.0, metadata=_NO_OUTPUT)  # seconds per request
    retries: int = field(default=4, metadata=_NO_OUTPUT)  # after the first attempt
    backoff: float = field(default=0.5, metadata=_NO_OUTPUT)  # first retry delay, doubled each time
    max_backoff: float = field(default=30.0, metadata=_NO_OUTPUT)
    save_interval: float = field(default=5.0, metadata=_NO_OUTPUT)  # seconds between catalog saves
    llm: LlmSettings = field(default_factory=LlmSettings)  # the language-model engine's own keys

    # seconds during which `run` does not ask an engine it found unreachable (offline costs nothing)
    retry_after_unreachable: float = field(default=600.0, metadata=_NO_OUTPUT)

    @property
    def identity(self) -> str:
        """Names the engine in cache keys and translator comments (a URL and a model, never a key)."""
        return " ".join(filter(None, [self.name, self.llm.model if self.name == "llm" else "", self.url]))


@dataclass(frozen=True)
class CheckSettings:
    """``checks:``: which checks run, how severe they are, and the CI gate's thresholds."""

    disabled: frozenset[str] = frozenset()  # the `disable` key
    severity: dict[str, str] = field(default_factory=dict)  # check -> error | warning
    thresholds: dict[str, float] = field(default_factory=dict)  # language -> percent translated
    count: tuple[str, ...] = ("strings", "words")  # the `count` key: strings, words or both
    max_obsolete: int = 20
    length_ratio: tuple[float, float] = (0.5, 2.0)
    units: tuple[str, ...] = DEFAULT_UNITS  # the default units and the project's own (the `units` key adds)

    def enabled(self, name: str) -> bool:
        return name not in self.disabled

    def severity_of(self, name: str) -> str:
        from transflow.domain.checks import CHECKS  # the registry loads only for commands that check

        return self.severity.get(name, CHECKS[name].severity)


# ----------------------------------------------------------------------------------------------
# The whole file
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """A stage's raw settings with the line of each key, so its parser can report bad values."""

    name: str
    values: dict[str, object]
    lines: dict[str, int]
    file: Path | None

    def get(self, key: str, default: object = None) -> object:
        return self.values.get(key, default)

    def error(self, key: str, message: str) -> TransflowError:
        """An error about one setting, pointing at its line in transflow.yml."""
        return TransflowError(f"{self.name}.{key}: {message}", self.file or CONFIG_NAME, self.lines.get(key))

    def check_keys(self) -> None:
        allowed = _KEYS[self.name]
        for key in self.values:
            if key not in allowed:
                expected = ", ".join(sorted(allowed))
                raise self.error(key, f"unknown setting (expected: {expected})")


@dataclass(frozen=True)
class Config:
    """Project settings with every path resolved against the project root."""

    root: Path = field(metadata=_NO_OUTPUT)
    project: str = "transflow"
    source_language: str = "nl"
    languages: tuple[str, ...] = ("en", "de", "fr")
    source_dir: Path = Path("source")
    translations_dir: Path = Path("translations")
    build_dir: Path = Path("build")
    glossary_file: Path = Path("glossary.yml")
    state_dir: Path = field(default=Path(".transflow"), metadata=_NO_OUTPUT)
    extract: ExtractSettings = ExtractSettings()
    build: BuildSettings = BuildSettings()
    site: SiteSettings = SiteSettings()
    file: Path | None = field(default=None, metadata=_NO_OUTPUT)
    shard: tuple[int, int] | None = field(default=None, metadata=_NO_OUTPUT)  # --shard K/N: (K, N)
    # merge, tm, mt, checks as written, parsed on first use by the properties below
    sections: dict[str, Section] = field(default_factory=dict, metadata=_NO_OUTPUT)
    # what the file leaves to guesswork (a default taken, a path that looks mistyped), for the CLI to say
    warnings: tuple[str, ...] = field(default=(), metadata=_NO_OUTPUT)

    def section(self, name: str) -> Section:
        """The raw settings of a stage parsed on first use (merge, tm, mt, checks)."""
        return self.sections.get(name) or Section(name, {}, {}, self.file)

    @cached_property
    def merge(self) -> MergeOptions:
        return _merge_options(self.section("merge"))

    @cached_property
    def tm(self) -> MemorySettings:
        return _memory_settings(self.section("tm"))

    @cached_property
    def mt(self) -> EngineSettings:
        return settings_from_config(self.section("mt"))

    @cached_property
    def checks(self) -> CheckSettings:
        return _check_settings(self.section("checks"))

    def fingerprint(self) -> str:
        """What the outputs of extract, update, translate and build depend on.

        Derived from the fields of the settings, so a new setting counts unless marked
        `_NO_OUTPUT`. `checks:` is left out: it changes what `check` reports, no file.
        """
        from transflow import __version__

        stages = {name: _outputs(getattr(self, name)) for name in ("merge", "tm", "mt")}
        data = [__version__, _outputs(self), stages]
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]

    @property
    def front_matter_keys(self) -> tuple[str, ...]:
        return self.extract.front_matter_keys

    def threshold_for(self, lang: str) -> float:
        return self.build.threshold_for(lang)

    @property
    def templates_dir(self) -> Path:
        return self.translations_dir / "templates"

    def template_path(self, slug: str) -> Path:
        return self.templates_dir / f"{slug}.pot"

    def catalog_path(self, lang: str, slug: str) -> Path:
        return self.translations_dir / lang / f"{slug}.po"

    def in_shard(self, name: str) -> bool:
        """Whether this job (`--shard K/N`) handles the article: a stable hash of its name, so
        that adding an article moves no other one to another shard."""
        if self.shard is None:
            return True
        number, count = self.shard
        return zlib.crc32(name.encode("utf-8")) % count == number - 1

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
        allow_outside: bool = False,
        shard: tuple[int, int] | None = None,
    ) -> Config:
        """Apply command-line options, which win over the file."""
        changes: dict[str, Any] = {}
        if languages_:
            codes = tuple(languages.check(code, "--lang") for code in languages_)
            if self.source_language in codes:
                raise TransflowError(f"--lang {self.source_language}: that is the source language, not a target")
            changes["languages"] = codes
        if threshold is not None:
            changes["build"] = BuildSettings(threshold)
        if build_dir is not None:
            changes["build_dir"] = _inside(self.root, build_dir.resolve(), "--output", allow_outside)
        if shard is not None:
            changes["shard"] = shard
        return replace(self, **changes)

    @property
    def is_project(self) -> bool:
        """A transflow.yml, articles or catalogs: a folder with none of them is not a project."""
        return self.file is not None or self.source_dir.is_dir() or self.translations_dir.is_dir()


def _outputs(settings: object) -> dict[str, object]:
    """The fields of a settings object that change outputs, as JSON-ready values."""
    return {
        item.name: _plain(getattr(settings, item.name))
        for item in fields(settings)  # type: ignore[arg-type]
        if item.metadata.get("output", True)
    }


def _plain(value: object) -> object:
    if is_dataclass(value):
        return _outputs(value)
    if isinstance(value, (frozenset, set)):
        return sorted(value)
    if isinstance(value, Path):
        return str(value)
    return value


def load(root: Path, config_file: Path | None = None, allow_outside: bool = False) -> Config:
    """Read the project's config; without a transflow.yml the defaults apply.

    Folders transflow writes to (translations, build, state) must lie inside the project unless
    ``allow_outside``: a stray absolute or ``../`` path would write over someone else's files.
    """
    if not root.is_dir():
        raise TransflowError("project folder does not exist", root)
    root = root.resolve()
    path = (config_file or root / CONFIG_NAME).resolve()
    if not path.exists():
        if config_file is not None:
            raise TransflowError("no such config file", config_file)
        config = Config(root=root)
    else:
        config = _from_yaml(root, path)
    config = _resolve_paths(config)
    for key in _WRITTEN_PATHS:
        _inside(root, getattr(config, _PATHS[key]), f"paths.{key}", allow_outside, config.file)
    return config


def _resolve_paths(config: Config) -> Config:
    return replace(config, **{name: config.root / getattr(config, name) for name in _PATHS.values()})


def _inside(root: Path, folder: Path, name: str, allow_outside: bool, file: Path | None = None) -> Path:
    resolved = folder.resolve()
    if not allow_outside and not resolved.is_relative_to(root):
        raise TransflowError(
            f"{name}: {folder} is outside the project folder; pass --allow-outside if that is meant", file
        )
    return folder


def _guesswork(root: Path, file: Path, top: dict[str, yaml.Node], paths: dict[str, Path]) -> tuple[str, ...]:
    """Settings that are valid yet probably not what was meant: said, never silently acted on."""
    where = file.name
    found = []
    if "languages" not in top:
        found.append(f"{where}: no 'languages:' set; translating into the default {', '.join(Config.languages)}")
    glossary = paths.get("glossary")
    if glossary is not None and not (root / glossary).exists():
        found.append(f"{where}: paths.glossary: {glossary.as_posix()} does not exist; no glossary is enforced")
    translations = paths.get("translations")
    if translations is not None and not (root / translations).exists():
        elsewhere = sorted(pot.parent.parent.relative_to(root).as_posix() for pot in root.glob("*/templates/*.pot"))
        if elsewhere:
            found.append(
                f"{where}: paths.translations: {translations.as_posix()} does not exist, but {elsewhere[0]} "
                "holds catalogs: a typo? (a new, empty tree would be made)"
            )
    return tuple(found)


def _from_yaml(root: Path, path: Path) -> Config:
    node = compose(read_text(path), path)
    if node is None:
        return Config(root=root, file=path)
    reader = _Reader(path)
    top = reader.mapping(node, "")
    values: dict[str, Any] = {"root": root, "file": path}
    if "project" in top:
        values["project"] = reader.string(top["project"], "project")
    if "source_language" in top:
        values["source_language"] = reader.language(top["source_language"])
    if "languages" in top:
        values["languages"] = reader.language_list(top["languages"])
    paths: dict[str, Path] = {}
    if "paths" in top:
        nodes = reader.mapping(top["paths"], "paths")
        paths = {key: Path(reader.string(nodes[key], f"paths.{key}")) for key in _PATHS if key in nodes}
        values.update({_PATHS[key]: path for key, path in paths.items()})
    values["warnings"] = _guesswork(root, path, top, paths)
    if "extract" in top:
        values["extract"] = _extract_settings(reader, reader.mapping(top["extract"], "extract"))
    if "build" in top:
        values["build"] = _build_settings(reader, reader.mapping(top["build"], "build"))
    if "site" in top:
        values["site"] = _site_settings(reader, reader.mapping(top["site"], "site"))
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


def _extract_settings(reader: _Reader, extract: dict[str, yaml.Node]) -> ExtractSettings:
    if "front_matter_keys" not in extract:
        return ExtractSettings()
    return ExtractSettings(tuple(reader.string_list(extract["front_matter_keys"], "extract.front_matter_keys")))


def _build_settings(reader: _Reader, build: dict[str, yaml.Node]) -> BuildSettings:
    values: dict[str, Any] = {}
    if "threshold" in build:
        values["threshold"] = reader.percent(build["threshold"], "build.threshold")
    if "thresholds" in build:
        per_language = reader.mapping(build["thresholds"], None)
        values["thresholds"] = {
            languages.check(code, str(reader.path), value.start_mark.line + 1): reader.percent(
                value, f"build.thresholds.{code}"
            )
            for code, value in per_language.items()
        }
    return BuildSettings(**values)


def _site_settings(reader: _Reader, site: dict[str, yaml.Node]) -> SiteSettings:
    values: dict[str, Any] = {}
    if "layout" in site:
        layout = reader.string(site["layout"], "site.layout")
        layout = LAYOUTS.get(layout, layout)
        try:
            names = {name for _text, name, _spec, _conversion in string.Formatter().parse(layout) if name is not None}
        except ValueError:
            names = {"{"}
        unknown = sorted(names - set(LAYOUT_FIELDS))
        if unknown or "{lang}" not in layout or not layout.endswith(".md"):
            raise reader.fail(
                site["layout"],
                f"'site.layout' must be a preset ({', '.join(LAYOUTS)}) or a path pattern ending in .md with "
                f"{{lang}} and any of {{path}}, {{dir}}, {{stem}}, {{slug}}"
                + (f" (unknown: {unknown[0]})" if unknown and unknown[0] != "{" else ""),
            )
        values["layout"] = layout
    for key in ("include", "exclude"):
        if key in site:
            values[key] = tuple(reader.string_list(site[key], f"site.{key}"))
    if "links" in site:
        links = reader.scalar(site["links"], "site.links")
        if links not in LINK_FALLBACKS:
            raise reader.fail(site["links"], "'site.links' must be 'source' or 'keep'")
        values["links"] = links
    if "link_base" in site:
        base = reader.scalar(site["link_base"], "site.link_base")
        if base not in LINK_BASES:
            raise reader.fail(site["link_base"], "'site.link_base' must be 'output' or 'source'")
        values["link_base"] = base
    return SiteSettings(**values)


def parse_percent(value: object) -> float | None:
    """A percentage from 0 to 100, written as a number or with a % sign; None if it is not one."""
    value = _without_percent_sign(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 100:
        return None
    return float(value)


def _without_percent_sign(value: object) -> object:
    if isinstance(value, str) and value.strip().endswith("%"):
        with contextlib.suppress(ValueError):
            return float(value.strip()[:-1])
    return value


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
        allowed = _KEYS.get(section) if section is not None else None
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
        values = {key: plain(value) for key, value in nodes.items()}
        lines = {key: value.start_mark.line + 1 for key, value in nodes.items()}
        return Section(name, values, lines, self.path)

    def scalar(self, node: yaml.Node, name: str) -> object:
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, f"'{name}' must be a single value")
        return plain(node)

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
        value = parse_percent(self.scalar(node, name))
        if value is None:
            raise self.fail(node, f"'{name}' must be a percentage from 0 to 100")
        return value


# ----------------------------------------------------------------------------------------------
# The sections parsed on first use
# ----------------------------------------------------------------------------------------------


def _boolean(section: Section, key: str, default: bool) -> bool:
    value = section.get(key, default)
    if not isinstance(value, bool):
        raise section.error(key, "must be true or false")
    return value


def _similarity(section: Section, key: str, default: float, accept: Callable[[float], bool], message: str) -> float:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not accept(value):
        raise section.error(key, message)
    return float(value)


def _merge_options(section: Section) -> MergeOptions:
    section.check_keys()
    fuzzy = _boolean(section, "fuzzy", MergeOptions.fuzzy)
    purge_obsolete = _boolean(section, "purge_obsolete", MergeOptions.purge_obsolete)
    threshold = _similarity(
        section,
        "fuzzy_threshold",
        FUZZY_THRESHOLD,
        lambda value: 0 < value <= 100,
        "must be a similarity from 1 to 100 (GNU msgmerge uses 60)",
    )
    return MergeOptions(fuzzy=fuzzy, fuzzy_threshold=threshold, purge_obsolete=purge_obsolete)


def merge_options(config: Config, fuzzy: bool | None = None, purge_obsolete: bool | None = None) -> MergeOptions:
    """The ``merge:`` section, with the command line's overrides."""
    overrides = {"fuzzy": fuzzy, "purge_obsolete": purge_obsolete}
    return replace(config.merge, **{key: value for key, value in overrides.items() if value is not None})


def _memory_settings(section: Section) -> MemorySettings:
    section.check_keys()
    policies = {}
    for key in ("exact", "imported"):
        value = section.get(key, getattr(MemorySettings, key))
        if value not in ("approve", "fuzzy"):
            raise section.error(key, "must be 'approve' or 'fuzzy'")
        policies[key] = str(value)
    fuzzy = _boolean(section, "fuzzy", MemorySettings.fuzzy)
    # A similarity of 100 is an exact match, which `exact` and `imported` decide.
    threshold = _similarity(
        section, "fuzzy_threshold", TM_THRESHOLD, lambda value: 0 < value < 100, "must be a similarity from 1 to 99"
    )
    return MemorySettings(fuzzy=fuzzy, fuzzy_threshold=threshold, **policies)


def settings_from_config(section: Section, engine: str | None = None, url: str | None = None) -> EngineSettings:
    """Validate `mt:` (each bad value reported at its line) and apply --engine / --engine-url."""
    # The engines load only for commands that translate.
    from transflow.stages.engines.llm import DEFAULT_URL
    from transflow.stages.engines.registry import ENGINES

    section.check_keys()
    values: dict[str, Any] = _llm_values(section)
    name = section.get("engine", "google")
    if not isinstance(name, str) or name not in ENGINES:
        raise section.error("engine", f"unknown engine {name!r} (known: {', '.join(ENGINES)})")
    values["name"] = name
    url_value = section.get("url")
    if url_value is not None:
        if not isinstance(url_value, str) or not _is_url(url_value):
            raise section.error("url", "must be an http(s) URL, e.g. http://localhost:5000/")
        values["url"] = url_value
    for key, (kind, low, high) in _ENGINE_NUMBERS.items():
        value = section.get(key)
        if value is not None:
            values[key] = _number(section, key, kind, low, high)
    if engine is not None:
        if engine not in ENGINES:
            raise TransflowError(f"--engine: unknown engine {engine!r} (known: {', '.join(ENGINES)})")
        values["name"] = engine
        if engine != name and url is None:
            values.pop("url", None)
    if url is not None:
        if not _is_url(url):
            raise TransflowError(f"--engine-url: not an http(s) URL: {url!r}")
        values["url"] = url
    if values["name"] == "llm":
        values.setdefault("url", DEFAULT_URL)
    return EngineSettings(**values)


def _number(section: Section, key: str, kind: type, low: float, high: float) -> Any:
    value = section.get(key)
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or (kind is int and not isinstance(value, int))
        or not low <= value <= high
    ):
        raise section.error(key, f"must be a{'n integer' if kind is int else ' number'} from {low} to {high}")
    return kind(value)


def _llm_values(section: Section) -> dict[str, Any]:
    """`base_url` and `requests_per_minute` (spellings of `url` and `rate_limit`), and the `llm` settings."""
    values: dict[str, Any] = {}
    for spelling, key in (("base_url", "url"), ("requests_per_minute", "rate_limit")):
        if section.get(spelling) is not None and section.get(key) is not None:
            raise section.error(spelling, f"set either {spelling} or {key}, not both")
    base_url = section.get("base_url")
    if base_url is not None:
        if not isinstance(base_url, str) or not _is_url(base_url):
            raise section.error("base_url", "must be an http(s) URL, e.g. http://localhost:11434/v1")
        values["url"] = base_url
    if section.get("requests_per_minute") is not None:
        values["rate_limit"] = _number(section, "requests_per_minute", float, 0, 60_000) / 60
    llm: dict[str, Any] = {
        key: _number(section, key, kind, low, high)
        for key, (kind, low, high) in _LLM_NUMBERS.items()
        if section.get(key) is not None
    }
    for key in ("model", "api_key_env"):
        if section.get(key) is not None:
            if not isinstance(section.get(key), str) or not str(section.get(key)).strip():
                raise section.error(key, "must be a non-empty text")
            llm[key] = str(section.get(key)).strip()
    if "api_key_env" in llm and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", llm["api_key_env"]):
        raise section.error("api_key_env", "must name an environment variable (the key itself never goes in this file)")
    prices = section.get("prices")
    if prices is not None:
        llm["prices"] = _price(section, prices, llm.get("model", ""))
    if section.get("style") is not None:
        llm["style"] = _style(section, section.get("style"))
    values["llm"] = LlmSettings(**llm)
    return values


def _price(section: Section, prices: object, model: str) -> tuple[float, float] | None:
    """The model's (input, output) USD per million tokens from `prices: {model: {input: .., output: ..}}`."""
    if not isinstance(prices, dict) or not all(
        isinstance(price, dict)
        and set(price) == {"input", "output"}
        and all(_is_amount(value) for value in price.values())
        for price in prices.values()
    ):
        raise section.error("prices", "must map each model to {input: USD, output: USD} per million tokens")
    price = prices.get(model)
    return None if price is None else (float(price["input"]), float(price["output"]))


def _is_amount(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0


def _style(section: Section, style: object) -> tuple[tuple[str, str, str], ...]:
    """`style: {aspect: rule}` or `{aspect: {language: rule}}` -> (aspect, language or "", rule)."""
    rules: list[tuple[str, str, str]] = []
    if isinstance(style, dict):
        for aspect, rule in style.items():
            if isinstance(rule, str):
                rules.append((str(aspect), "", rule))
            elif isinstance(rule, dict) and all(isinstance(text, str) for text in rule.values()):
                rules.extend((str(aspect), str(lang), text) for lang, text in rule.items())
            else:
                break
        else:
            return tuple(rules)
    raise section.error("style", "must map each aspect (register, spelling, quotes) to a rule or a rule per language")


def _is_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _check_settings(section: Section) -> CheckSettings:
    from transflow.domain.checks import CHECKS, SEVERITIES  # the registry loads only for commands that check

    section.check_keys()

    def names(key: str) -> list[str]:
        value = section.get(key, [])
        value = [value] if isinstance(value, str) else value
        if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
            raise section.error(key, "must be a list of check names")
        unknown = [name for name in value if name not in CHECKS]
        if unknown:
            raise section.error(key, f"unknown check {unknown[0]!r} (see `transflow check --list`)")
        return value

    severity = section.get("severity", {})
    if not isinstance(severity, dict):
        raise section.error("severity", "must map check names to error or warning")
    for name, level in severity.items():
        if name not in CHECKS:
            raise section.error("severity", f"unknown check {name!r}")
        if level not in SEVERITIES:
            raise section.error("severity", f"{name}: {level!r} is not error or warning")
    thresholds = section.get("thresholds", {})
    if not isinstance(thresholds, dict):
        raise section.error("thresholds", "must map language codes to percentages (en: 100%)")
    count = section.get("count", "both")
    if count not in _COUNTS:
        raise section.error("count", "must be strings, words or both")
    max_obsolete = section.get("max_obsolete", 20)
    if isinstance(max_obsolete, bool) or not isinstance(max_obsolete, int) or max_obsolete < 0:
        raise section.error("max_obsolete", "must be a whole number, 0 or more")
    ratio = section.get("length_ratio", [0.5, 2.0])
    if (
        not isinstance(ratio, list)
        or len(ratio) != 2
        or not all(isinstance(x, (int, float)) and x > 0 for x in ratio)
        or ratio[0] > ratio[1]
    ):
        raise section.error("length_ratio", "must be [lowest, highest], e.g. [0.5, 2.0]")
    units = section.get("units", [])
    if not isinstance(units, list) or not all(isinstance(unit, str) and unit.strip() for unit in units):
        raise section.error("units", "must be a list of unit symbols to add to the default ones, e.g. [mEq, IU]")
    return CheckSettings(
        disabled=frozenset(names("disable")),
        severity=dict(severity),
        thresholds={str(lang): _threshold(section, str(lang), value) for lang, value in thresholds.items()},
        count=_COUNTS[count],
        max_obsolete=max_obsolete,
        length_ratio=(float(ratio[0]), float(ratio[1])),
        units=(*DEFAULT_UNITS, *(unit.strip() for unit in units)),
    )


def _threshold(section: Section, lang: str, value: object) -> float:
    percent = parse_percent(value)
    if percent is None:
        raise section.error("thresholds", f"{lang}: {_without_percent_sign(value)!r} is not a percentage from 0 to 100")
    return percent
