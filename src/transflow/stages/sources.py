"""Finding the source articles and naming each: the names every later stage keys on.

An article is found anywhere under the source folder (`site.include` / `site.exclude` globs) and
named by its path there: `guide/install.md` is `guide/install`, and its catalogs mirror that tree
(`translations/de/guide/install.po`). A `slug` in its front matter replaces the file's stem.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any, Protocol, TypeVar

from transflow.errors import TransflowError
from transflow.formats.fileio import read_text
from transflow.formats.markdown import Article, parse_article, parse_front_matter, split_lines
from transflow.stages.settings import Config

_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_SLUG_KEY = re.compile(r"(?:\A|(?<=[\r\n]))slug:")


class Named(Protocol):
    """An article as naming and clashes see it: a parsed `Source` or a `Listed` one."""

    @property
    def slug(self) -> str: ...

    @property
    def path(self) -> Path: ...

    @property
    def relative(self) -> str: ...

    @property
    def slug_line(self) -> int: ...


NamedT = TypeVar("NamedT", bound=Named)


@dataclass(frozen=True)
class Source:
    """A parsed source article and the name its catalogs and outputs are named after.

    ``slug`` is that name: the folders under the source folder, then the front matter's slug or
    the file's stem (`guide/install`; just the slug for an article at the top).
    """

    slug: str
    path: Path
    article: Article
    relative: str  # the file's path under the source folder, with / (guide/install.md)

    @property
    def slug_line(self) -> int:
        return _slug_line(self.article.text)


@dataclass(frozen=True)
class Listed:
    """An article found and named, its front matter read but its body not parsed: a whole project
    is listed this way, then loaded one article at a time (`load`), so it is never all in memory."""

    slug: str
    path: Path
    relative: str
    slug_line: int  # where an error about its name points


def discover(config: Config) -> list[Path]:
    """Every article under the source folder, in a stable order.

    Symbolic links are followed; one that leads back into a folder it is in is an error, as is a
    folder that cannot be read. Outputs that `build` writes into the source folder (a layout like
    `{path}.{lang}.md`) are not articles.
    """
    folder = config.source_dir
    if not folder.is_dir():
        raise TransflowError("source folder not found (set paths.source in transflow.yml)", config.relative(folder))
    include = [_glob_regex(pattern) for pattern in config.site.include]
    exclude = [_glob_regex(pattern) for pattern in config.site.exclude]
    output = _output_regex(config)
    found = []
    for path in _walk(config, folder, (folder.resolve(),)):
        relative = path.relative_to(folder).as_posix()
        if not any(p.match(relative) for p in include) or any(p.match(relative) for p in exclude):
            continue
        if output is not None and output.match(config.relative(path)):
            continue
        found.append(path)
    return sorted(found, key=lambda path: path.relative_to(folder).parts)


def _walk(config: Config, folder: Path, ancestors: tuple[Path, ...]) -> list[Path]:
    files = []
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as exc:
        raise TransflowError(f"cannot read the folder: {exc.strerror}", config.relative(folder)) from None
    for entry in entries:
        path = folder / entry.name
        if entry.is_dir():
            real = path.resolve()
            if real in ancestors:
                loop = f"symbolic link loop: leads back to {config.relative(real)}"
                raise TransflowError(loop, config.relative(path))
            files.extend(_walk(config, path, (*ancestors, real)))
        elif entry.is_file():
            files.append(path)
    return files


@lru_cache(maxsize=64)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    """A glob on paths with /: `*` and `?` stay within a folder, `**/` spans any number of them."""
    out = []
    index = 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
        elif pattern.startswith("**", index):
            out.append(".*")
            index += 2
        else:
            char = pattern[index]
            out.append("[^/]*" if char == "*" else "[^/]" if char == "?" else re.escape(char))
            index += 1
    return re.compile("".join(out) + r"\Z")


def _output_regex(config: Config) -> re.Pattern[str] | None:
    """What the layout writes, as a path relative to the project, when that can be in the source folder."""
    source, build = config.source_dir.resolve(), config.build_dir.resolve()
    if not (source.is_relative_to(build) or build.is_relative_to(source)):
        return None
    languages = "|".join(re.escape(lang) for lang in config.languages)
    fields = {"lang": f"(?:{languages})", "path": ".+", "dir": ".*", "dir/": "(?:.+/)?", "stem": "[^/]+"}
    fields["slug"] = fields["stem"]
    marked = re.sub(r"\{(\w+/?)\}", "\0\\1\0", config.site.layout.replace("{dir}/", "{dir/}"))
    parts = marked.split("\0")  # text, field, text, field, ..., text
    regex = "".join(fields[part] if number % 2 else re.escape(part) for number, part in enumerate(parts))
    prefix = config.relative(config.build_dir)
    return re.compile(("" if prefix == "." else re.escape(prefix) + "/") + regex + r"\Z")


def load(config: Config, path: Path, text: str | None = None) -> Source:
    """The article at `path`; `text` is its content when the caller has already read it."""
    relative = config.relative(path)
    text = read_text(path) if text is None else text
    article = parse_article(text, relative, config.front_matter_keys)
    name, under_source = _named(config, path, article.front_matter, text)
    return Source(name, path, article, under_source)


def listed(config: Config, path: Path) -> Listed:
    """The article at `path`, named and checked as `load` would, without parsing its body."""
    text = read_text(path)
    name, under_source = _named(config, path, parse_front_matter(text, config.relative(path)), text)
    return Listed(name, path, under_source, _slug_line(text))


def _named(config: Config, path: Path, front_matter: dict[str, Any], text: str) -> tuple[str, str]:
    """The article's name (folders and slug) and its path under the source folder."""
    slug = front_matter.get("slug", path.stem)
    if not isinstance(slug, str) or not _SLUG.match(slug):
        raise TransflowError(
            f"slug {slug!r} must be lowercase letters, digits, '-', '_' or '.'", config.relative(path), _slug_line(text)
        )
    under_source = PurePosixPath(path.relative_to(config.source_dir).as_posix())
    folders = under_source.parent.as_posix()
    return (slug if folders == "." else f"{folders}/{slug}"), under_source.as_posix()


