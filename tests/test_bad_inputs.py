"""Inputs that used to be misread or misreported: each gets a message that says what is wrong,
where; a catalog without a header gets a complete one."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from helpers import copy_project, transflow
from transflow.errors import TransflowError
from transflow.formats.markdown import parse_article
from transflow.formats.pofile import read_po

pytestmark = pytest.mark.reliability

ARTICLE = "---\ntitle: Magnesium\n---\n\nEen alinea.\n\nNog een alinea.\n"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("\ufeff" + ARTICLE, 1, "byte order mark (BOM)"),
        ("---\ntitle: Magnesium\n\nEen alinea.\n", 1, "the front matter is never closed"),
        (ARTICLE + "\n<<<<<<< HEAD\nMijn alinea.\n=======\nHun alinea.\n>>>>>>> main\n", 9, "git conflict marker"),
        (ARTICLE.replace("Nog een", "Nog\0een"), 7, "a NUL byte"),
    ],
)
def test_a_precise_message_at_the_line(text: str, line: int, message: str):
    with pytest.raises(TransflowError) as caught:
        parse_article(text, "source/a.md")
    assert caught.value.line == line
    assert message in caught.value.message


def test_a_setext_heading_is_no_conflict_marker():
    article = parse_article(ARTICLE + "\nKop\n=======\n", "source/a.md")
    assert article.segments[-1].msgid == "Kop"


def test_update_gives_a_headerless_catalog_a_complete_header(tmp_path):
    project = copy_project(tmp_path)
    assert transflow(project, "extract").exit_code == 0
    assert transflow(project, "update", "--lang", "fr").exit_code == 0
    path = next((project / "translations/fr").glob("*.po"))
    text = path.read_text(encoding="utf-8")
    path.write_text(text[text.index("\n\n") + 2 :], encoding="utf-8")  # the header entry is gone
    assert not read_po(path).metadata
    assert transflow(project, "update", "--lang", "fr").exit_code == 0
    metadata = read_po(path).metadata
    assert metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert metadata["Language"] == "fr"
    assert metadata["Plural-Forms"] == "nplurals=2; plural=(n > 1);"
    if shutil.which("msgfmt"):
        check = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True)
        assert "warning: Charset missing" not in check.stderr
        assert check.returncode == 0, check.stderr
