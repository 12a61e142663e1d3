"""`transflow update` as msgmerge --previous: exact matches, fuzzy matches with #|, obsolete entries.

GNU msgmerge is the oracle on realistic before/after pairs: the three shipped articles with edited
paragraphs, and a generated catalog. Exact carry-over and obsolete entries must agree entirely;
the agreement on fuzzy matches is printed (run pytest with -s to see it). Where they can differ,
ours is the deliberate choice:

- similarity is counted in characters, msgmerge counts UTF-8 bytes: changing "e" to "ë" is one
  edit for us, three for msgmerge, so around the threshold msgmerge rejects matches in accented
  text that differ by as little as the same edit in plain ASCII;
- msgmerge scores every candidate sharing a 4-character sequence with the new string, which is
  why it takes minutes on large catalogs; we score, for a string of 64 characters or more, the 32
  candidates sharing the most uncommon words and word pairs. A sentence rewritten by half whose
  old version shares only common words with it can then miss a 60-65% match msgmerge finds (5 of
  1,500 new strings on a generated 10,000-entry catalog, none on the articles or on 5,000 entries;
  see benchmarks/bench_update.py). That is the price of the speed, not a better choice; the
  suggestion lost is one a translator would mostly rewrite anyway.
"""

from __future__ import annotations

import re
import shutil

import polib
import pytest
from rapidfuzz import fuzz, process

from helpers import copy_project, transflow
from msgmerge_oracle import MSGMERGE, compare, msgmerge
from transflow.domain.catalog import MergeOptions, merge
from transflow.domain.fuzzy import FuzzyIndex
from transflow.errors import TransflowError
from transflow.formats.pofile import read_po, write_po
from transflow.stages import settings as config_module

needs_msgmerge = pytest.mark.skipif(MSGMERGE is None, reason="GNU gettext not installed")


def _catalog(*entries: polib.POEntry) -> polib.POFile:
    catalog = polib.POFile(wrapwidth=79)
    catalog.metadata = {"Language": "en", "Content-Type": "text/plain; charset=UTF-8"}
    for entry in entries:
        catalog.append(entry)
    return catalog


def _template(*msgids: str) -> polib.POFile:
    return _catalog(
        *(
            polib.POEntry(msgid=msgid, occurrences=[("source/a.md", str(line))], comment="paragraph")
            for line, msgid in enumerate(msgids, start=1)
        )
    )


OLD_SENTENCE = "Magnesium helps muscles relax after a long and tiring day."
NEW_SENTENCE = "Magnesium helps the muscles relax after a long and tiring day."


def test_exact_match_keeps_translation_comment_flags_and_takes_template_comments():
    old = _catalog(
        polib.POEntry(
            msgid="Hello",
            msgstr="Hallo",
            tcomment="checked",
            flags=["no-wrap"],
            comment="stale",
            occurrences=[("x.md", "9")],
        )
    )
    merged, stats = merge(_template("Hello"), old)
    entry = merged[0]
    assert (entry.msgstr, entry.tcomment, entry.flags) == ("Hallo", "checked", ["no-wrap"])
    assert (entry.comment, entry.occurrences) == ("paragraph", [("source/a.md", "1")])
    assert (stats.kept, stats.fuzzy, stats.added) == (1, 0, 0)


def test_changed_string_gets_the_old_translation_fuzzy_with_previous_msgid():
    old = _catalog(polib.POEntry(msgid=OLD_SENTENCE, msgstr="Magnesium ontspant.", tcomment="Ann"))
    merged, stats = merge(_template(NEW_SENTENCE), old)
    entry = merged[0]
    assert (entry.msgstr, entry.tcomment, entry.previous_msgid) == ("Magnesium ontspant.", "Ann", OLD_SENTENCE)
    assert "fuzzy" in entry.flags
    assert not [e for e in merged if e.obsolete]  # its translation lives on in the fuzzy entry
    assert (stats.fuzzy, stats.added, stats.obsoleted) == (1, 0, 0)


def test_second_change_keeps_the_last_approved_source_in_previous_msgid():
    once, _ = merge(_template(NEW_SENTENCE), _catalog(polib.POEntry(msgid=OLD_SENTENCE, msgstr="Magnesium ontspant.")))
    third = "Magnesium helps the muscles relax after a long, tiring day."
    twice, stats = merge(_template(third), once)
    assert (twice[0].msgid, twice[0].previous_msgid) == (third, OLD_SENTENCE)
    assert stats.fuzzy == 1


def test_candidates_are_translated_entries_obsolete_ones_included():
    obsolete = polib.POEntry(msgid=OLD_SENTENCE, msgstr="Oud.")
    obsolete.obsolete = True
    untranslated = polib.POEntry(msgid="Magnesium helps muscles relax after a long and tiring da")
    merged, stats = merge(_template(NEW_SENTENCE), _catalog(untranslated, obsolete))
    assert (merged[0].msgstr, merged[0].previous_msgid) == ("Oud.", OLD_SENTENCE)
    assert (stats.fuzzy, stats.dropped) == (1, 1)
    assert len(merged) == 1