def _slug_line(text: str) -> int:
    """The first line starting with `slug:`, or 1."""
    match = _SLUG_KEY.search(text)
    return 1 if match is None else len(split_lines(text[: match.start()])) + 1


def unique(
    sources: list[NamedT], config: Config, owners: dict[str, str] | None = None
) -> tuple[list[NamedT], list[TransflowError]]:
    """The articles no other one clashes with, and an error for the others.

    Two articles with one name would write into each other's catalogs, two with one output into
    each other's pages, so neither is processed; an output outside the build folder would write
    where it should not. ``owners`` maps the names of articles processed before (unchanged since)
    to their file, which keeps its catalogs.
    """
    claimants: dict[str, list[NamedT]] = {}
    for source in sources:
        claimants.setdefault(source.slug, []).append(source)
    outputs: dict[Path, list[tuple[NamedT, str]]] = {}
    problems: list[TransflowError] = []
    clashing: set[Path] = set()
    for source in sources:
        here = config.relative(source.path)
        owner = (owners or {}).get(source.slug)
        named = ([owner] if owner is not None else []) + [
            config.relative(other.path) for other in claimants[source.slug]
        ]
        others = [other for other in named if other != here]
        if others:
            problems.append(
                TransflowError(
                    f"slug {source.slug!r} is already used by {', '.join(others)}; skipped",
                    here,
                    source.slug_line,
                )
            )
            clashing.add(source.path)
            continue
        try:
            for lang in config.languages:
                outputs.setdefault(output_path(config, source, lang), []).append((source, lang))
        except TransflowError as exc:
            problems.append(exc)
            clashing.add(source.path)
    for output, writers in outputs.items():
        first = writers[0][0]
        for source, lang in writers[1:]:
            problems.append(
                TransflowError(
                    f"its {lang} output {config.relative(output)} is also {config.relative(first.path)}'s "
                    f"(site.layout {config.site.layout!r}); skipped",
                    config.relative(source.path),
                )
            )
            clashing.update({first.path, source.path})
    return [source for source in sources if source.path not in clashing], problems


