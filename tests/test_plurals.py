"""Plural entries (msgid_plural, msgstr[N]), which extraction never makes but PO editors and other
tools can add: kept by update, obsolete and revived as msgmerge does, counted as translated only
when every form is, written as msgcat writes them, and harmless to build."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from helpers import copy_project, transflow
from msgmerge_oracle import MSGMERGE, msgmerge
from transflow.domain.catalog import count, merge
from transflow.formats.pofile import format_po, parse_po, read_po

pytestmark = [pytest.mark.reliability, pytest.mark.skipif(MSGMERGE is None, reason="GNU gettext not installed")]

HEADER = """\
msgid ""
msgstr ""
"Language: {lang}\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: {forms}\\n"
"""
GERMAN = HEADER.format(lang="de", forms="nplurals=2; plural=(n != 1);")
POLISH = HEADER.format(
    lang="pl", forms="nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
)
TEMPLATE_HEADER = HEADER.format(lang="", forms="nplurals=INTEGER; plural=EXPRESSION;")

OLD = """
#: a.md:1
msgid "One tablet a day."
msgstr "Eine Tablette am Tag."

#: a.md:2
msgid "{n} capsule of magnesium"
msgid_plural "{n} capsules of magnesium"
msgstr[0] "{n} Kapsel Magnesium"
msgstr[1] "{n} Kapseln Magnesium"

#: a.md:3
msgid "{n} week"
msgid_plural "{n} weeks"
msgstr[0] "{n} Woche"
msgstr[1] "{n} Wochen"

#: a.md:4
msgid "{n} day of rest"
msgid_plural "{n} days of rest"
msgstr[0] "{n} Ruhetag"
msgstr[1] ""

#~ msgid "{n} glass of water"
#~ msgid_plural "{n} glasses of water"
#~ msgstr[0] "{n} Glas Wasser"
#~ msgstr[1] "{n} Gläser Wasser"
"""

# The capsule entry leaves, the week entry changes a little, the glass entry comes back, and a new
# plural entry arrives; the singular entry and the half-translated one stay.
TEMPLATE = """
#: a.md:1
msgid "One tablet a day."
msgstr ""

#: a.md:3
msgid "{n} week long"
msgid_plural "{n} weeks long"
msgstr[0] ""
msgstr[1] ""

#: a.md:4
msgid "{n} day of rest"
msgid_plural "{n} days of rest"
msgstr[0] ""
msgstr[1] ""

#: a.md:5
msgid "{n} glass of water"
msgid_plural "{n} glasses of water"
msgstr[0] ""
msgstr[1] ""

