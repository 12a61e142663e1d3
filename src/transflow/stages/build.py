"""The build stage: a source article and one approved catalog -> one localized article."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import polib

from transflow.domain.catalog import Counts, approved_translations, count
from transflow.domain.text import shorten
from transflow.errors import TransflowError
from transflow.formats.fileio import REWRITE_ATTEMPTS, atomic_write_text, read_text
from transflow.formats.markdown import render_article
from transflow.formats.pofile import parse_po, read_po
from transflow.stages.settings import Config
from transflow.stages.sources import Source, output_path

if TYPE_CHECKING:
    from transflow.stages.site import Site

WRITTEN, UNCHANGED, SKIPPED = "built", "unchanged", "skipped"
OUTPUTS_NAME = "outputs.json"  # in the state folder: every output transflow wrote


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


def build_current(
    config: Config,
    source: Source,
    lang: str,
    catalog_path: Path,
    held: tuple[str, polib.POFile] | None = None,
    site: Site | None = None,
) -> tuple[BuildResult, os.stat_result]:
    """Build from the catalog as it is when the output is written, so a translator's save made
    meanwhile is built too. ``held`` is the catalog's text and parsed form when the caller has them.

    Returns the result and the catalog's status taken before its last comparison, which therefore
    describes a file no newer than the one built: a later save is seen as a change.
    """
    for _attempt in range(REWRITE_ATTEMPTS):
        text, catalog = held or (None, None)
        if text is None or catalog is None:
            text = read_text(catalog_path)
            catalog = parse_po(text, catalog_path)
        result = build_article(config, source, lang, catalog, catalog_path, site)
        status = catalog_path.stat()
        if read_text(catalog_path) == text:
            return result, status
        held = None
    raise TransflowError(
        f"changed by another program {REWRITE_ATTEMPTS} times while being built; run the command again", catalog_path
    )


def _lines(catalog: polib.POFile, catalog_path: Path) -> dict[str, int | None]:
    """Each entry's line in the file; a catalog made in memory (by `run`) has none, so its file,
    written just before, is read for them."""
    if any(entry.linenum is None for entry in catalog):
        catalog = read_po(catalog_path)
    return {entry.msgid: entry.linenum for entry in catalog if not entry.obsolete}


def forget_deleted(config: Config, outputs: Iterable[Path], live: set[Path]) -> list[Path]:
    """Remember the outputs just built, and remove those no article produces any more.

    Only files listed as written by transflow are removed, so whatever else is in the build folder
    is safe; ``live`` must hold every output of every article, built now or unchanged since.
    """
    path = config.state_dir / OUTPUTS_NAME
    try:
        known = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = []  # a lost list only means outputs of deleted articles stay, as before it existed
    files = {Path(name) for name in known if isinstance(name, str)} if isinstance(known, list) else set()
    files.update(outputs)
    removed = sorted(output for output in files if output not in live)
    for output in removed:
        output.unlink(missing_ok=True)
    kept = sorted(str(output) for output in files if output in live)
    if kept != known:
        atomic_write_text(path, json.dumps(kept, indent=0))
    return removed
