"""Issue 11: nothing a translator writes is lost, one bad file spoils nothing else, and no case is silent."""

from __future__ import annotations

import os
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
