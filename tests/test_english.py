"""The shipped English translations: complete, reviewed, consistent, and published by `run`."""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path

from helpers import copy_project, shipped_catalogs, transflow
from transflow.domain.decisions import raise_query
from transflow.domain.state import EntryState, entry_state
from transflow.formats.pofile import read_po
from transflow.stages.reviewing import EntryKey, save_entry

CATALOGS = sorted((shipped_catalogs() / "en").glob("*.po"))
FDA = (
    "These statements have not been evaluated by the Food and Drug Administration. This "
    "product is not intended to diagnose, treat, cure, or prevent any disease."
)


def entries():
    return [(path, entry) for path in CATALOGS for entry in read_po(path) if not entry.obsolete]


def test_three_catalogs_every_entry_translated_and_reviewed():
    assert len(CATALOGS) == 3
    for path, entry in entries():
        assert entry.msgstr and "fuzzy" not in entry.flags, f"{path.name}:{entry.linenum}"
    for path in CATALOGS:
        assert read_po(path).metadata["Last-Translator"] == "transflow team"


def test_same_source_same_translation_everywhere():
    seen: dict[str, str] = {}
    for path, entry in entries():
        assert seen.setdefault(entry.msgid, entry.msgstr) == entry.msgstr, path.name


def test_fda_disclaimer_has_the_standard_wording():
    disclaimers = [entry for _, entry in entries() if "Food and Drug Administration" in entry.msgid]
    assert len(disclaimers) == 3
    assert {entry.msgstr for entry in disclaimers} == {FDA}


def test_brand_always_written_with_its_mark():
    for path, entry in entries():
        assert not re.search(r"Magtein(?!®)", entry.msgstr), f"{path.name}:{entry.linenum}"


def test_no_dutch_left_in_the_reference_lists():
    dutch = re.compile(
        r"\b(?:Gepubliceerd|Geraadpleegd|Bijgewerkt|Beschikbaar|van|het|een|en|"
        r"de|Voedingsmiddelen)\b"
    )
    citations = [
        (path, entry)
        for path, entry in entries()
        if "references" in (entry.comment or "")
        or re.search(
            r"\d{4};\d|Accessed|Updated|"
            r"April 27, 2011",
            entry.msgstr,
        )
    ]
    assert len(citations) == 17
    for path, entry in citations:
        assert not dutch.search(entry.msgstr), f"{path.name}:{entry.linenum}: {entry.msgstr}"


def test_check_passes_without_warnings(tmp_path: Path):
    result = transflow(copy_project(tmp_path, with_translations=True), "check", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "0 error(s), 0 warning(s)" in result.output


def test_run_publishes_the_three_english_articles(tmp_path: Path):
    project = copy_project(tmp_path, with_translations=True)
    result = transflow(project, "run", "--lang", "en")
    assert result.exit_code == 0, result.output
    built = sorted((project / "build" / "en").glob("*.md"))
    assert [path.stem for path in built] == [path.stem for path in CATALOGS]
    for path in built:
        text = path.read_text(encoding="utf-8")
        assert "lang: en" in text and FDA in text
        assert "## References" in text and "Referenties" not in text


def test_no_english_entry_is_held_by_a_query():
    assert [f"{path.name}:{entry.linenum}" for path, entry in entries() if entry_state(entry) is EntryState.QUERY] == []


def test_a_query_on_the_liu_2016_reference_blocks_check_report_and_build(tmp_path: Path):
    """The corrected reference is approved; were a translator to doubt it again, every tool says so."""
    project = copy_project(tmp_path, with_translations=True)
    path = project / "translations" / "en" / "tekenen-en-symptomen-van-magnesiumtekort.po"
    [liu] = [entry for entry in read_po(path) if entry.msgid.startswith("Liu G, Weinger JG")]
    assert entry_state(liu) is EntryState.APPROVED and "J Alzheimers Dis. 2016;49(4):971-990" in liu.msgstr
    note = "could not verify the pages 971-990 against the journal"
    save_entry(
        path, EntryKey(liu.msgctxt, liu.msgid), partial(raise_query, note=note, reviewer="Eva", when="2026-11-26")
    )
    line = read_po(path).find(liu.msgid).linenum

    checked = transflow(project, "check", "--lang", "en")
    assert checked.exit_code == 1
    where = "translations/en/tekenen-en-symptomen-van-magnesiumtekort.po"
    assert f"{where}:{line}: error: query: waiting for the editor's answer: {note} (Eva, 2026-11-26)" in checked.output

    reported = transflow(project, "report", "--lang", "en")
    assert reported.exit_code == 0 and "(3 article(s), 1 of " in reported.output
    page = (project / "build" / "report" / "en.html").read_text(encoding="utf-8")
    assert 'class="entry query' in page and note in page

    stats = transflow(project, "stats", "--lang", "en").output.splitlines()
    assert stats[0].split()[6] == "query"
    assert [line.split()[6] for line in stats if line.startswith("tekenen-en-symptomen")] == ["1"]

    built = transflow(project, "build", "--lang", "en")
    assert "tekenen-en-symptomen-van-magnesiumtekort" in built.output and "below the 100% threshold" in built.output
    assert not (project / "build" / "en" / "tekenen-en-symptomen-van-magnesiumtekort.md").exists()
