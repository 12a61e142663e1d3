"""The shipped articles as their editor left them: captions readers can see, citations that point somewhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import ROOT, copy_project, transflow
from transflow.formats.pofile import read_po

SOURCES = sorted((ROOT / "source").glob("*.md"))

# Every caption line of the original scrape (/work/shared/seed/000_6d69f1ce9ecb84c0.txt), verbatim, per article;
# the only editorial change is the full stop the last caption of the soil article lacked.
CAPTIONS = {
    "uitgeputte-bodem-en-wereldwijd-tekort-aan-magnesium": [
        "Het verlies van voedingsstoffen begint al lang voordat voedsel ons bord bereikt - de bodemkwaliteit bepaalt "
        "de mineraalrijkdom waarvan ons lichaam afhankelijk is.",
        "Als de bodem gezond is, is de gezondheid van de mens dat ook - magnesiumrijke aarde blijft de basis van "
        "veerkrachtige voeding.",
        "Lokaal, mineraalrijk volwaardig voedsel helpt de magnesiuminname te ondersteunen in een tijd waarin "
        "grootschalige landbouw de dichtheid van voedingsstoffen in de bodem heeft verminderd.",
    ],
    "11-tekenen-van-een-magnesiumtekort": [
        "Het behouden van gezonde magnesiumniveaus ondersteunt evenwichtige energie, spierprestaties en algehele "
        "vitaliteit tijdens dagelijkse activiteiten.",
        "Voldoende magnesium bevordert ontspanning en ondersteunt een diepe, herstellende slaap die essentieel is voor "
        "herstel en concentratie.",
        "Magnesium ondersteunt gezonde zenuwsignalen en spierfunctie - en helpt kracht, coördinatie en veerkracht te "
        "behouden naarmate we ouder worden.",
    ],
    "tekenen-en-symptomen-van-magnesiumtekort": [
        "Uitgebalanceerde maaltijden die rijk zijn aan magnesium helpen de vitaliteit en het algehele welzijn op elke "
        "leeftijd te ondersteunen.*",
        "Voldoende magnesium ondersteunt een rustige, herstellende slaap en helpt het lichaam op natuurlijke wijze te "
        "ontspannen.*",
        "Bladgroenten, noten en peulvruchten bieden natuurlijk magnesium voor een gezond evenwicht en energie.*",
    ],
}
SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


def visible_caption(caption: str) -> str:
    """The caption as an italic paragraph of its own; a claim asterisk is escaped so it stays visible."""
    return "*" + caption.replace("*", "\\*") + "*"


def paragraphs(text: str) -> list[str]:
    """Blank-line separated blocks with wrapped lines joined, as a reader sees them."""
    return [" ".join(line.strip() for line in block.splitlines()) for block in re.split(r"\n\s*\n", text)]


def test_every_article_has_its_captions_listed():
    assert sorted(CAPTIONS) == sorted(path.stem for path in SOURCES)


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: path.stem)
def test_every_caption_is_visible_text_in_the_source(path: Path):
    blocks = paragraphs(path.read_text(encoding="utf-8"))
    for caption in CAPTIONS[path.stem]:
        assert visible_caption(caption) in blocks, caption


def test_every_caption_is_visible_text_in_the_built_english_articles(tmp_path: Path):
    project = copy_project(tmp_path, with_translations=True)
    result = transflow(project, "run", "--lang", "en")
    assert result.exit_code == 0, result.output
    for slug, captions in CAPTIONS.items():
        catalog = {entry.msgid: entry.msgstr for entry in read_po(project / "translations" / "en" / f"{slug}.po")}
        blocks = paragraphs((project / "build" / "en" / f"{slug}.md").read_text(encoding="utf-8"))
        for caption in captions:
            english = catalog[visible_caption(caption)]
            assert english.startswith("*") and english.endswith("*") and not english.startswith("*!["), english
            assert english in blocks, english


def citation_markers(text: str) -> set[int]:
    return {int(marker.translate(SUPERSCRIPT_DIGITS)) for marker in re.findall(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+", text)}


def reference_numbers(text: str) -> set[int]:
    references = text.split("\n## Referenties\n", 1)[1]
    return {int(number) for number in re.findall(r"^(\d+)\. ", references, flags=re.MULTILINE)}


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: path.stem)
def test_every_citation_marker_has_a_numbered_reference(path: Path):
    text = path.read_text(encoding="utf-8")
    body, _ = text.split("\n## Referenties\n", 1)
    numbers = reference_numbers(text)
    assert numbers == set(range(1, len(numbers) + 1)) and numbers, path.name
    assert citation_markers(body) <= numbers, path.name


def test_markers_are_read_as_numbers():
    assert citation_markers("energie.⁹ Zonder, signalering.¹⁰ Het, stress.¹¹") == {9, 10, 11}
