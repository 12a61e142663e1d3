"""The build stage: a source article and one approved catalog -> one localized article."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import polib

from transflow.domain.catalog import Counts, approved_translations, count
from transflow.domain.text import shorten
from transflow.formats.fileio import atomic_write_text, read_text
from transflow.formats.markdown import render_article
from transflow.formats.pofile import read_po
from transflow.stages.settings import Config
from transflow.stages.sources import Source, output_path

if TYPE_CHECKING:
    from transflow.stages.site import Site

WRITTEN, UNCHANGED, SKIPPED = "built", "unchanged", "skipped"


@dataclass
class BuildResult:
    slug: str
    lang: str
    output: Path
    status: str
    counts: Counts
    reason: str = ""
    refused: list[str] = field(default_factory=list)
    consulted: list[Path] = field(default_factory=list)  # catalogs of linked articles: where the links point


def build_article(
    config: Config, source: Source, lang: str, catalog: polib.POFile, catalog_path: Path, site: Site | None = None
) -> BuildResult:
    """Write the localized article if enough of it is translated; otherwise say why not.

    Untranslated and fuzzy entries fall back to the source text. A stale output of an article that
    fell below its threshold is removed, so an outdated translation is never published. With the
    `site`, links to other articles and files are localized (stages/site.py).
    """
    output = output_path(config, source, lang)
    counts = count(catalog)
    threshold = config.threshold_for(lang)
    if counts.percent < threshold:
        reason = f"{counts.percent:.0f}% translated, below the {threshold:g}% threshold"
        if output.exists():
            output.unlink()
            reason += " (removed the old output)"
        return BuildResult(source.slug, lang, output, SKIPPED, counts, reason)
    rendered = render_article(source.article, approved_translations(catalog), lang)
    where = config.relative(catalog_path)
    lines = _lines(catalog, catalog_path) if rendered.refused else {}
    refused = [
        f"{where}:{lines.get(r.msgid, 1)}: translation of {shorten(r.msgid, 50, one_line=True)!r} not used: {r.reason}"
        for r in rendered.refused
    ]
    text, consulted = site.localize(source, lang, rendered.text, output) if site else (rendered.text, [])
    if output.exists() and read_text(output) == text:
        return BuildResult(source.slug, lang, output, UNCHANGED, counts, refused=refused, consulted=consulted)
    atomic_write_text(output, text)
    return BuildResult(source.slug, lang, output, WRITTEN, counts, refused=refused, consulted=consulted)


def _lines(catalog: polib.POFile, catalog_path: Path) -> dict[str, int]:
    """Each entry's line in the file; a catalog made in memory (by `run`) has none, so its file,
    written just before, is read for them."""
    if any(entry.linenum is None for entry in catalog):
        catalog = read_po(catalog_path)
    return {entry.msgid: entry.linenum for entry in catalog if not entry.obsolete}
