"""Finding the source articles and giving each its slug: the names every later stage keys on."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from transflow.errors import TransflowError
from transflow.formats.fileio import read_text
from transflow.formats.markdown import Article, parse_article
from transflow.stages.settings import Config

_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


@dataclass(frozen=True)
class Source:
    """A parsed source article and the slug its catalogs and outputs are named after."""

    slug: str
    path: Path
    article: Article


def discover(config: Config) -> list[Path]:
    """Every Markdown file in the source folder, in a stable order."""
    folder = config.source_dir
    if not folder.is_dir():
        raise TransflowError("source folder not found (set paths.source in transflow.yml)", config.relative(folder))
    return sorted(folder.glob("*.md"))


def load(config: Config, path: Path, text: str | None = None) -> Source:
    """The article at `path`; `text` is its content when the caller has already read it."""
    relative = config.relative(path)
    text = read_text(path) if text is None else text
    article = parse_article(text, relative, config.front_matter_keys)
    slug = article.front_matter.get("slug", path.stem)
    if not isinstance(slug, str) or not _SLUG.match(slug):
        line = _key_line(article, "slug")
        raise TransflowError(f"slug {slug!r} must be lowercase letters, digits, '-', '_' or '.'", relative, line)
    return Source(slug, path, article)


def _key_line(article: Article, key: str) -> int:
    for number, (content, _ending) in enumerate(article.lines, start=1):
        if content.startswith(f"{key}:"):
            return number
    return 1


def check_unique(sources: list[Source], config: Config) -> None:
    """Two articles with one slug would write into each other's catalogs."""
    seen: dict[str, Source] = {}
    for source in sources:
        other = seen.get(source.slug)
        if other is not None:
            raise TransflowError(
                f"slug {source.slug!r} is already used by {config.relative(other.path)}",
                config.relative(source.path),
                _key_line(source.article, "slug"),
            )
        seen[source.slug] = source


def load_all(config: Config) -> list[Source]:
    sources = [load(config, path) for path in discover(config)]
    check_unique(sources, config)
    return sources
