"""Sites: nested source trees, output layouts, localized links and assets, renames, and their errors."""

from __future__ import annotations

import os
import shutil

import polib
import pytest

from helpers import transflow
from sitefixture import build, make_site, shout, translate_upper

FLAT = "paths: {source: docs, build: build}\n"


@pytest.fixture
def site(tmp_path):
    project = make_site(tmp_path, FLAT)
    translate_upper(project, project / "translations")
    return project


def test_catalogs_mirror_the_source_tree(site):
    names = sorted(p.relative_to(site / "translations").as_posix() for p in (site / "translations").rglob("*.po*"))
    assert names == [
        "de/guide/advanced.po",
        "de/guide/install.po",
        "de/start.po",
        "templates/guide/advanced.pot",
        "templates/guide/install.pot",
        "templates/start.pot",
    ]
    template = polib.pofile(str(site / "translations/templates/guide/install.pot"))
    assert "Hoe je het programma installeert op je eigen computer." in [entry.msgid for entry in template]


def test_links_go_to_the_same_language_or_fall_back_to_the_source(site):
    build(site)
    start = (site / "build/de/start.md").read_text(encoding="utf-8")
    assert "[INSTALLATIE](guide/install.md)" in start
    assert "[GEVORDERDE HANDLEIDING](../../docs/guide/advanced.md#opties)" in start
    assert "![HET LOGO VAN HET PROJECT](../../docs/img/logo.de.png)" in start
    install = (site / "build/de/guide/install.md").read_text(encoding="utf-8")
    assert "[STARTPAGINA](../start.md)" in install
    assert "![SCHEMA VAN DE INSTALLATIE](../../../docs/img/schema.png)" in install
    assert not (site / "build/de/guide/advanced.md").exists()


def test_links_can_be_kept_for_generators_that_fall_back(tmp_path):
    project = make_site(tmp_path, FLAT + "site:\n  links: keep\n")
    translate_upper(project, project / "translations")
    build(project)
    start = (project / "build/de/start.md").read_text(encoding="utf-8")
    assert "[GEVORDERDE HANDLEIDING](guide/advanced.md#opties)" in start


def test_a_deeper_layout_reaches_the_images_from_where_it_writes(tmp_path):
    project = make_site(tmp_path, "paths: {source: docs, build: .}\nsite:\n  layout: docusaurus\n")
    translate_upper(project, project / "translations")
    build(project)
    page = project / "i18n/de/docusaurus-plugin-content-docs/current/guide/install.md"
    text = page.read_text(encoding="utf-8")
    image = text.split("![SCHEMA VAN DE INSTALLATIE](")[1].split(")")[0]
    assert (page.parent / image).resolve() == (project / "docs/img/schema.png").resolve()


def test_run_builds_a_nested_site_and_then_has_nothing_to_do(tmp_path):
    project = make_site(tmp_path, FLAT + "build:\n  threshold: 0\n")
    first = transflow(project, "run")
    assert first.exit_code == 0, first.output
    assert (project / "build/de/guide/install.md").exists()
    second = transflow(project, "run")
    assert "0 article(s) processed, 3 unchanged" in second.output


def test_a_moved_article_keeps_its_translations(site):
    os.makedirs(site / "docs/help")
    shutil.move(site / "docs/guide/install.md", site / "docs/help/setup.md")
    result = transflow(site, "extract")
    assert result.exit_code == 0, result.output
    assert "renamed   guide/install -> help/setup" in result.output
    assert not (site / "translations/de/guide/install.po").exists()
    transflow(site, "update")
    catalog = polib.pofile(str(site / "translations/de/help/setup.po"))
    assert catalog.percent_translated() == 100
    assert shout("Je hebt beheerdersrechten nodig.") in [entry.msgstr for entry in catalog]


def test_include_and_exclude(tmp_path):
    project = make_site(tmp_path, FLAT + "site:\n  include: ['guide/**']\n  exclude: ['**/adv*.md']\n")
    result = transflow(project, "extract")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (project / "translations/templates").rglob("*.pot")) == ["install.pot"]