def load_each(config: Config, paths: list[Path]) -> tuple[list[Source], list[TransflowError]]:
    """The articles that can be read, and the error of each one that cannot: one bad article
    is reported and skipped, and the others are still processed."""
    return _each(paths, lambda path: load(config, path))


def list_each(config: Config, paths: list[Path]) -> tuple[list[Listed], list[TransflowError]]:
    """`load_each` without parsing the bodies: the same articles kept, the same errors."""
    return _each(paths, lambda path: listed(config, path))


def list_all(config: Config) -> tuple[list[Listed], list[TransflowError]]:
    """Every article that can be processed (of this job's shard, with `--shard`), checked for
    clashes with all of them, and why each of the others cannot. `load` parses each in turn."""
    found, problems = list_each(config, discover(config))
    kept, clashes = unique(found, config)
    return [article for article in kept if config.in_shard(article.slug)], problems + clashes


ReadT = TypeVar("ReadT")


def _each(paths: list[Path], read: Callable[[Path], ReadT]) -> tuple[list[ReadT], list[TransflowError]]:
    read_ones: list[ReadT] = []
    problems: list[TransflowError] = []
    for path in paths:
        try:
            read_ones.append(read(path))
        except TransflowError as exc:
            problems.append(exc)
    return read_ones, problems


def output_path(config: Config, source: Named, lang: str) -> Path:
    """Where the article's translation into `lang` is written, by `site.layout`."""
    return layout_path(config, source.relative, source.slug, lang)


def layout_path(config: Config, relative: str, name: str, lang: str) -> Path:
    """The output of the article at `relative` under the source folder, named `name`."""
    under = PurePosixPath(relative)
    folders = "" if under.parent.as_posix() == "." else under.parent.as_posix()
    values = {
        "lang": lang,
        "path": under.with_suffix("").as_posix(),
        "dir": folders,
        "stem": under.stem,
        "slug": name.rsplit("/", 1)[-1],
    }
    placed = re.sub("/+", "/", config.site.layout.format(**values)).lstrip("/")
    if ".." in PurePosixPath(placed).parts:
        raise TransflowError(
            f"site.layout {config.site.layout!r} puts the {lang} output outside the build folder: {placed}",
            config.relative(config.source_dir / relative),
        )
    return config.build_dir / placed


def named_files(folder: Path, suffix: str) -> dict[str, Path]:
    """The templates (.pot) or catalogs (.po) under a folder, by article name (`guide/install`)."""
    if not folder.is_dir():
        return {}
    found = {path.relative_to(folder).as_posix()[: -len(suffix)]: path for path in folder.rglob(f"*{suffix}")}
    return dict(sorted(found.items()))


def source_name(config: Config, path: Path) -> str:
    """An article's name from its path alone (a slug in its front matter is not looked at)."""
    return path.relative_to(config.source_dir).with_suffix("").as_posix()


def article_name(config: Config, given: str) -> str:
    """An article as named on the command line: its name, or the path of its source, template or catalog."""
    path = Path(given)
    if path.suffix not in (".md", ".po", ".pot"):
        return given
    folders = [config.source_dir, config.templates_dir, *(config.translations_dir / lang for lang in config.languages)]
    for folder in folders:
        for candidate in (path, Path.cwd() / path, config.root / path):
            if candidate.resolve().is_relative_to(folder.resolve()):
                return candidate.resolve().relative_to(folder.resolve()).with_suffix("").as_posix()
    return path.stem
