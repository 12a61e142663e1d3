"""transflow check and stats: every check on a fixture it must flag and a near case it must not,
then the command on small real projects (formats, exit codes, switches, broken input)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import polib
import pytest

from helpers import transflow
from transflow.domain import catalog, checks
from transflow.domain.glossary import Glossary
from transflow.formats.pofile import read_po, write_po
from transflow.stages import qa
from transflow.stages.settings import CheckSettings

FIXTURES = Path(__file__).parent / "fixtures" / "checks"
GLOSSARY = Glossary.load(FIXTURES / "glossary.yml", ("en", "de", "fr"))
ENTRY_FIXTURES = sorted((FIXTURES / "entries").glob("*.po"))
CATALOG_CHECKS = ["header", "header-defaults", "language", "plural-forms", "obsolete-entries"]


def _messages(check: checks.EntryCheck, entry: polib.POEntry, lang: str = "en") -> list[str]:
    if check.approved_only and not qa.is_judged(entry):
        return []
    return list(check.function(entry, checks.EntryContext(lang, GLOSSARY)))


def test_every_entry_check_has_a_fixture():
    entry_checks = {c.name for c in checks.CHECKS.values() if c.scope == "entry"}
    assert entry_checks == {path.stem for path in ENTRY_FIXTURES}


@pytest.mark.parametrize("path", ENTRY_FIXTURES, ids=lambda path: path.stem)
def test_entry_check_flags_its_case_and_not_the_near_case(path):
    check = checks.CHECKS[path.stem]
    expectations = {"flag": 0, "pass": 0}
    for entry in read_po(path):
        expect = entry.tcomment.split()[1]
        expectations[expect] += 1
        messages = _messages(check, entry)
        assert bool(messages) == (expect == "flag"), (entry.msgid, messages)
    assert expectations["flag"] and expectations["pass"]


@pytest.mark.parametrize("name", CATALOG_CHECKS)
def test_catalog_check_flags_its_case_and_not_the_near_case(name):
    function = checks.CHECKS[name].function
    context = checks.CatalogContext("en", max_obsolete=2)
    flagged = list(function(read_po(FIXTURES / "catalog" / f"{name}-flag.po"), context))
    assert flagged and all(line for line, _ in flagged)
    assert list(function(read_po(FIXTURES / "catalog" / f"{name}-pass.po"), context)) == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext not installed")
@pytest.mark.parametrize("name", ["newlines", "plural-forms"])
def test_what_msgfmt_rejects_we_flag_as_errors(tmp_path, name):
    """msgfmt -c is the oracle: our error fixtures fail it, the near cases pass it."""
    if name == "newlines":
        catalog_ = read_po(FIXTURES / "entries" / "newlines.po")
        bad, good = polib.POFile(), polib.POFile()
        for po in (bad, good):
            po.metadata = dict(catalog_.metadata)
        for entry in catalog_:
            (bad if entry.tcomment.startswith("expect: flag") else good).append(entry)
        for po, label in ((bad, "flag"), (good, "pass")):
            write_po(tmp_path / f"{label}.po", po)
    else:
        for label in ("flag", "pass"):
            shutil.copy(FIXTURES / "catalog" / f"{name}-{label}.po", tmp_path / f"{label}.po")

    def msgfmt_ok(label: str) -> bool:
        return (
            subprocess.run(
                ["msgfmt", "-c", "-o", "/dev/null", str(tmp_path / f"{label}.po")], capture_output=True
            ).returncode
            == 0
        )

    assert not msgfmt_ok("flag")
    assert msgfmt_ok("pass")


def test_source_checks_on_the_scraped_flaws():
    context = checks.SourceContext(GLOSSARY)

    def found(name: str, text: str) -> list[str]:
        return [message for _, message in checks.CHECKS[name].function(text, context)]

    assert found("source-glued-term", "de structuur van Magteinervoor dat")
    assert not found("source-glued-term", "de structuur van Magtein® ervoor")
    assert found("source-garbled-term", "Magnesium L-threonaatMagteinMagtein®), een vorm")
    assert found("source-garbled-term", "magnesium-L-threonaatMagtein) de voeding")
    assert not found("source-garbled-term", "Magnesium L-threonaat (Magtein®), een vorm")
    assert found("source-near-miss", "supplementen zoals Magtien helpen")
    assert not found("source-near-miss", "supplementen zoals Magtein helpen")
    assert found("source-doubled-words", "dit is de de vorm")
    assert not found("source-doubled-words", "dit is de vorm")
    assert found("source-brackets", "L-threonaatMagtein) de voeding")
    assert found("source-spacing", "zoals Magtein , behoud")
    assert not found("source-spacing", "zoals Magtein, behoud")


# --- the command on a small project -------------------------------------------------------------

ARTICLE_A = """---
title: Magnesium en slaap
---

