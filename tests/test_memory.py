"""The translation memory: an SQLite index of the approved translations of every catalog."""

from __future__ import annotations

import sqlite3

import polib
import pytest

from helpers import copy_project, transflow
from transflow.errors import TransflowError
from transflow.formats.pofile import read_po, write_po
from transflow.stages import settings as config_module
from transflow.stages.memory import TranslationMemory, apply_memory

SENTENCE = "Magnesium helpt de spieren te ontspannen na een lange dag."
SIMILAR = "Magnesium helpt de spieren te ontspannen na een heel lange dag."


def _catalog(lang: str | None, *entries: tuple[str, str, list[str]]) -> polib.POFile:
    catalog = polib.POFile(wrapwidth=79)
    catalog.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    if lang:
        catalog.metadata["Language"] = lang
    for msgid, msgstr, flags in entries:
        catalog.append(polib.POEntry(msgid=msgid, msgstr=msgstr, flags=flags))
    return catalog


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    (root / "transflow.yml").write_text("languages: [en, de]\n", encoding="utf-8")
    obsolete = polib.POEntry(msgid="Oud", msgstr="Old")
    obsolete.obsolete = True
    first = _catalog(
        "en",
        (SENTENCE, "Magnesium helps muscles relax after a long day.", []),
        ("Vermoeidheid", "Fatigue", []),
        ("Twijfel", "Doubt", ["fuzzy"]),
        ("Leeg", "", []),
    )
    first.append(obsolete)
    write_po(root / "translations/en/a.po", first)
    write_po(
        root / "translations/en/b.po", _catalog("en", ("Vermoeidheid", "Tiredness", []), ("Moeheid", "Fatigue", []))
    )
    return root


def _open(project, notices=None) -> TranslationMemory:
    return TranslationMemory.open(config_module.load(project), (notices if notices is not None else []).append)


def _sources(memory: TranslationMemory) -> list[tuple[str, str]]:
    return sorted(memory.connection.execute("SELECT source, target FROM units"))


def test_only_approved_translations_are_indexed(project):
    memory = _open(project)
    assert _sources(memory) == [
        (
            "Magnesium helpt de spieren te ontspannen na een lange dag.",
            "Magnesium helps muscles relax after a long day.",
        ),
        ("Moeheid", "Fatigue"),
        ("Vermoeidheid", "Fatigue"),
        ("Vermoeidheid", "Tiredness"),
    ]
    memory.close()


def test_refresh_reads_only_changed_catalogs_and_forgets_deleted_ones(project):
    _open(project).close()
    memory = _open(project)
    assert memory.refresh() == 0
    path = project / "translations/en/b.po"
    catalog = read_po(path)
    catalog.append(polib.POEntry(msgid="Nieuw", msgstr="New"))
    write_po(path, catalog)
    assert memory.refresh() == 1
    assert ("Nieuw", "New") in _sources(memory)
    path.unlink()
    memory.refresh()
    assert [source for source, _ in _sources(memory)] == [SENTENCE, "Vermoeidheid"]
    memory.close()


def test_lookup_exact_approved_first_then_fuzzy(project):
    memory = _open(project)
    found = memory.lookup("en", [SENTENCE, SIMILAR, "Iets heel anders"])
    exact = found[SENTENCE]
    assert (exact.score, exact.approved, exact.origin) == (100.0, True, "translations/en/a.po:6")
    similar = found[SIMILAR]
    assert similar.text == exact.text and 75 <= similar.score < 100 and not similar.approved
    assert similar.source == SENTENCE
    assert "Iets heel anders" not in found
    assert memory.lookup("de", [SENTENCE]) == {}
    memory.close()


