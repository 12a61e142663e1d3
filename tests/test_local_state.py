"""`.transflow/` is disposable: a damaged, unreadable, wrong-shaped or read-only MT cache or
translation memory is set aside with one warning and replaced; an unwritable folder or a full disk
is one line naming the file; temporary files left by a kill are removed by the next command and
ignored by git."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest

from helpers import ROOT, cli, confined, copy_project, transflow

pytestmark = pytest.mark.reliability


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The shipped project with the offline pseudo engine, its German catalogs made."""
    project = copy_project(tmp_path)
    config = project / "transflow.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("engine: google ", "engine: pseudo "), encoding="utf-8"
    )
    assert transflow(project, "extract").exit_code == 0
    assert transflow(project, "update", "--lang", "de").exit_code == 0
    return project


def translate(project: Path) -> subprocess.CompletedProcess[str]:
    """`translate` as its own process: the warnings go to its real stderr."""
    return subprocess.run(cli("-C", str(project), "translate", "--lang", "de"), capture_output=True, text=True)


def wrong_shape(path: Path) -> None:
    with sqlite3.connect(path) as database:
        database.execute("CREATE TABLE translations (text TEXT, translation TEXT)")
    database.close()


DAMAGES = {
    "garbage": lambda path: path.write_bytes(b"garbage\n" * 100),
    "wrong-shape": wrong_shape,
    "a-folder": lambda path: path.mkdir(),
}


def translate_after(project: Path, name: str, damage) -> str:
    """Damage `.transflow/NAME`, translate, and return what the command said on stderr."""
    path = project / ".transflow" / name
    path.parent.mkdir(exist_ok=True)
    damage(path)
    result = translate(project)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr


@pytest.mark.parametrize("damage", DAMAGES.values(), ids=DAMAGES.keys())
def test_a_damaged_mt_cache_is_set_aside_and_a_new_one_started(project: Path, damage):
    said = translate_after(project, "mt-cache.sqlite3", damage)
    cache = project / ".transflow/mt-cache.sqlite3"
    (aside,) = cache.parent.glob("mt-cache.sqlite3.corrupt-*")
    assert "mt-cache.sqlite3 is damaged or unreadable" in said
    assert f"set aside as {aside.name} and a new cache started" in said
    with sqlite3.connect(cache) as database:
        assert database.execute("SELECT count(*) FROM translations").fetchone()[0] > 0
    database.close()
    again = translate(project)
    assert again.returncode == 0 and "damaged" not in again.stderr


@pytest.mark.parametrize("damage", [DAMAGES["garbage"], DAMAGES["a-folder"]], ids=["garbage", "a-folder"])
def test_a_damaged_memory_is_rebuilt(project: Path, damage):
    said = translate_after(project, "tm.sqlite", damage)
    assert said.count("tm.sqlite is damaged or unreadable") == 1
    assert "rebuilding it from the catalogs" in said
    assert (project / ".transflow/tm.sqlite").is_file()


def test_an_unwritable_state_folder_is_one_line(project: Path):
    state = project / ".transflow"
    state.mkdir(exist_ok=True)
    result = confined(
        f"mount --bind {state} {state} && mount -o remount,ro,bind {state}", *cli("-C", str(project), "translate")
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "damaged" not in result.stderr
    assert ".transflow/lock: cannot take the project lock: Read-only file system" in result.stderr


def catalog_to_update(project: Path) -> Path:
    """A German catalog whose article gained a paragraph: `update` must write it."""
    catalog = sorted((project / "translations/de").glob("*.po"))[0]
    with (project / "source" / f"{catalog.stem}.md").open("a", encoding="utf-8") as article:
        article.write("\nEen nieuwe alinea.\n")
    assert transflow(project, "extract").exit_code == 0
    return catalog


def fill(folder: Path) -> str:
    """Shell: a 256 kB file system mounted on `folder`, its files copied back, then filled up."""
    return (
        f"cp -a {folder} {folder}.saved && mount -t tmpfs -o size=256k tmpfs {folder} && "
        f"cp -a {folder}.saved/. {folder}/ && (head -c 10000000 /dev/zero > {folder}/filler || true)"
    )


def test_disk_full_while_building_the_memory_names_the_file(project: Path):
    state = project / ".transflow"
    state.mkdir(exist_ok=True)
    (state / "lock").write_text("x" * 100)  # a block the lock can reuse, as on a disk that filled up later
    result = confined(fill(state), *cli("-C", str(project), "tm", "rebuild"))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().endswith(
        ".transflow/tm.sqlite: the disk is full; free some space and run the command again"
    )


def test_disk_full_while_writing_a_catalog_names_the_catalog(project: Path):
    folder = project / "translations/de"
    catalog = catalog_to_update(project)
    result = confined(fill(folder), *cli("-C", str(project), "update", "--lang", "de"))
    assert result.returncode == 2, result.stderr
    assert f"translations/de/{catalog.name}: cannot write: No space left on device\n" in result.stderr
    assert "transflow-tmp" not in result.stderr


def test_a_read_only_catalog_folder_names_the_catalog_not_a_temporary_file(project: Path):
    folder = project / "translations/de"
    catalog = catalog_to_update(project)
    read_only = f"mount --bind {folder} {folder} && mount -o remount,ro,bind {folder}"
    result = confined(read_only, *cli("-C", str(project), "update", "--lang", "de"))
    assert result.returncode == 2, result.stderr
    assert f"translations/de/{catalog.name}: cannot write: Read-only file system\n" in result.stderr


def test_temporary_files_left_by_a_kill_are_removed_and_ignored_by_git(project: Path):
    leftovers = [
        project / "translations/de/.a.po.transflow-tmp-k2j4h5g6",
        project / ".transflow/.state.json.transflow-tmp-abc",
    ]
    for leftover in leftovers:
        leftover.write_text("half a file")
    unrelated = project / "translations/de/.a.po.swp"
    unrelated.write_text("an editor's")
    assert transflow(project, "extract").exit_code == 0
    assert not any(leftover.exists() for leftover in leftovers)
    assert unrelated.exists()
    if (ROOT / ".git").exists():  # not in an unpacked tarball
        ignored = ["git", "-C", str(ROOT), "check-ignore", "-q", "translations/de/.a.po.transflow-tmp-xyz"]
        assert subprocess.run(ignored).returncode == 0