# Magnesium en slaap

Magnesium helpt bij 108-144 mg per dag.\\*

Lees [het onderzoek](https://example.org/studie).
"""

ARTICLE_B = """---
title: Magnesium en stress
---

# Magnesium en stress

Lees [het onderzoek](https://example.org/studie).

Magnesium ondersteunt de spieren.
"""


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "project"
    (root / "source").mkdir(parents=True)
    (root / "transflow.yml").write_text("languages: [en, de]\n", encoding="utf-8")
    shutil.copy(FIXTURES / "glossary.yml", root / "glossary.yml")
    (root / "source" / "a.md").write_text(ARTICLE_A, encoding="utf-8")
    (root / "source" / "b.md").write_text(ARTICLE_B, encoding="utf-8")
    assert transflow(root, "extract").exit_code == 0
    assert transflow(root, "update").exit_code == 0
    return root


TRANSLATIONS = {
    "Magnesium en slaap": "Magnesium and sleep",
    "Magnesium en stress": "Magnesium and stress",
    "Magnesium helpt bij 108-144 mg per dag.\\*": "Magnesium helps at 108-144 mg a day.\\*",
    "Lees [het onderzoek](https://example.org/studie).": "Read [the study](https://example.org/studie).",
    "Magnesium ondersteunt de spieren.": "Magnesium supports the muscles.",
}


def translate(
    root: Path, lang: str = "en", slugs=("a", "b"), changes: dict | None = None, comments: dict | None = None
) -> None:
    """Fill catalogs the way a translator does in Poedit, with a proper header."""
    for slug in slugs:
        path = root / "translations" / lang / f"{slug}.po"
        po = read_po(path)
        po.metadata["Last-Translator"] = "Eva Bakker <eva@example.org>"
        po.metadata["PO-Revision-Date"] = "2026-11-25 12:00+0000"
        for entry in po:
            entry.msgstr = (changes or {}).get(entry.msgid, TRANSLATIONS[entry.msgid])
            entry.tcomment = (comments or {}).get(entry.msgid, entry.tcomment)
        write_po(path, po)


def check_json(root: Path, *args: str) -> tuple[int, dict]:
    result = transflow(root, "check", "--format", "json", *args)
    return result.exit_code, json.loads(result.output)


def names(document: dict) -> set[str]:
    return {problem["check"] for problem in document["problems"]}


def test_translated_project_passes(project):
    translate(project, "en")
    translate(project, "de")
    code, document = check_json(project)
    assert code == 0, document["problems"]
    assert document["passed"] and document["summary"]["errors"] == 0
    assert document["summary"]["catalogs"] == 4
    assert document["summary"]["entries"] == 12


def test_untranslated_catalogs_fail_the_threshold_in_strings_and_words(project):
    translate(project, "en")
    code, document = check_json(project)
    assert code == 1
    failing = [p for p in document["problems"] if p["check"] == "threshold"]
    assert {p["path"] for p in failing} == {"translations/de/a.po", "translations/de/b.po"}
    assert {p["message"].split(" of ")[1].split()[0] for p in failing} == {"strings", "words"}
    assert "untranslated" in names(document)
    code, document = check_json(project, "--fail-under", "0")
    assert code == 0 and "threshold" not in names(document)
    assert check_json(project, "--lang", "en")[0] == 0


def test_thresholds_per_language_from_config(project):
    translate(project, "en")
    translate(project, "de", slugs=("a",))
    (project / "transflow.yml").write_text(
        "languages: [en, de]\nchecks:\n  thresholds: {en: 100%, de: 40%}\n", encoding="utf-8"
    )
    code, document = check_json(project)
    assert code == 1
    assert [p["path"] for p in document["problems"] if p["check"] == "threshold"] == [
        "translations/de/b.po",
        "translations/de/b.po",
    ]
    (project / "transflow.yml").write_text(
        "languages: [en, de]\nchecks:\n  thresholds: {de: 0}\n  count: words\n", encoding="utf-8"
    )
    assert check_json(project)[0] == 0


def test_problem_lines_point_at_the_entry_and_text_shows_source_and_translation(project):
    translate(
        project, "en", changes={"Magnesium helpt bij 108-144 mg per dag.\\*": "Magnesium helps at 108-114 mg a day.\\*"}
    )
    result = transflow(project, "check", "--lang", "en")
    assert result.exit_code == 1
    catalog_text = (project / "translations/en/a.po").read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(catalog_text, 1) if "108-114" in text)
    header = next(text for text in result.output.splitlines() if ": numbers: " in text)
    path, number, severity, name, message = header.split(":", 4)
    assert (path, severity.strip(), name.strip()) == ("translations/en/a.po", "error", "numbers")
    assert int(number) <= line <= int(number) + 4
    assert "number 144 missing" in message
    assert "    nl: Magnesium helpt bij 108-144 mg per dag." in result.output
    assert "    en: Magnesium helps at 108-114 mg a day." in result.output
    assert "FAILED: " in result.output.splitlines()[-2]


def test_translator_comment_switches_a_check_off_for_one_entry(project):
    bad = {"Magnesium helpt bij 108-144 mg per dag.\\*": "Magnesium helps a lot.\\*"}
    translate(project, "en", changes=bad, comments={next(iter(bad)): "transflow: ignore numbers, length-ratio"})
    code, document = check_json(project, "--lang", "en")
    assert code == 0, document["problems"]
    translate(project, "en", changes=bad, comments={next(iter(bad)): ""})
    code, document = check_json(project, "--lang", "en")
    assert code == 1 and "numbers" in names(document)


def test_config_disables_checks_and_changes_severity(project):
    translate(project, "en", changes={"Magnesium ondersteunt de spieren.": "Magnesium supports the the muscles."})
    code, document = check_json(project, "--lang", "en")
    assert code == 0 and "doubled-words" in names(document)
    (project / "transflow.yml").write_text(
        "languages: [en, de]\nchecks:\n  severity: {doubled-words: error}\n", encoding="utf-8"
    )
    assert check_json(project, "--lang", "en")[0] == 1
    (project / "transflow.yml").write_text(
        "languages: [en, de]\nchecks:\n  disable: [doubled-words]\n", encoding="utf-8"
    )
    code, document = check_json(project, "--lang", "en")
    assert code == 0 and "doubled-words" not in names(document)


@pytest.mark.parametrize(
    "setting, message",
    [
        ("disable: [no-such-check]", "unknown check 'no-such-check'"),
        ("severity: {numbers: fatal}", "is not error or warning"),
        ("thresholds: {en: 120%}", "percentage"),
        ("colour: red", "unknown setting"),
        ("units: mEq", "must be a list of unit symbols"),
    ],
)
def test_bad_check_settings_are_usage_errors_naming_the_line(project, setting, message):
    (project / "transflow.yml").write_text(f"languages: [en, de]\nchecks:\n  {setting}\n", encoding="utf-8")
    result = transflow(project, "check")
    assert result.exit_code == 2
    assert "transflow.yml:3:" in result.output and message in result.output


def test_a_project_adds_units_to_the_neutral_default(project):
    dose = "Magnesium helpt bij 108-144 mg per dag.\\*"
    translate(project, "en", changes={dose: "Magnesium helps at 108-144 IU a day.\\*"})
    code, document = check_json(project, "--lang", "en")
    assert code == 1
    assert [p["message"] for p in document["problems"] if p["check"] == "numbers"] == ["unit mg missing"]
    (project / "transflow.yml").write_text("languages: [en, de]\nchecks:\n  units: [IU]\n", encoding="utf-8")
    document = check_json(project, "--lang", "en")[1]
    messages = [p["message"] for p in document["problems"] if p["check"] == "numbers"]
    assert messages == ["unit mg missing", "unit IU not in the source"]


def test_typography_follows_the_source_and_target_languages():
    def spacing(msgid: str, msgstr: str, lang: str, source_lang: str) -> list[str]:
        entry = polib.POEntry(msgid=msgid, msgstr=msgstr)
        return list(
            checks.CHECKS["spacing"].function(entry, checks.EntryContext(lang, GLOSSARY, source_lang=source_lang))
        )

    # French puts a space before ; : ! ? -- in a French translation, and inherited from a French source
    assert spacing("Why?", "Pourquoi ?", "fr", "en") == []
    assert spacing("Why?", "Warum ?", "de", "en") == ["space before punctuation: ' ?'"]
    assert spacing("Pourquoi ?", "Why ?", "en", "fr") == ["space before punctuation: ' ?'"]
    assert spacing("Pourquoi ?", "Warum ?", "de", "en") == []

    def doubled(msgid: str, msgstr: str, lang: str, source_lang: str) -> list[str]:
        entry = polib.POEntry(msgid=msgid, msgstr=msgstr)
        context = checks.EntryContext(lang, GLOSSARY, source_lang=source_lang)
        return list(checks.CHECKS["doubled-words"].function(entry, context))

    assert doubled("Nous nous levons.", "We get up.", "en", "fr") == []
    assert doubled("He had had enough.", "Il en avait avait assez.", "fr", "en") == ["doubled word 'avait'"]

    source = checks.SourceContext(GLOSSARY, "fr")
    assert [m for _, m in checks.CHECKS["source-spacing"].function("Pourquoi ?", source)] == []
    assert [m for _, m in checks.CHECKS["source-doubled-words"].function("nous nous levons", source)] == []


def test_consistency_across_articles(project):
    link = "Lees [het onderzoek](https://example.org/studie)."
    translate(project, "en", slugs=("a",))
    translate(
        project,
        "en",
        slugs=("b",),
        changes={
            link: "See [the research](https://example.org/studie).",
            "Magnesium ondersteunt de spieren.": "Magnesium and sleep",
        },
    )
    code, document = check_json(project, "--lang", "en")
    assert code == 0
    found = {(p["check"], p["path"]) for p in document["problems"]}
    assert ("inconsistent-translation", "translations/en/b.po") in found
    assert ("inconsistent-source", "translations/en/b.po") in found or (
        "inconsistent-source",
        "translations/en/a.po",
    ) in found


def test_template_and_catalog_out_of_date(project):
    translate(project, "en")
    translate(project, "de")
    source = project / "source" / "a.md"
    source.write_text(ARTICLE_A + "\nEen nieuwe alinea.\n", encoding="utf-8")
    code, document = check_json(project)
    assert code == 1
    assert ("template-outdated", "translations/templates/a.pot") in {
        (p["check"], p["path"]) for p in document["problems"]
    }
    assert transflow(project, "extract").exit_code == 0
    code, document = check_json(project)
    assert {p["path"] for p in document["problems"] if p["check"] == "catalog-outdated"} == {
        "translations/en/a.po",
        "translations/de/a.po",
    }
    (project / "translations/de/b.po").unlink()
    code, document = check_json(project, "b")
    assert [p["path"] for p in document["problems"] if p["check"] == "catalog-outdated"] == ["translations/de/b.po"]


def test_a_template_is_judged_on_its_entries_whatever_its_source_digest(project):
    """The digest spares extracting an unchanged article again; it never hides or invents a change."""
    path = project / "translations/templates/a.pot"
    pristine = path.read_text(encoding="utf-8")
    digest = read_po(path).metadata[catalog.SOURCE_DIGEST]
    assert len(digest) == 32

    def outdated() -> bool:
        return "template-outdated" in names(check_json(project, "a")[1])

    assert not outdated()
    stale = f'"{catalog.SOURCE_DIGEST}: {"0" * 32}\\n"\n'
    for header in ("", stale):  # written by an older transflow, or by another version
        path.write_text(pristine.replace(f'"{catalog.SOURCE_DIGEST}: {digest}\\n"\n', header), encoding="utf-8")
        assert path.read_text(encoding="utf-8") != pristine
        assert not outdated()
    path.write_text(pristine, encoding="utf-8")
    glossary = project / "glossary.yml"
    glossary.write_text(
        glossary.read_text(encoding="utf-8") + "  - term: onderzoek\n"
        "    translations: {en: research, de: Forschung, fr: recherche}\n",
        encoding="utf-8",
    )
    assert outdated()  # the new term's note belongs in the template
    assert transflow(project, "extract").exit_code == 0
    assert read_po(path).metadata[catalog.SOURCE_DIGEST] != digest
    assert not outdated()


def test_a_broken_catalog_is_a_problem_of_that_file_and_the_run_goes_on(project):
    translate(project, "en")
    broken = project / "translations/en/a.po"
    lines = broken.read_text(encoding="utf-8").splitlines()
    lines[20] = 'msgstr "unterminated'
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (project / "translations/de/b.po").write_bytes(b'msgid ""\nmsgstr "\xff"\n')
    code, document = check_json(project)
    assert code == 1
    unreadable = {p["path"]: p["line"] for p in document["problems"] if p["check"] == "unreadable"}
    assert unreadable == {"translations/en/a.po": 21, "translations/de/b.po": 2}
    assert document["summary"]["catalogs"] == 2


def test_missing_glossary_warns_and_malformed_glossary_errs_with_its_line(project):
    translate(project, "en")
    translate(project, "de")
    (project / "glossary.yml").unlink()
    code, document = check_json(project)
    assert code == 0
    assert [(p["check"], p["severity"]) for p in document["problems"]] == [("glossary-file", "warning")]
    (project / "glossary.yml").write_text("terms:\n  - term: Magtein\n    translate: maybe\n", encoding="utf-8")
    code, document = check_json(project)
    assert code == 1
    problem = document["problems"][0]
    assert (problem["check"], problem["path"], problem["line"]) == ("glossary-file", "glossary.yml", 3)


def test_source_checks_point_at_the_article_line(project):
    source = project / "source" / "b.md"
    source.write_text(
        ARTICLE_B + "\nDe structuur van\nMagteinervoor zorgt dat de de\nopname beter is.\n", encoding="utf-8"
    )
    assert transflow(project, "extract").exit_code == 0
    code, document = check_json(project, "--source", "--fail-under", "0", "b")
    found = {(p["check"], p["path"], p["line"]) for p in document["problems"] if p["check"].startswith("source-")}
    assert found == {("source-glued-term", "source/b.md", 12), ("source-doubled-words", "source/b.md", 12)}
    assert code == 1 and document["summary"]["sources"] == 1


def test_junit_and_github_formats(project):
    translate(project, "en", changes={"Magnesium helpt bij 108-144 mg per dag.\\*": "Magnesium, 108 mg a day.\\*"})
    result = transflow(project, "check", "--lang", "en", "--format", "junit")
    assert result.exit_code == 1
    suites = ElementTree.fromstring(result.output)
    assert suites.tag == "testsuites" and suites.get("failures") == "1"
    failures = suites.findall(".//failure")
    assert [f.get("type") for f in failures] == ["numbers"]
    result = transflow(project, "check", "--lang", "en", "--format", "github")
    annotation = next(line for line in result.output.splitlines() if line.startswith("::error"))
    assert annotation.startswith("::error file=translations/en/a.po,line=")
    assert "title=transflow numbers::number 144 missing" in annotation
    assert "%0A" in annotation and "\n" not in annotation


def test_list_and_unknown_article(project):
    listing = transflow(project, "check", "--list").output
    assert all(name in listing for name in checks.CHECKS)
    assert not any(word in listing for word in ("Magtein", "threona", "magnesium", "Magnesium"))
    result = transflow(project, "check", "nope")
    assert result.exit_code == 2 and "no article 'nope'" in result.output


def test_stats_counts_strings_and_words_with_totals(project):
    translate(project, "en", slugs=("a",))
    po = read_po(project / "translations/de/a.po")
    po[1].msgstr, po[1].flags = "Magnesium hilft.", ["fuzzy"]
    write_po(project / "translations/de/a.po", po)
    result = transflow(project, "stats")
    assert result.exit_code == 0
    rows = {tuple(line.split()[:2]): line.split()[2:] for line in result.output.splitlines()[2:]}
    assert rows["a", "en"] == ["3", "3", "0", "0", "13", "13", "0", "0", "100%"]
    assert rows["a", "de"][:4] == ["3", "0", "1", "2"]
    assert rows["total", "all"][0] == "12"
    document = json.loads(transflow(project, "stats", "--format", "json").output)
    assert document["schema"] == "transflow-stats/1"
    assert document["totals"]["en"]["strings"] == {
        "total": 6,
        "translated": 3,
        "fuzzy": 0,
        "untranslated": 3,
        "query": 0,
        "obsolete": 0,
    }
    assert document["total"]["words"]["total"] == 2 * sum(
        c["words"]["total"] for c in document["catalogs"] if c["lang"] == "en"
    )
    (project / "translations/en/b.po").write_bytes(b'msgid "\xff"\n')
    result = transflow(project, "stats")
    assert result.exit_code == 1 and "unreadable" in result.output


def test_many_articles_checked_in_parallel_give_the_same_result(tmp_path):
    root = tmp_path / "many"
    (root / "source").mkdir(parents=True)
    (root / "transflow.yml").write_text("languages: [en]\n", encoding="utf-8")
    for number in range(45):
        (root / "source" / f"a{number:02}.md").write_text(
            f"---\ntitle: Artikel {number}\n---\n\nMagnesium helpt bij {number} mg.\n", encoding="utf-8"
        )
    assert transflow(root, "extract").exit_code == 0
    assert transflow(root, "update").exit_code == 0
    po = read_po(root / "translations/en/a07.po")
    po[1].msgstr = "Magnesium helps at 70 mg."
    write_po(root / "translations/en/a07.po", po)
    serial = transflow(root, "check", "--format", "json", "--jobs", "1")
    parallel = transflow(root, "check", "--format", "json", "--jobs", "2")
    assert serial.exit_code == parallel.exit_code == 1
    assert json.loads(serial.output) == json.loads(parallel.output)
    assert json.loads(serial.output)["summary"]["catalogs"] == 45
    assert "number 7 missing" in serial.output


def test_plural_entries_count_by_their_forms_and_are_left_to_msgfmt():
    entry_checks = qa.EntryChecks(CheckSettings())
    context = checks.EntryContext("en", GLOSSARY)
    translated = polib.POEntry(msgid="a day", msgid_plural="days", msgstr_plural={0: "een dag", 1: "dagen"})
    empty = polib.POEntry(msgid="a week", msgid_plural="weeks", msgstr_plural={0: "", 1: ""})
    assert not qa.is_judged(translated)
    assert list(entry_checks.messages(translated, context, frozenset(), qa.is_judged(translated))) == []
    assert list(entry_checks.messages(empty, context, frozenset(), qa.is_judged(empty))) == [
        ("untranslated", "not translated yet")
    ]


def test_a_rerun_reuses_the_findings_of_unchanged_articles_and_sees_what_changed(project):
    translate(project, "en")
    translate(project, "de")
    first = check_json(project)
    cache = project / ".transflow" / "check-cache.pickle"
    written = cache.stat().st_mtime_ns
    assert check_json(project) == first
    assert cache.stat().st_mtime_ns == written  # nothing changed, nothing rewritten
    wrong = {"Magnesium helpt bij 108-144 mg per dag.\\*": "Magnesium helps at 108-114 mg a day.\\*"}
    translate(project, "en", slugs=("a",), changes=wrong)
    code, document = check_json(project)
    assert code == 1 and "numbers" in names(document)
    cache.write_bytes(b"damaged")
    assert check_json(project) == (code, document)
    (project / "transflow.yml").write_text(
        (project / "transflow.yml").read_text(encoding="utf-8") + "\nchecks:\n  disable: [numbers]\n", encoding="utf-8"
    )
    assert "numbers" not in names(check_json(project)[1])


def _without_cache(root: Path) -> tuple[int, dict]:
    """What a clean clone would report: the check run with the cache moved away, then put back."""
    cache = root / ".transflow" / "check-cache.pickle"
    kept = cache.read_bytes()
    cache.unlink()
    try:
        return check_json(root)
    finally:
        cache.write_bytes(kept)


def test_a_rerun_trusts_a_file_by_its_status_but_sees_contents_rewritten_at_the_same_size_and_time(project):
    """Size and modification time can be set back (`touch -d`, a tar extraction); writing a file
    still changes its status-change time, which nothing sets back: the cache digests it again."""
    translate(project, "en")
    translate(project, "de")
    path = project / "translations" / "en" / "a.po"
    before = path.stat()
    time.sleep(2.1)  # files changed just before their status is recorded are not trusted (racily clean)
    first = check_json(project)
    assert check_json(project) == first
    text = path.read_text(encoding="utf-8")
    head, number, tail = text.rpartition("108-144 mg")  # in the msgstr, after the msgid
    wrong = head + number.replace("144", "114") + tail
    assert wrong != text and len(wrong) == len(text)
    path.write_text(wrong, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    time.sleep(2.1)  # and settled: only its status-change time (and inode) tell
    code, document = check_json(project)
    assert code == 1 and "numbers" in names(document)
    assert (code, document) == _without_cache(project)


def test_a_rerun_compares_translations_across_unchanged_and_changed_catalogs_as_a_clean_run_does(project):
    link = "Lees [het onderzoek](https://example.org/studie)."
    translate(project, "en")
    translate(project, "de")
    assert "inconsistent-translation" not in names(check_json(project)[1])
    steps = [
        ("b", {link: "See [the research](https://example.org/studie)."}),  # disagrees with a, unchanged
        ("a", {link: "See [the research](https://example.org/studie)."}),  # agrees again
        ("a", {"Magnesium en slaap": "Magnesium and stress"}),  # one translation for two sources
        ("b", {}),  # b back as it was; a still differs from the template's translations
    ]
    for slug, changes in steps:
        translate(project, "en", slugs=(slug,), changes=changes)
        cached = check_json(project)
        assert cached == _without_cache(project), (slug, changes)
    assert "inconsistent-source" in names(cached[1])


def test_a_rerun_reads_the_glossary_again_when_it_changed(project):
    translate(project, "en")
    translate(project, "de")
    glossary = project / "glossary.yml"
    first = check_json(project)
    assert check_json(project) == first  # the glossary as read comes from the cache
    text = glossary.read_text(encoding="utf-8")
    glossary.write_text(text + "\n  - [unclosed\n", encoding="utf-8")
    code, document = check_json(project)
    assert code == 1 and "glossary-file" in names(document)
    assert check_json(project) == (code, document)  # a malformed glossary is reported every time
    glossary.unlink()
    assert "glossary-file" in names(check_json(project)[1])  # missing: a warning
    glossary.write_text(text, encoding="utf-8")
    assert check_json(project) == first
