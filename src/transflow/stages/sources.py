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


def unique(
    sources: list[Source], config: Config, owners: dict[str, str] | None = None
) -> tuple[list[Source], list[TransflowError]]:
    """The articles whose slug no other one claims, and an error for the others.

    Two articles with one slug would write into each other's catalogs, so neither is processed;
    ``owners`` maps the slugs of articles processed before (unchanged since) to their file, which
    keeps its catalogs.
    """
    claimants: dict[str, list[Source]] = {}
    for source in sources:
        claimants.setdefault(source.slug, []).append(source)
    kept: list[Source] = []
    problems: list[TransflowError] = []
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
                    _key_line(source.article, "slug"),
                )
            )
        else:
            kept.append(source)
    return kept, problems


def load_each(config: Config, paths: list[Path]) -> tuple[list[Source], list[TransflowError]]:
    """The articles that can be read, and the error of each one that cannot: one bad article
    is reported and skipped, and the others are still processed."""
    sources: list[Source] = []
    problems: list[TransflowError] = []
    for path in paths:
        try:
            sources.append(load(config, path))
        except TransflowError as exc:
            problems.append(exc)
    return sources, problems


def load_all(config: Config) -> tuple[list[Source], list[TransflowError]]:
    """Every article that can be processed, and why each of the others cannot."""
    sources, problems = load_each(config, discover(config))
    kept, clashes = unique(sources, config)
    return kept, problems + clashes
