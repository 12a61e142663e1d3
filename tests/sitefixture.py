"""The fixture site (tests/fixtures/site): nested folders, links between articles, images with a
German variant, and one article (guide/advanced) left untranslated in German."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polib

from helpers import transflow

SITE = Path(__file__).parent / "fixtures" / "site"
UNTRANSLATED = "guide/advanced"


def make_site(target: Path, settings: str, source: str = "docs", languages: str = "[de]") -> Path:
    """A project with the fixture's articles under `source` and `settings` added to its transflow.yml."""
    project = target / "site"
    shutil.copytree(SITE / "docs", project / source)
    (project / "transflow.yml").write_text(
        f"project: site\nsource_language: nl\nlanguages: {languages}\n{settings}", encoding="utf-8"
    )
    return project


_DESTINATION = re.compile(r"(\]\([^)]*\))")


def shout(text: str) -> str:
    """A stand-in translation: every letter upper-cased, but not in link destinations."""
    return "".join(part if index % 2 else part.upper() for index, part in enumerate(_DESTINATION.split(text)))


def translate_upper(project: Path, translations: Path, skip: str = UNTRANSLATED) -> None:
    """extract + update, then every string translated as its upper case, but in the `skip` article."""
    for command in ("extract", "update"):
        result = transflow(project, command)
        assert result.exit_code == 0, result.output
    for path in sorted(translations.rglob("*.po")):
        if path.relative_to(translations).with_suffix("").as_posix().endswith(skip):
            continue
        catalog = polib.pofile(str(path))
        for entry in catalog:
            entry.msgstr = shout(entry.msgid)
        catalog.save()


def build(project: Path) -> str:
    result = transflow(project, "build")
    assert result.exit_code == 0, result.output
    return result.output
