"""A site's articles seen together: links between them follow the language of the page they are on.

A relative link from one article to another is rewritten to the other's page in the same language
when that page is published (its catalog meets the build threshold), and otherwise to the
source-language page (`site.links: source`) or left as written (`site.links: keep`, for
generators that fall back to the source language themselves: mkdocs-static-i18n, Hugo with a
link render hook). A link to any other file under the source folder (an image, a PDF) is
rewritten to reach it from where the output is, preferring a localized copy beside it
(`figure-1.de.png` for `figure-1.png`). Fragments (`#heading-id`) are kept as written.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from transflow.domain.catalog import count
from transflow.domain.links import rewrite_links
from transflow.formats.pofile import read_po
from transflow.stages.settings import Config
from transflow.stages.sources import Named, Source, discover, layout_path, source_name


@dataclass
class Site:
    """Every article by its path under the source folder, with the name its catalogs have."""

    config: Config
    names: dict[str, str]
    prepare: Callable[[str], None] | None = None  # brings an article's catalogs up to date before they are read
    _published: dict[tuple[str, str], bool] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        config: Config,
        sources: Iterable[Named] = (),
        known: Mapping[str, str] | None = None,
        prepare: Callable[[str], None] | None = None,
    ) -> Site:
        """The site as discovered. Articles already listed (`sources`), or named before (`known`: name
        by path relative to the project), keep their name, which a front-matter slug may have set."""
        folder = config.source_dir
        names = {}
        for path in discover(config):
            remembered = (known or {}).get(config.relative(path))
            names[path.relative_to(folder).as_posix()] = remembered or source_name(config, path)
        names.update({source.relative: source.slug for source in sources})
        return cls(config, names, prepare)

    def published(self, name: str, lang: str) -> bool:
        """Whether `build` publishes the article in `lang`: its catalog is translated enough."""
        key = (name, lang)
        if key not in self._published:
            if self.prepare is not None:
                self.prepare(name)
            path = self.config.catalog_path(lang, name)
            self._published[key] = path.exists() and count(read_po(path)).percent >= self.config.threshold_for(lang)
        return self._published[key]

    def localize(self, source: Source, lang: str, text: str, output: Path) -> tuple[str, list[Path]]:
        """The output's text with its links localized, and the catalogs that decided where they point."""
        consulted: list[Path] = []
        here = PurePosixPath(source.relative).parent
        mirrored = self.config.site.link_base == "source"
        start = (self.config.source_dir / source.relative).parent if mirrored else output.parent

        def rewrite(destination: str) -> str | None:
            target = posixpath.normpath((here / unquote(destination)).as_posix())
            if target.startswith("../"):
                return None
            name = self.names.get(target)
            if name is not None:
                if mirrored:
                    return None  # the generator finds the page in the language's own tree
                consulted.append(self.config.catalog_path(lang, name))
                if self.published(name, lang):
                    place = layout_path(self.config, target, name, lang)
                elif self.config.site.links == "source":
                    place = self.config.source_dir / target
                else:
                    return None
            else:
                place = self.config.source_dir / target
                if not place.is_file():
                    return None
                localized = place.with_name(f"{place.stem}.{lang}{place.suffix}")
                place = localized if localized.is_file() else place
            return Path(os.path.relpath(place, start)).as_posix()

        return rewrite_links(text, rewrite), consulted
