"""The PO reader and GNU `msgfmt -c` agree on every catalog of a corpus of malformed ones: the same
files are rejected, at a line msgfmt names, and what msgfmt accepts reads back as msgcat writes it."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from transflow.errors import TransflowError
from transflow.formats.pofile import format_po, read_po

MSGFMT = shutil.which("msgfmt")
CORPUS = sorted((Path(__file__).parent / "fixtures" / "malformed-po").glob("*.po"))

pytestmark = [pytest.mark.reliability, pytest.mark.skipif(MSGFMT is None, reason="GNU gettext not installed")]


def msgfmt_errors(path: Path) -> set[int] | None:
    """The lines of msgfmt's fatal errors (None when it accepts the file).

    Two of msgfmt's lines are where its lexer stands, not where the problem is: a string cut by
    the end of its line is reported on the next line, and an entry cut by the end of the file on
    the line after the last; those are taken as the line before.
    """
    result = subprocess.run([MSGFMT, "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    if result.returncode == 0:
        return None
    found = re.findall(rf"^{re.escape(str(path))}:(\d+):(?:\d+:)? (?!warning)(.*)", result.stderr, re.MULTILINE)
    assert found, result.stderr
    last = len(path.read_text(encoding="utf-8", errors="replace").splitlines())
    return {int(line) - (message == "end-of-line within string" or int(line) > last) for line, message in found}


@pytest.mark.parametrize("path", CORPUS, ids=lambda path: path.stem)
def test_rejected_by_both_at_the_same_line(path: Path):
    errors = msgfmt_errors(path)
    if errors is None:
        read_po(path)
        return
    with pytest.raises(TransflowError) as caught:
        read_po(path)
    assert caught.value.line in errors, f"{caught.value} (msgfmt: lines {sorted(errors)})"


def test_valid_escapes_read_as_msgfmt_reads_them():
    path = next(path for path in CORPUS if path.stem == "valid-escapes")
    msgcat = subprocess.run([shutil.which("msgcat"), str(path)], capture_output=True, text=True, check=True).stdout
    assert format_po(read_po(path)) == msgcat
