"""Moving or renaming an article keeps its translations, as `git mv` keeps history: by content.

An article with no template yet is compared with the templates no article claims any more; when
at least half of its strings are the same as one's, that template and its catalogs move to the
article's new name. `update` then merges the moved catalogs as it merges any catalog: strings
that changed become fuzzy, strings that left become obsolete, nothing a translator wrote is lost.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from transflow.formats.pofile import read_po
from transflow.stages.settings import Config
from transflow.stages.sources import Listed, Source, load, named_files

SIMILARITY = 0.5  # share of strings in common, of the larger of the two articles


def follow_renames(
    config: Config, sources: list[Source] | list[Listed], others: Iterable[str] = ()
) -> list[tuple[str, str]]:
    """Move the catalogs of renamed articles to their new names; (old, new) for each move.

    `others` names the articles that exist but are not among `sources` (unchanged since `run` last
    saw them): their templates are not orphans. A `Listed` newcomer is parsed here.
    """
    templates = named_files(config.templates_dir, ".pot")
    claimed = {source.slug for source in sources} | set(others)
    orphans = {name: path for name, path in templates.items() if name not in claimed}
    newcomers = [source for source in sources if source.slug not in templates]
    if not orphans or not newcomers:
        return []
    orphan_ids = {name: _msgids(path) for name, path in orphans.items()}
    moves = []
    for source in newcomers:
        article = source.article if isinstance(source, Source) else load(config, source.path).article
        ids = {segment.msgid for segment in article.segments}
        best, score = None, 0.0
        for name, theirs in orphan_ids.items():
            shared = len(ids & theirs) / max(len(ids), len(theirs), 1)
            if shared >= SIMILARITY and shared > score:
                best, score = name, shared
        if best is None:
            continue
        del orphan_ids[best]
        _move(config.templates_dir, best, source.slug, ".pot")
        for lang in config.languages:
            _move(config.translations_dir / lang, best, source.slug, ".po")
        moves.append((best, source.slug))
    return moves


def _msgids(template: Path) -> set[str]:
    return {entry.msgid for entry in read_po(template) if not entry.obsolete}


def _move(folder: Path, old: str, new: str, suffix: str) -> None:
    source = folder / f"{old}{suffix}"
    if not source.exists():
        return
    target = folder / f"{new}{suffix}"
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(source, target)