#: a.md:6
msgid "{n} new study"
msgid_plural "{n} new studies"
msgstr[0] ""
msgstr[1] ""
"""


def ours_and_msgmerge(tmp_path, old_text: str, template_text: str) -> tuple[str, str]:
    old_path, template_path, theirs = tmp_path / "old.po", tmp_path / "new.pot", tmp_path / "theirs.po"
    old_path.write_text(old_text, encoding="utf-8")
    template_path.write_text(template_text, encoding="utf-8")
    msgmerge(old_path, template_path, theirs)
    merged, _ = merge(read_po(template_path), read_po(old_path))
    return format_po(merged), theirs.read_text(encoding="utf-8")


def test_merge_of_plural_entries_is_msgmerges_byte_for_byte(tmp_path):
    ours, theirs = ours_and_msgmerge(tmp_path, GERMAN + OLD, TEMPLATE_HEADER + TEMPLATE)
    assert ours == theirs
    assert '#~ msgid_plural "{n} capsules of magnesium"' in ours  # obsolete, with both forms
    assert '#~ msgstr[1] "{n} Kapseln Magnesium"' in ours
    assert '#| msgid_plural "{n} weeks"' in ours  # fuzzy, with the previous plural


def test_new_plural_entries_get_as_many_forms_as_the_language_has(tmp_path):
    ours, theirs = ours_and_msgmerge(tmp_path, POLISH, TEMPLATE_HEADER + TEMPLATE)
    assert ours == theirs
    assert 'msgstr[2] ""' in ours


def test_an_entry_that_becomes_or_stops_being_plural_is_fuzzy_as_in_msgmerge(tmp_path):
    old = GERMAN + '\nmsgid "{n} week"\nmsgid_plural "{n} weeks"\nmsgstr[0] "{n} Woche"\nmsgstr[1] "{n} Wochen"\n'
    old += '\nmsgid "one day"\nmsgstr "ein Tag"\n'
    template = TEMPLATE_HEADER + '\nmsgid "{n} week"\nmsgstr ""\n'
    template += '\nmsgid "one day"\nmsgid_plural "{n} days"\nmsgstr[0] ""\nmsgstr[1] ""\n'
    ours, theirs = ours_and_msgmerge(tmp_path, old, template)
    assert ours == theirs
    assert 'msgstr[1] "ein Tag"' in ours


def test_update_keeps_a_translated_plural_entry_that_left_the_template(tmp_path):
    project = copy_project(tmp_path)
    assert transflow(project, "extract").exit_code == 0
    assert transflow(project, "update", "--lang", "de").exit_code == 0
    path = next((project / "translations/de").glob("*.po"))
    path.write_text(path.read_text(encoding="utf-8") + OLD.split("\n\n")[1] + "\n", encoding="utf-8")
    result = transflow(project, "update", "--lang", "de")
    assert result.exit_code == 0, result.output
    assert f"{path.name} (kept " in result.output and "obsolete 1," in result.output
    (obsolete,) = [entry for entry in read_po(path) if entry.obsolete]
    assert obsolete.msgid_plural == "{n} capsules of magnesium"
    assert obsolete.msgstr_plural == {0: "{n} Kapsel Magnesium", 1: "{n} Kapseln Magnesium"}
    check = subprocess.run([shutil.which("msgfmt"), "-c", "-o", "/dev/null", str(path)], capture_output=True)
    assert check.returncode == 0, check.stderr


def test_a_plural_entry_counts_as_translated_only_with_every_form():
    counts = count(parse_po(GERMAN + OLD, "old.po"))
    assert (counts.translated, counts.untranslated, counts.obsolete) == (3, 1, 1)
    fuzzy = parse_po(GERMAN + OLD.replace("#: a.md:3\n", "#: a.md:3\n#, fuzzy\n"), "old.po")
    assert (count(fuzzy).translated, count(fuzzy).fuzzy) == (2, 1)


def test_plural_catalogs_round_trip_as_msgcat_writes_them(tmp_path):
    path = tmp_path / "old.po"
    path.write_text(GERMAN + OLD, encoding="utf-8")
    msgcat = subprocess.run([shutil.which("msgcat"), str(path)], capture_output=True, text=True, check=True).stdout
    assert format_po(parse_po(msgcat, path)) == msgcat


def test_build_ignores_plural_entries_matching_a_paragraph(tmp_path):
    project = copy_project(tmp_path)
    assert transflow(project, "extract").exit_code == 0
    assert transflow(project, "update", "--lang", "en").exit_code == 0
    path = next((project / "translations/en").glob("*.po"))
    short = next(entry.msgid for entry in read_po(path) if len(entry.msgid) < 50 and '"' not in entry.msgid)
    text = path.read_text(encoding="utf-8")
    entry = f'msgid "{short}"\nmsgstr ""\n'
    assert entry in text
    text = text.replace(entry, f'msgid "{short}"\nmsgid_plural "x"\nmsgstr[0] "A"\nmsgstr[1] "B"\n')
    path.write_text(text, encoding="utf-8")
    result = transflow(project, "build", "--lang", "en", "--threshold", "0")
    assert result.exit_code == 0, result.output
    built = (project / "build/en" / f"{path.stem}.md").read_text(encoding="utf-8")
    assert short in built
