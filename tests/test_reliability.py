"""Issue 11: nothing a translator writes is lost, one bad file spoils nothing else, and no case is silent."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import polib
import pytest

from helpers import copy_project, transflow
from pause import while_inside
from transflow.domain.catalog import merge
from transflow.formats.markdown import render_article

pytestmark = pytest.mark.reliability

SLUG = "11-tekenen-van-een-magnesiumtekort"
HEADING = "Magnesiumtekort begrijpen"
SAVED = "What a Magnesium Deficiency Is (a translator's save)"


@pytest.fixture
def project(tmp_path):
    return copy_project(tmp_path, with_translations=True)


def editor_save(path: Path, msgid: str, msgstr: str) -> None:
    """Save as editors do: the whole file to a temporary one, renamed over the original."""
    po = polib.pofile(str(path), wrapwidth=79)
    po.find(msgid).msgstr = msgstr
    temporary = path.with_name(f"{path.name}~")
    po.save(str(temporary))
    os.replace(temporary, path)


def translation(path: Path, msgid: str) -> str:
    return polib.pofile(str(path)).find(msgid).msgstr


def test_a_save_during_updates_merge_is_kept(project):
    catalog = project / "translations" / "en" / f"{SLUG}.po"
    (project / "source" / f"{SLUG}.md").write_text(
        (project / "source" / f"{SLUG}.md").read_text(encoding="utf-8") + "\nEen nieuwe alinea.\n", encoding="utf-8"
    )
    assert transflow(project, "extract").exit_code == 0
    result = while_inside(
        merge, lambda: transflow(project, "update", "--lang", "en"), lambda: editor_save(catalog, HEADING, SAVED)
    )
    assert result.exit_code == 0, result.output
    assert translation(catalog, HEADING) == SAVED
    assert polib.pofile(str(catalog)).find("Een nieuwe alinea.") is not None  # and the merge was still done


def test_a_save_during_runs_merge_is_kept_and_built(project):
    catalog = project / "translations" / "en" / f"{SLUG}.po"
    result = while_inside(merge, lambda: transflow(project, "run"), lambda: editor_save(catalog, HEADING, SAVED))
    assert result.exit_code == 0, result.output
    assert translation(catalog, HEADING) == SAVED
    assert f"## {SAVED}" in (project / "build" / "en" / f"{SLUG}.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", ["build", "run"])
def test_a_save_while_building_is_built(project, command):
    assert transflow(project, "run").exit_code == 0
    catalog = project / "translations" / "en" / f"{SLUG}.po"
    (project / "source" / f"{SLUG}.md").touch()  # so that `run` builds again
    result = while_inside(
        render_article, lambda: transflow(project, command), lambda: editor_save(catalog, HEADING, SAVED)
    )
    assert result.exit_code == 0, result.output
    assert translation(catalog, HEADING) == SAVED
    assert f"## {SAVED}" in (project / "build" / "en" / f"{SLUG}.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        (
            lambda p: (p / "source/bad.md").write_bytes(b"---\ntitle: x\n---\n\nCaf\xe9\n"),
            "source/bad.md:5: not valid UTF-8",
        ),
        (lambda p: (p / "source/empty.md").write_text(""), "source/empty.md:1: empty article"),
        (
            lambda p: (p / "source/toml.md").write_text('+++\ntitle = "x\n+++\n\nT\n'),
            "source/toml.md:2: invalid front matter TOML",
        ),
        (
            lambda p: (p / "source/yaml.md").write_text("---\ntitle: x\nslug: [a\n---\n\nT\n"),
            "source/yaml.md:3: invalid front matter YAML",
        ),
        (
            lambda p: (p / "source/twin.md").write_text(
                "---\ntitle: x\nslug: 11-tekenen-van-een-magnesiumtekort\n---\n\nT\n"
            ),
            "source/twin.md:3: slug '11-tekenen-van-een-magnesiumtekort' is already used by",
        ),
    ],
)
@pytest.mark.parametrize("command", ["run", "extract", "build"])
def test_a_bad_article_is_skipped_and_the_others_processed(tmp_path, setup, expected, command):
    project = copy_project(tmp_path, with_translations=True)
    if command == "build":
        assert transflow(project, "run").exit_code == 0
        shutil.rmtree(project / "build")
    setup(project)
    result = transflow(project, command)
    assert result.exit_code == 2
    assert expected in result.output
    twins = "twin" in expected  # neither article is processed: which one owns the catalogs?
    assert f"{2 if twins else 1} file(s) skipped because of the errors above" in result.output
    assert "Traceback" not in result.output
    if command == "extract":
        assert result.output.count("translations/templates/") == (2 if twins else 3)
    else:
        assert len(list((project / "build" / "en").glob("*.md"))) == (2 if twins else 3)


def test_a_bad_catalog_is_skipped_and_the_others_processed(project):
    broken = project / "translations" / "de" / f"{SLUG}.po"
    broken.write_text(broken.read_text(encoding="utf-8") + '\nmsgid "unterminated\n', encoding="utf-8")
    for command in ("update", "build", "run"):
        result = transflow(project, command)
        assert result.exit_code == 2, result.output
        assert f"translations/de/{SLUG}.po:" in result.output
        assert "1 file(s) skipped because of the errors above" in result.output
    assert (project / "build" / "en" / f"{SLUG}.md").exists()
    assert len(list((project / "build" / "en").glob("*.md"))) == 3


def test_an_unreachable_engine_is_not_asked_again_for_a_while(tmp_path):
    project = copy_project(tmp_path, with_translations=True, untranslated=("de",))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = (project / "transflow.yml").read_text(encoding="utf-8")
    settings = settings.replace("  engine: google", f"  engine: libre\n  url: http://127.0.0.1:{port}/")
    (project / "transflow.yml").write_text(settings.replace("retries: 4", "retries: 0"), encoding="utf-8")
    first = transflow(project, "run", "--lang", "de")  # nothing listens: refused at once
    assert first.exit_code == 0, first.output
    assert "unreachable" in first.output
    assert "machine translation is not tried again for 10 min (mt.retry_after_unreachable" in first.output
    with socket.create_server(("127.0.0.1", port)) as listener:  # the engine's port: any request would wait here
        listener.setblocking(False)
        (project / "source" / f"{SLUG}.md").touch()
        second = transflow(project, "run", "--lang", "de")
        assert second.exit_code == 0, second.output
        assert f"engine libre http://127.0.0.1:{port}/ was unreachable" in second.output
        assert "--retry-mt asks now" in second.output
        with pytest.raises(BlockingIOError):
            listener.accept()
        assert "3 article(s) processed" not in second.output and "1 article(s) processed" in second.output


def _settings(project: Path, old: str, new: str) -> None:
    path = project / "transflow.yml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "warning"),
    [
        (
            "glossary: glossary.yml",
            "glossary: glosary.yml",
            "transflow.yml: paths.glossary: glosary.yml does not exist; no glossary is enforced",
        ),
        (
            "translations: translations ",
            "translations: translatons ",
            "transflow.yml: paths.translations: translatons does not exist, but translations holds catalogs",
        ),
        (
            "languages: [en, de, fr]\n",
            "",
            "transflow.yml: no 'languages:' set; translating into the default en, de, fr",
        ),
    ],
)
def test_a_setting_that_is_probably_a_mistake_is_warned_about(project, old, new, warning):
    _settings(project, old, new)
    result = transflow(project, "stats")
    assert f"warning: {warning}" in result.output


def test_check_in_a_folder_without_a_project_is_an_error(tmp_path):
    result = transflow(tmp_path, "check")
    assert result.exit_code == 2
    assert "no transflow project here" in result.output and "passed" not in result.output


def test_the_source_language_is_no_target(project):
    result = transflow(project, "run", "--lang", "nl")
    assert result.exit_code == 2
    assert "--lang nl: that is the source language, not a target" in result.output
    assert not (project / "translations" / "nl").exists()


@pytest.mark.parametrize("where", ["../elsewhere", "ABSOLUTE"])
def test_output_outside_the_project_needs_allow_outside(project, tmp_path, where):
    outside = tmp_path / "elsewhere"
    _settings(project, "build: build ", f"build: {outside if where == 'ABSOLUTE' else where} ")
    refused = transflow(project, "build")
    assert refused.exit_code == 2
    assert "paths.build:" in refused.output and "outside the project folder; pass --allow-outside" in refused.output
    assert not outside.exists()
    allowed = transflow(project, "build", "--allow-outside")
    assert allowed.exit_code == 0, allowed.output
    assert len(list((outside / "en").glob("*.md"))) == 3
    assert transflow(project, "build", "--output", str(outside)).exit_code == 2


def test_a_deleted_articles_output_is_removed_and_nothing_else(project):
    assert transflow(project, "run").exit_code == 0
    mine = project / "build" / "en" / "notes-of-my-own.md"
    mine.write_text("not written by transflow\n", encoding="utf-8")
    (project / "source" / f"{SLUG}.md").unlink()
    result = transflow(project, "run")
    assert result.exit_code == 0, result.output
    assert f"removed   build/en/{SLUG}.md (its article is gone)" in result.output
    assert not any((project / "build").glob(f"*/{SLUG}.md"))
    assert mine.exists() and len(list((project / "build" / "en").glob("*.md"))) == 3


@pytest.mark.parametrize(
    "args",
    [
        ["run", "-C", "PROJECT"],
        ["run", "--project=PROJECT", "--lang", "en"],
        ["run", "--lang", "en", "--config", "PROJECT/transflow.yml", "-C", "PROJECT"],
        ["tm", "rebuild", "-C", "PROJECT"],
    ],
)
def test_project_options_after_the_command(project, args):
    from click.testing import CliRunner

    from transflow.faces.cli import main

    result = CliRunner().invoke(main, [arg.replace("PROJECT", str(project)) for arg in args])
    assert result.exit_code == 0, result.output


def test_a_missing_project_folder_is_named(tmp_path):
    result = transflow(tmp_path / "nosuchdir", "run")
    assert result.exit_code == 2
    assert "nosuchdir: project folder does not exist" in result.output


def test_github_annotations_fit_what_github_shows(tmp_path, monkeypatch):
    project = copy_project(tmp_path, with_translations=True, untranslated=("de",))
    job_summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(job_summary))
    result = transflow(project, "check", "--lang", "de", "--format", "github")
    annotations = [line for line in result.output.splitlines() if line.startswith("::")]
    assert len(annotations) <= 10
    completeness = [line for line in annotations if "title=transflow completeness" in line]
    assert len(completeness) == len({line.split(",")[0] for line in completeness}) <= 3  # one per catalog
    assert any(" untranslated" in line for line in completeness)
    full = job_summary.read_text(encoding="utf-8")
    assert full.startswith("## transflow check") and full.count(": warning: ") > len(annotations)
    if len(annotations) == 10:
        assert annotations[-1].startswith("::notice") and "the full report is in the job summary" in annotations[-1]


def test_stats_names_its_column_groups(project):
    header, rule = transflow(project, "stats").output.splitlines()[:2]
    assert header.index("strings") <= rule.index(" strings ") < header.index("words")
    assert header.index("words") <= rule.index(" words ") < header.index("done")


def test_the_summary_tells_fixed_texts_apart_and_no_false_percentages(tmp_path):
    project = copy_project(tmp_path, with_translations=True, untranslated=("de",))
    _settings(project, "  engine: google", "  engine: libre\n  url: http://127.0.0.1:9/")
    result = transflow(project, "run", "--lang", "de")
    lines = result.output.splitlines()
    warning = next(index for index, line in enumerate(lines) if "unreachable" in line)
    assert warning < next(index for index, line in enumerate(lines) if line.startswith("article"))
    assert any(line.startswith("glossary fixed text: ") for line in lines)
    machine = next(line for line in lines if line.startswith("machine translation (libre"))
    assert "0 filled" in machine and "(n/a)" in machine and "100.0%" not in machine


def test_progress_in_a_log_counts_failures(capsys):
    from transflow.faces.progress import Progress

    progress = Progress("Machine translation", interval=0)
    progress.start(128)
    progress.advance(4)
    progress.advance(124, failed=124)
    progress.finish()
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("Machine translation: 4/128, about ")
    assert lines[-1] == "Machine translation: 128/128, 124 failed"
