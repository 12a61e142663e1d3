"""`transflow report`: the page is written, self-contained, and reads right in a real browser
(Debian's Chromium, headless) with its script run."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from helpers import ONE_TERM_GLOSSARY, copy_project, transflow
from transflow.formats.pofile import read_po, write_po

SLUG = "11-tekenen-van-een-magnesiumtekort"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def page(tmp_path: Path) -> Path:
    """German report of a project with one approved, one fuzzy and one faulty entry."""
    project = copy_project(tmp_path, with_translations=True, untranslated=("de",))
    (project / "glossary.yml").write_text(ONE_TERM_GLOSSARY)
    path = project / "translations" / "de" / f"{SLUG}.po"
    po = read_po(path)
    entries = {entry.msgid: entry for entry in po}
    entries["11 tekenen van een magnesiumtekort"].msgstr = "11 Anzeichen für Magnesiummangel"
    fuzzy = entries["Magnesiumtekort begrijpen"]
    fuzzy.msgstr = "Magnesiummangel verstehen"
    fuzzy.flags.append("fuzzy")
    entries["Referenties"].msgstr = "Quellen 12"  # a number the source does not have
    write_po(path, po)
    result = transflow(project, "report", "--lang", "de", "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output and "de.html" in result.output
    return tmp_path / "out" / "de.html"


class _Dom(HTMLParser):
    """The parts of the page the test reads: entry rows, marks, the script-filled counter."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict] = []
        self.counter = ""
        self.marks: list[str] = []
        self._in: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "tr" and "entry" in classes:
            self.rows.append({"classes": set(classes), "text": ""})
        if tag == "mark":
            self.marks.append("")
        self._in.append("counter" if attributes.get("id") == "attention-count" else "mark" if tag == "mark" else tag)

    def handle_endtag(self, tag: str) -> None:
        if self._in:
            self._in.pop()

    def handle_data(self, data: str) -> None:
        if self.rows:
            self.rows[-1]["text"] += data
        if "counter" in self._in:
            self.counter += data
        if self._in and self._in[-1] == "mark":
            self.marks[-1] += data


def test_page_is_self_contained(page: Path):
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(?:src|href)\s*=\s*["'](?!#)""", text), "no external resources"
    assert "<style>" in text and "<script>" in text
    assert "default-src 'none'" in text, "the browser is told to load nothing from anywhere"


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")
def test_page_reads_right_in_a_headless_browser(page: Path, tmp_path: Path):
    common = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    done = subprocess.run(
        [*common, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=90, check=True
    )
    dom = _Dom()
    dom.feed(done.stdout)

    rows = dom.rows
    catalogs = (page.parent.parent / "project" / "translations" / "de").glob("*.po")
    assert len(rows) == sum(not e.obsolete for path in catalogs for e in read_po(path))
    assert dom.counter == f"{len(rows) - 1} of {len(rows)} entries need attention"
    [done_row] = [row for row in rows if "done" in row["classes"]]
    assert "11 Anzeichen für Magnesiummangel" in done_row["text"]
    [fuzzy] = [row for row in rows if "fuzzy" in row["classes"]]
    assert "Magnesiummangel verstehen" in fuzzy["text"]
    [faulty] = [row for row in rows if "problem" in row["classes"]]
    assert "Quellen 12" in faulty["text"] and "numbers: number 12 not in the source" in faulty["text"]
    assert sum("untranslated" in row["classes"] for row in rows) == len(rows) - 3
    assert "magnesiumtekort" in dom.marks and "Magnesiummangel" in dom.marks

    shot = tmp_path / "page.png"
    subprocess.run(
        [*common, "--window-size=1280,900", f"--screenshot={shot}", page.as_uri()],
        capture_output=True,
        timeout=90,
        check=True,
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_report_without_a_glossary_and_with_a_broken_catalog(tmp_path: Path):
    project = copy_project(tmp_path, with_translations=True)
    (project / "glossary.yml").unlink()
    broken = project / "translations" / "fr" / f"{SLUG}.po"
    broken.write_text('msgid "x"\nmsgstr "y"\nmsgid "x"\n', encoding="utf-8")
    result = transflow(project, "report")
    assert result.exit_code == 0, result.output
    assert re.search(r"build/report/en\.html \(3 article\(s\), 0 of \d+ entries need attention\)", result.output)
    french = (project / "build" / "report" / "fr.html").read_text(encoding="utf-8")
    assert 'class="error-box"' in french and f"{SLUG}.po" in french