def test_outputs_written_into_the_source_folder_are_not_articles(tmp_path):
    project = make_site(tmp_path, "paths: {source: docs, build: docs}\nsite:\n  layout: hugo-suffix\n")
    translate_upper(project, project / "translations")
    build(project)
    assert (project / "docs/guide/install.de.md").exists()
    result = transflow(project, "extract")
    assert "install.de" not in result.output
    assert len(list((project / "translations/templates").rglob("*.pot"))) == 3


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (
            "site:\n  layout: '{lang}/page.md'\n",
            "docs/guide/install.md: its de output build/de/page.md is also docs/guide/advanced",
        ),
        ("site:\n  layout: '../{lang}/{path}.md'\n", "puts the de output outside the build folder: ../de/"),
        ("site:\n  layout: '{language}/{path}.md'\n", "transflow.yml:6: 'site.layout' must be a preset"),
        ("site:\n  links: somewhere\n", "transflow.yml:6: 'site.links' must be 'source' or 'keep'"),
    ],
    ids=["two-outputs", "outside", "unknown-field", "links"],
)
def test_bad_layouts_are_one_line_errors(tmp_path, settings, expected):
    project = make_site(tmp_path, FLAT + settings)
    result = transflow(project, "extract")
    if result.exit_code == 0:
        result = transflow(project, "build")
    assert result.exit_code == 2
    assert expected in result.output


def test_a_symlink_loop_is_an_error(tmp_path):
    project = make_site(tmp_path, FLAT)
    (project / "docs/guide/again").symlink_to(project / "docs", target_is_directory=True)
    result = transflow(project, "extract")
    assert result.exit_code == 2
    assert "docs/guide/again: symbolic link loop: leads back to docs" in result.output


def test_articles_are_named_by_their_path_in_check_and_translate(site):
    result = transflow(site, "stats", "guide/install")
    assert result.exit_code == 0, result.output
    assert "guide/install" in result.output
    result = transflow(site, "check", "docs/guide/install.md")
    assert result.exit_code == 0, result.output


def test_shards_split_the_articles_and_together_do_everything(tmp_path):
    project = make_site(tmp_path, FLAT + "build:\n  threshold: 0\n")
    first = transflow(project, "--shard", "1/2", "run")
    assert first.exit_code == 0, first.output
    after_first = set((project / "build").rglob("*.md"))
    assert 0 < len(after_first) < 3
    second = transflow(project, "--shard", "2/2", "run")
    assert second.exit_code == 0, second.output
    outputs = sorted(p.relative_to(project / "build").as_posix() for p in (project / "build").rglob("*.md"))
    assert outputs == ["de/guide/advanced.md", "de/guide/install.md", "de/start.md"]
    assert len(list((project / "translations/de").rglob("*.po"))) == 3


def test_a_bad_shard_is_a_usage_error(tmp_path):
    project = make_site(tmp_path, FLAT)
    result = transflow(project, "--shard", "3/2", "extract")
    assert result.exit_code == 2
    assert "'3/2' is not K/N" in result.output


def test_run_follows_a_link_to_an_article_after_bringing_its_catalog_up_to_date(tmp_path):
    """`run` builds one article at a time; the article a link points to is updated first, so the
    link sees the catalog this run leaves, not the one before it."""
    project = tmp_path / "project"
    (project / "source").mkdir(parents=True)
    (project / "transflow.yml").write_text(
        "project: links\nsource_language: nl\nlanguages: [de]\nbuild:\n  threshold: 50\n", encoding="utf-8"
    )
    (project / "source/a.md").write_text("# Eerste\n\nZie [de tweede](b.md).\n", encoding="utf-8")
    (project / "source/b.md").write_text("# Tweede\n", encoding="utf-8")
    assert transflow(project, "run").exit_code == 0
    for name in ("a", "b"):
        catalog = polib.pofile(str(project / f"translations/de/{name}.po"))
        for entry in catalog:
            entry.msgstr = f"DE {entry.msgid}"
        catalog.save()
    assert transflow(project, "run").exit_code == 0
    assert "(b.md)" in (project / "build/de/a.md").read_text(encoding="utf-8")
    # b drops to a third translated (unpublished); a, still above half, is rebuilt in the same run
    (project / "source/b.md").write_text("# Tweede\n\nNieuw.\n\nOok nieuw.\n", encoding="utf-8")
    (project / "source/a.md").write_text("# Eerste\n\nZie [de tweede](b.md).\n\nNieuw.\n", encoding="utf-8")
    assert transflow(project, "run").exit_code == 0
    assert not (project / "build/de/b.md").exists()
    assert "(../../source/b.md)" in (project / "build/de/a.md").read_text(encoding="utf-8")