def test_apply_memory_policy_and_comments(project):
    write_po(project / "translations/de/a.po", _catalog("de", (SENTENCE, "Magnesium hilft.", [])))
    catalog = _catalog(
        "en",
        (SENTENCE, "", []),
        (SIMILAR, "", []),
        ("Vermoeidheid", "Mine", []),
        ("Moeheid", "", ["fuzzy"]),
        ("Onbekend", "", []),
    )
    memory = _open(project)
    fill = apply_memory(catalog, "en", memory)
    assert (fill.approved, fill.exact_fuzzy, fill.fuzzy, fill.filled) == (1, 0, 1, 2)
    exact, similar, translated, fuzzy, unknown = catalog
    assert exact.msgstr == "Magnesium helps muscles relax after a long day."
    assert "fuzzy" not in exact.flags
    assert exact.tcomment == "translation memory: exact match, approved in translations/en/a.po:6"
    assert "fuzzy" in similar.flags and similar.msgstr == exact.msgstr
    assert similar.tcomment.startswith("translation memory: ")
    assert "% match from translations/en/a.po:6, whose source is: " + SENTENCE in similar.tcomment
    assert (translated.msgstr, fuzzy.msgstr, unknown.msgstr) == ("Mine", "", "")
    memory.close()


def test_exact_matches_can_be_left_fuzzy(project):
    (project / "transflow.yml").write_text(
        "languages: [en, de]\ntm:\n  exact: fuzzy\n  fuzzy: false\n", encoding="utf-8"
    )
    catalog = _catalog("en", (SENTENCE, "", []), (SIMILAR, "", []))
    memory = _open(project)
    fill = apply_memory(catalog, "en", memory)
    assert (fill.exact_fuzzy, fill.fuzzy) == (1, 0)
    assert "fuzzy" in catalog[0].flags and catalog[1].msgstr == ""
    memory.close()


def test_bad_tm_settings_name_the_line(project):
    (project / "transflow.yml").write_text("languages: [en]\ntm:\n  exact: always\n", encoding="utf-8")
    with pytest.raises(TransflowError, match=r"transflow.yml:3: tm.exact: must be 'approve'"):
        config_module.load(project).tm  # noqa: B018 (parsed on first use)


def test_corrupt_database_is_rebuilt_with_a_notice(project):
    _open(project).close()
    (project / ".transflow/tm.sqlite").write_bytes(b"this is not a database" * 100)
    notices: list[str] = []
    memory = _open(project, notices)
    assert len(_sources(memory)) == 4
    assert notices and "damaged" in notices[0] and "rebuilding it from the catalogs" in notices[0]
    memory.close()


def test_locked_database_falls_back_to_a_temporary_memory(project):
    _open(project).close()
    (project / "translations/en/b.po").touch()  # so that the next open must write
    blocker = sqlite3.connect(str(project / ".transflow/tm.sqlite"))
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        notices: list[str] = []
        memory = _open(project, notices)
        assert len(_sources(memory)) == 4
        assert "locked" in notices[0] and "temporary" in notices[0]
        memory.close()
    finally:
        blocker.rollback()
        blocker.close()


def test_missing_language_header_is_taken_from_the_folder(project):
    write_po(project / "translations/de/c.po", _catalog(None, ("Vermoeidheid", "Müdigkeit", [])))
    notices: list[str] = []
    memory = _open(project, notices)
    assert memory.lookup("de", ["Vermoeidheid"])["Vermoeidheid"].text == "Müdigkeit"
    assert notices == ["translations/de/c.po: no Language in the header; taking 'de' from its folder"]
    memory.close()


def test_language_header_contradicting_the_folder_is_an_error(project):
    write_po(project / "translations/de/c.po", _catalog("fr", ("Vermoeidheid", "Fatigue", [])))
    with pytest.raises(TransflowError) as error:
        _open(project)
    assert str(error.value).startswith("translations/de/c.po:")
    assert "Language: fr, but the catalog is in the 'de' folder" in str(error.value)


def test_duplicate_entries_are_an_error_naming_the_line(project):
    path = project / "translations/en/b.po"
    path.write_text(path.read_text(encoding="utf-8") + '\nmsgid "Moeheid"\nmsgstr "X"\n', encoding="utf-8")
    with pytest.raises(TransflowError, match=r"translations/en/b.po:\d+: duplicate entry"):
        _open(project)


def test_rebuild_command_on_the_shipped_project(tmp_path):
    project = copy_project(tmp_path, with_translations=True)
    result = transflow(project, "tm", "rebuild")
    assert result.exit_code == 0, result.output
    assert "rebuilt   .transflow/tm.sqlite (" in result.output
    assert (project / ".transflow/tm.sqlite").exists()
