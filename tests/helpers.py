"""Shared test helpers: a copy of the shipped project to work on, and running the real CLI."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner, Result

from transflow.faces.cli import main

ROOT = Path(__file__).resolve().parent.parent

# A glossary small enough to reason about in a test: one term with a rendering per language.
ONE_TERM_GLOSSARY = """\
terms:
  - term: magnesiumtekort
    case_sensitive: false
    translations: {en: magnesium deficiency, de: Magnesiummangel, fr: carence en magnésium}
"""


def copy_project(target: Path, with_translations: bool = False, untranslated: tuple[str, ...] = ()) -> Path:
    """The shipped project (sources, config, glossary), optionally with its catalogs; those of the
    `untranslated` languages are made afresh by `transflow update`, for tests that need work left to do
    whatever translations ship."""
    project = target / "project"
    project.mkdir()
    for name in ("transflow.yml", "glossary.yml"):
        shutil.copy(ROOT / name, project / name)
    shutil.copytree(ROOT / "source", project / "source")
    if with_translations:
        shutil.copytree(ROOT / "translations", project / "translations")
        for lang in untranslated:
            for path in (project / "translations" / lang).glob("*.po"):
                path.unlink()
            result = transflow(project, "update", "--lang", lang)
            assert result.exit_code == 0, result.output
    return project


def transflow(project: Path, *args: str) -> Result:
    """Run the real command line in-process (CliRunner only captures its output)."""
    return CliRunner().invoke(main, ["--project", str(project), *args], catch_exceptions=False)


def wait_until(condition: Callable[[], bool], seconds: float = 120) -> None:
    """Poll until `condition` holds, however slow the machine; the limit only stops a hang."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "still waiting: the process under test is stuck"
        time.sleep(0.01)
