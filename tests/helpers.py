"""Shared test helpers: a copy of the shipped project to work on, and running the real CLI."""

from __future__ import annotations

import atexit
import functools
import io
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest
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


PROJECT_FILES = ("transflow.yml", "glossary.yml", "source", "translations")


@functools.cache
def shipped() -> Path:
    """The shipped project as committed: `transflow run` in the checkout rewrites its catalogs, and
    the tests must not see that. Without git (an unpacked tarball) the checkout itself is used, as
    long as no command has run there yet (no `.transflow/`)."""
    try:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", "--format=tar", "HEAD", *PROJECT_FILES],
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return ROOT
    folder = Path(tempfile.mkdtemp(prefix="transflow-shipped-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def shipped_catalogs() -> Path:
    """The committed `translations/` folder (read-only: copy it before changing anything)."""
    root = shipped()
    if root == ROOT and (ROOT / ".transflow").exists():
        pytest.skip(
            "no git: the checkout's translations/ may have been changed by a transflow command",
            allow_module_level=True,
        )
    return root / "translations"


def copy_project(target: Path, with_translations: bool = False, untranslated: tuple[str, ...] = ()) -> Path:
    """The shipped project as committed (sources, config, glossary), optionally with its catalogs;
    those of the `untranslated` languages are made afresh by `transflow update`, for tests that need
    work left to do whatever translations ship."""
    project = target / "project"
    project.mkdir()
    for name in ("transflow.yml", "glossary.yml"):
        shutil.copy(shipped() / name, project / name)
    shutil.copytree(shipped() / "source", project / "source")
    if with_translations:
        shutil.copytree(shipped_catalogs(), project / "translations")
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


def confined(setup: str, *command: str) -> subprocess.CompletedProcess[str]:
    """Run `command` in a private mount namespace after the shell `setup` (e.g. mounting a tiny
    tmpfs or a read-only bind): a real full disk or read-only folder, with no privilege needed
    beyond user namespaces. Skips where those are not available."""
    probe = subprocess.run(["unshare", "-r", "-m", "true"], capture_output=True)
    if probe.returncode:
        pytest.skip("user and mount namespaces are not available here")
    script = f'{setup} && exec "$@"'
    return subprocess.run(
        ["unshare", "-r", "-m", "sh", "-e", "-c", script, "sh", *command], capture_output=True, text=True
    )


def cli(*args: str) -> list[str]:
    """The real command line as a separate process."""
    return [sys.executable, "-c", "from transflow.faces.cli import main; main()", *args]


HOLDER = """
import sys, time
from pathlib import Path
from transflow.stages.lock import project_lock
with project_lock(Path(sys.argv[1]), "run"):
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def hold(state_dir: Path, seconds: float = 600) -> subprocess.Popen[str]:
    """Another process holding the lock, as `transflow run` would, once it says so."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(state_dir), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
    return holder
