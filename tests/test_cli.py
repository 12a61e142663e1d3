"""extract / update / build / run on real files, as a user runs them."""

from __future__ import annotations

import os
import shutil
import subprocess

import polib
import pytest

from helpers import copy_project, transflow

needs_msgfmt = pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext not installed")


@pytest.fixture
def project(tmp_path):
    return copy_project(tmp_path)


def test_run_creates_templates_catalogs_and_reports(project):
    result = transflow(project, "run", "--threshold", "0")
    assert result.exit_code == 0, result.output
    slugs = sorted(p.stem for p in (project / "source").glob("*.md"))
    assert sorted(p.stem for p in (project / "translations/templates").glob("*.pot")) == slugs
    for lang in ("en", "de", "fr"):
        assert sorted(p.stem for p in (project / "translations" / lang).glob("*.po")) == slugs
        for slug in slugs:
            built = (project / "build" / lang / f"{slug}.md").read_text(encoding="utf-8")
            source = (project / "source" / f"{slug}.md").read_text(encoding="utf-8")
            assert built == source.replace("\nlang: nl\n", f"\nlang: {lang}\n")
    assert "article" in result.output and "total" in result.output
    assert "3 article(s) processed" in result.output


def test_template_entries_have_references_kinds_and_share_duplicates(project):
    assert transflow(project, "extract").exit_code == 0
    slug = "uitgeputte-bodem-en-wereldwijd-tekort-aan-magnesium"
    template = polib.pofile(str(project / "translations/templates" / f"{slug}.pot"))
    first = template.find("Uitgeputte bodem en wereldwijd tekort aan magnesium")
    assert first.occurrences == [(f"source/{slug}.md", "2"), (f"source/{slug}.md", "14")]
    assert first.comment == "front matter: title, heading 1"
    assert template.find("Inleiding").comment == "heading 2"
    assert template.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert template.metadata["X-Generator"].startswith("transflow ")
    assert all(entry.msgid.strip() == entry.msgid for entry in template)


def test_extract_is_deterministic(project):
    transflow(project, "extract")
    pot = next((project / "translations/templates").glob("*.pot"))
    before = pot.read_bytes()
    stamp = pot.stat().st_mtime_ns
    result = transflow(project, "extract")
    assert "unchanged" in result.output
    assert pot.read_bytes() == before
    assert pot.stat().st_mtime_ns == stamp