def test_dissimilar_string_stays_untranslated_and_the_old_one_becomes_obsolete():
    old = _catalog(polib.POEntry(msgid=OLD_SENTENCE, msgstr="Magnesium ontspant."))
    merged, stats = merge(_template("Something else entirely, nothing alike."), old)
    assert merged[0].msgstr == "" and "fuzzy" not in merged[0].flags
    assert [e.msgid for e in merged if e.obsolete] == [OLD_SENTENCE]
    assert (stats.added, stats.obsoleted) == (1, 1)


def test_obsolete_entry_is_revived_by_an_exact_match_and_purged_on_request():
    back = polib.POEntry(msgid="Back", msgstr="Terug")
    back.obsolete = True
    gone = polib.POEntry(msgid="Gone for good", msgstr="Weg")
    gone.obsolete = True
    merged, stats = merge(_template("Back"), _catalog(back, gone))
    assert not merged[0].obsolete and merged[0].msgstr == "Terug"
    assert (stats.revived, [e.msgid for e in merged if e.obsolete]) == (1, ["Gone for good"])
    purged, stats = merge(_template("Back"), _catalog(back, gone), MergeOptions(purge_obsolete=True))
    assert [e.msgid for e in purged] == ["Back"] and stats.purged == 1


def test_no_fuzzy_and_threshold_options():
    old = _catalog(polib.POEntry(msgid=OLD_SENTENCE, msgstr="Magnesium ontspant."))
    merged, stats = merge(_template(NEW_SENTENCE), old, MergeOptions(fuzzy=False))
    assert merged[0].msgstr == "" and stats.fuzzy == 0 and stats.obsoleted == 1
    merged, _ = merge(_template(NEW_SENTENCE), old, MergeOptions(fuzzy_threshold=99.5))
    assert merged[0].msgstr == ""


def test_threshold_is_inclusive_like_msgmerge():
    # 2 * 5 / 20 = 0.5 and 2 * 6 / 20 = 0.6, the bound.
    index = FuzzyIndex(["abcdexyzwv", "abcdefxyzw"])
    assert index.search(["abcdefghij"], 60.0)[0].candidate == 1
    assert index.search(["abcdefghij"], 60.1) == [None]


def test_short_strings_must_share_four_characters_in_a_row_like_msgmerge():
    # 2 * 9 / 29 = 0.62 through scattered letters: msgmerge never proposes it, nor do we.
    assert FuzzyIndex(["Dit verliezen"]).search(["pijn voor linzen"], 60.0) == [None]


def test_fuzzy_index_agrees_with_exhaustive_search():
    words = [
        "magnesium",
        "spieren",
        "slaap",
        "energie",
        "tekort",
        "voeding",
        "hart",
        "zenuwen",
        "bodem",
        "groente",
        "noten",
        "zaden",
        "water",
        "stress",
        "kramp",
        "vermoeidheid",
    ]
    candidates = [" ".join(words[(i * 7 + j) % len(words)] for j in range(3 + i % 9)) for i in range(300)]
    queries = [text.replace("a", "e", 1) + " nu" for text in candidates[::7]]
    exhaustive = process.cdist(queries, candidates, scorer=fuzz.ratio)
    for row, match in enumerate(FuzzyIndex(candidates).search(queries, 60.0)):
        assert match is not None
        assert match.score == pytest.approx(float(exhaustive[row].max()), abs=1e-4)


def _project_with_merge_settings(tmp_path, settings: str):
    project = copy_project(tmp_path, with_translations=True)
    config_file = project / "transflow.yml"
    config_file.write_text(config_file.read_text(encoding="utf-8") + settings, encoding="utf-8")
    return project


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ("merge:\n  fuzzy_threshold: 0\n", "merge.fuzzy_threshold: must be a similarity"),
        ("merge:\n  fuzzy: maybe\n", "merge.fuzzy: must be true or false"),
        ("merge:\n  fuzy: false\n", "merge.fuzy: unknown setting"),
    ],
)
def test_bad_merge_settings_name_the_line(tmp_path, settings, message):
    project = _project_with_merge_settings(tmp_path, settings)
    line = len((project / "transflow.yml").read_text(encoding="utf-8").splitlines())
    with pytest.raises(TransflowError) as error:
        config_module.merge_options(config_module.load(project))
    assert message in str(error.value) and f"transflow.yml:{line}:" in str(error.value)
    result = transflow(project, "update")
    assert result.exit_code == 2 and message in result.output


def test_merge_settings_from_the_config_file(tmp_path):
    project = _project_with_merge_settings(tmp_path, "merge:\n  fuzzy: false\n  fuzzy_threshold: 75\n")
    options = config_module.merge_options(config_module.load(project))
    assert options == MergeOptions(fuzzy=False, fuzzy_threshold=75.0)
    assert config_module.merge_options(config_module.load(project), fuzzy=True).fuzzy