@needs_msgfmt
def test_every_file_passes_msgfmt_check(project):
    transflow(project, "run", "--threshold", "0")
    files = sorted((project / "translations").rglob("*.po*"))
    assert len(files) == 12
    for path in files:
        done = subprocess.run(["msgfmt", "-c", "-o", os.devnull, str(path)], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr


@needs_msgfmt
def test_catalogs_are_wrapped_like_msgcat(project):
    transflow(project, "run", "--threshold", "0")
    for path in sorted((project / "translations").rglob("*.po*")):
        done = subprocess.run(["msgcat", str(path)], capture_output=True, text=True, check=True)
        assert done.stdout == path.read_text(encoding="utf-8"), path


def test_new_catalog_header(project):
    transflow(project, "run", "--threshold", "0")
    catalog = polib.pofile(str(next((project / "translations/fr").glob("*.po"))))
    assert catalog.metadata["Language"] == "fr"
    assert catalog.metadata["Plural-Forms"] == "nplurals=2; plural=(n > 1);"
    assert catalog.metadata["Language-Team"] == "French"
    assert "Last-Translator" in catalog.metadata


def _translate_all(catalog_path, transform):
    catalog = polib.pofile(str(catalog_path))
    for entry in catalog:
        entry.msgstr = transform(entry.msgid)
    catalog.save()


def test_update_keeps_translations_comments_and_flags_and_obsoletes_removed(project):
    transflow(project, "run", "--threshold", "0")
    slug = "11-tekenen-van-een-magnesiumtekort"
    path = project / "translations/en" / f"{slug}.po"
    catalog = polib.pofile(str(path))
    kept = catalog.find("Referenties")
    kept.msgstr, kept.tcomment, kept.flags = "References", "checked by Ann", ["no-wrap"]
    removed = catalog.find("1. Spierkrampen en spasmen")
    removed.msgstr = "1. Muscle cramps and spasms"
    catalog.save()
    source = project / "source" / f"{slug}.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("## 1. Spierkrampen en spasmen", "## Iets totaal anders"), encoding="utf-8")
    result = transflow(project, "run", "--threshold", "0")
    assert result.exit_code == 0, result.output
    merged = polib.pofile(str(path))
    entry = merged.find("Referenties")
    assert (entry.msgstr, entry.tcomment, entry.flags) == ("References", "checked by Ann", ["no-wrap"])
    obsolete = [e for e in merged if e.obsolete]
    assert [e.msgstr for e in obsolete] == ["1. Muscle cramps and spasms"]
    assert merged.find("Iets totaal anders").msgstr == ""
    untranslated_gone = polib.pofile(str(project / "translations/de" / f"{slug}.po"))
    assert not [e for e in untranslated_gone if e.obsolete]


def test_build_threshold_skips_and_names_the_article(project):
    transflow(project, "extract")
    transflow(project, "update")
    result = transflow(project, "build", "--lang", "de")
    assert result.exit_code == 0
    assert result.output.count("skipped") == 3
    assert "0% translated, below the 100% threshold" in result.output  # the shipped transflow.yml: de 100
    assert not (project / "build/de").exists()


def test_build_uses_approved_translations_only(project):
    transflow(project, "run", "--threshold", "0")
    slug = "tekenen-en-symptomen-van-magnesiumtekort"
    path = project / "translations/en" / f"{slug}.po"
    catalog = polib.pofile(str(path))
    for entry in catalog:
        entry.msgstr = entry.msgid.upper()
    catalog.find("Referenties").flags.append("fuzzy")
    catalog.save()
    result = transflow(project, "build", "--lang", "en", "--threshold", "0")
    assert result.exit_code == 0, result.output
    built = (project / "build/en" / f"{slug}.md").read_text(encoding="utf-8")
    assert "## Referenties" in built
    assert "lang: en" in built
    assert "TEKENEN EN SYMPTOMEN VAN MAGNESIUMTEKORT" in built


@pytest.mark.parametrize("command", [("build", "--lang", "en"), ("run",)])
def test_refused_translation_is_named_with_its_catalog_line(project, command):
    """`run` builds from the catalog it merged in memory, yet names the line in the file too."""
    transflow(project, "run", "--threshold", "0")
    slug = "tekenen-en-symptomen-van-magnesiumtekort"
    path = project / "translations/en" / f"{slug}.po"
    catalog = polib.pofile(str(path))
    catalog.find("Referenties").msgstr = "   "
    catalog.save()
    result = transflow(project, *command, "--threshold", "0")
    assert result.exit_code == 0
    line = polib.pofile(str(path)).find("Referenties").linenum
    assert (
        f"warning: translations/en/{slug}.po:{line}: translation of 'Referenties' not used: "
        "the translation is empty after removing line breaks"
    ) in result.output
    built = (project / "build/en" / f"{slug}.md").read_text(encoding="utf-8")
    assert "\n## Referenties\n" in built


def test_incremental_run_skips_unchanged_articles(project):
    transflow(project, "run", "--threshold", "0")
    result = transflow(project, "run", "--threshold", "0")
    assert "0 article(s) processed, 3 unchanged" in result.output
    assert "total" in result.output
    source = next((project / "source").glob("*.md"))
    source.write_text(source.read_text(encoding="utf-8") + "\nNieuwe slotalinea.\n", encoding="utf-8")
    result = transflow(project, "run", "--threshold", "0")
    assert "1 article(s) processed, 2 unchanged" in result.output


@pytest.mark.parametrize(
    ("old", "new", "processed"),
    [
        ("languages: [en, de, fr]\n", "languages: [en, de, fr]\nmerge:\n  fuzzy_threshold: 70\n", 3),
        ("languages: [en, de, fr]\n", "languages: [en, de, fr]\ntm:\n  exact: fuzzy\n", 3),
        ("  engine: google", "  engine: pseudo", 3),
        ("  timeout: 20", "  timeout: 30", 0),
        ("    en: 100%", "    en: 90%", 0),
    ],
)
def test_run_reprocesses_every_article_when_a_setting_that_shapes_outputs_changes(project, old, new, processed):
    """`run`'s state keys on the settings that change what it writes, and on no other."""
    assert transflow(project, "run", "--threshold", "0").exit_code == 0
    config = project / "transflow.yml"
    text = config.read_text(encoding="utf-8")
    assert old in text
    config.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = transflow(project, "run", "--threshold", "0")
    assert result.exit_code == 0, result.output
    assert f"{processed} article(s) processed, {3 - processed} unchanged" in result.output


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        (lambda p: shutil.rmtree(p / "source"), "source: source folder not found"),
        (
            lambda p: (p / "transflow.yml").write_text("languages: [en, xx]\n"),
            "transflow.yml:1: unknown language code 'xx'",
        ),
        (
            lambda p: (p / "transflow.yml").write_text("languages: [en]\nbuild:\n  treshold: 5\n"),
            "transflow.yml:3: unknown setting 'treshold' in 'build'",
        ),
    ],
)
def test_bad_settings_are_one_line_exit_2_and_write_nothing(project, setup, expected):
    setup(project)
    result = transflow(project, "run")
    assert result.exit_code == 2
    assert expected in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert not (project / "translations").exists()


def test_malformed_catalog_is_reported_and_kept(project):
    transflow(project, "run", "--threshold", "0")
    path = next((project / "translations/de").glob("*.po"))
    broken = path.read_text(encoding="utf-8") + '\nmsgid "unterminated\n'
    path.write_text(broken, encoding="utf-8")
    os.utime(path, ns=(1, 1))
    result = transflow(project, "run")
    assert result.exit_code == 2
    assert f"translations/de/{path.name}:" in result.output
    assert path.read_text(encoding="utf-8") == broken


def test_many_articles_are_extracted_and_built_in_order_with_a_broken_one_skipped(tmp_path):
    """Enough articles for the forked processes: the output stays in the articles' order."""
    project = copy_project(tmp_path)
    for path in (project / "source").glob("*.md"):
        path.unlink()
    names = [f"article-{number:03}" for number in range(60)]
    for number, name in enumerate(names):
        text = f"---\ntitle: Titel {number}\n---\n\n# Kop {number}\n\nAlinea {number} met tekst.\n"
        if number == 31:
            text = "---\ntitle: [niet gesloten\n---\n\n# Kop\n"
        (project / "source" / f"{name}.md").write_text(text, encoding="utf-8")
    extracted = transflow(project, "extract")
    assert extracted.exit_code == 2
    assert "article-031.md:2: invalid front matter YAML" in extracted.output
    written = [line.split()[1] for line in extracted.output.splitlines() if line.startswith("wrote")]
    assert written == [f"translations/templates/{name}.pot" for name in names if name != "article-031"]
    assert transflow(project, "update").exit_code == 0
    built = transflow(project, "build", "--threshold", "0")
    assert built.exit_code == 2
    outputs = [line.split()[1] for line in built.output.splitlines() if line.startswith("built")]
    expected = [name for name in names if name != "article-031"]
    assert outputs == [f"build/{lang}/{name}.md" for name in expected for lang in ("en", "de", "fr")]
    source = (project / "source/article-059.md").read_text(encoding="utf-8")
    assert (project / "build/de/article-059.md").read_text(encoding="utf-8") == source