# --- Against GNU msgmerge on the shipped articles, edited the way authors edit ----------------


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """(first, last) line numbers of the prose paragraphs after the front matter."""
    lines = text.split("\n")
    body = lines.index("---", 1) + 1
    blocks, start = [], None
    for number in range(body, len(lines) + 1):
        line = lines[number] if number < len(lines) else ""
        prose = bool(line.strip()) and not re.match(r"\s*([#!|>*-]|\d+\.|```)", line)
        if prose and start is None:
            start = number
        elif not prose and start is not None:
            blocks.append((start, number - 1))
            start = None
    return blocks


def _edit_article(text: str) -> str:
    """Small word edits, a shortened paragraph, a removed one, a rewritten one, a new one."""
    lines = text.split("\n")
    paragraphs = _paragraphs(text)
    first, _ = paragraphs[0]
    lines[first] = lines[first].replace(" is ", " is echt ", 1).replace(" de ", " die ", 1)
    start, end = paragraphs[1]
    joined = " ".join(lines[start : end + 1])
    shortened = joined.rsplit(". ", 1)[0] + "."
    lines[start : end + 1] = [shortened] + [""] * (end - start)
    start, end = paragraphs[2]
    lines[start : end + 1] = [""] * (end - start + 1)
    start, end = paragraphs[3]
    lines[start : end + 1] = ["Voedingsadvies verandert snel; vraag uw huisarts om raad."] + [""] * (end - start)
    heading = next(i for i, line in enumerate(lines) if line.startswith("## "))
    lines[heading] += " in het kort"
    lines.append("Een geheel nieuwe alinea over zonlicht, vitamine D en wandelen in het bos.")
    lines.append("")
    return "\n".join(lines)


@needs_msgmerge
def test_update_agrees_with_msgmerge_on_the_edited_articles(tmp_path):
    project = copy_project(tmp_path, with_translations=True)
    for source in sorted((project / "source").glob("*.md")):
        source.write_text(_edit_article(source.read_text(encoding="utf-8")), encoding="utf-8")
    assert transflow(project, "extract").exit_code == 0
    before = tmp_path / "before"
    shutil.copytree(project / "translations/en", before)
    result = transflow(project, "update", "--lang", "en")
    assert result.exit_code == 0, result.output
    totals = [0, 0, 0]
    for old_path in sorted(before.glob("*.po")):
        theirs_path = tmp_path / f"{old_path.stem}.msgmerge.po"
        msgmerge(old_path, project / "translations/templates" / f"{old_path.stem}.pot", theirs_path)
        agreement = compare(
            read_po(old_path), read_po(project / "translations/en" / old_path.name), read_po(theirs_path)
        )
        print(f"\n{old_path.stem}: {agreement.summary()}")
        assert agreement.exact_same == agreement.exact, agreement.differences
        assert agreement.obsolete_same, agreement.differences
        assert agreement.fuzzy_theirs > 0
        totals = [totals[0] + agreement.unmatched, totals[1] + agreement.fuzzy_same, totals[2] + agreement.fuzzy_theirs]
    print(f"\nfuzzy decisions agree on {totals[1]}/{totals[0]} new strings (msgmerge matched {totals[2]})")
    assert totals[1] == totals[0]


@needs_msgmerge
def test_generated_catalog_agrees_with_msgmerge(tmp_path):
    """A catalog of sentences from the articles; a template with edits, removals, additions."""
    sentences = []
    for source in sorted((copy_project(tmp_path).parent / "project/source").glob("*.md")):
        text = source.read_text(encoding="utf-8")
        sentences += [
            s for s in re.split(r"(?<=[.!?])\s+", text.replace("\n", " ")) if 20 < len(s) < 400 and "---" not in s
        ]
    sentences = list(dict.fromkeys(sentences))
    old = _catalog(*(polib.POEntry(msgid=text, msgstr=text.upper()) for text in sentences))
    edited = []
    for number, text in enumerate(sentences):
        if number % 10 == 3:
            continue  # removed
        if number % 10 == 5:
            text = text.replace(" de ", " een ", 1).replace("magnesium", "Mg", 1) + " Echt."
        edited.append(text)
        if number % 20 == 7:
            edited.append(f"Nieuwe zin nummer {number} over iets heel anders dan magnesium.")
    template = _template(*dict.fromkeys(edited))
    old_path, template_path = tmp_path / "old.po", tmp_path / "new.pot"
    write_po(old_path, old)
    write_po(template_path, template)
    merged, _ = merge(read_po(template_path), read_po(old_path))
    msgmerge(old_path, template_path, tmp_path / "theirs.po")
    agreement = compare(old, merged, read_po(tmp_path / "theirs.po"))
    print(f"\ngenerated catalog: {agreement.summary()}")
    assert agreement.exact_same == agreement.exact and agreement.obsolete_same
    assert agreement.fuzzy_agreement >= 95.0, agreement.differences
