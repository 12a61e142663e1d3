"""`transflow review` driven as a translator would: a real terminal (pexpect), keys typed,
then the catalog read back from disk."""

from __future__ import annotations

import os
import sys
import termios
import time
from pathlib import Path

import pexpect
import pytest

from helpers import ONE_TERM_GLOSSARY, copy_project, hold, transflow, wait_until
from transflow.domain.candidates import Change, word_diff
from transflow.domain.catalog import timestamp
from transflow.formats.pofile import read_po, write_po

SLUG = "11-tekenen-van-een-magnesiumtekort"
TITLE = "11 tekenen van een magnesiumtekort"
HEADING = "Magnesiumtekort begrijpen"
ADDRESSING = "Magnesiumtekort aanpakken"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The shipped project whose German catalog has three entries waiting for review:
    a machine translation, a translation whose source changed, and one with a check error."""
    project = copy_project(tmp_path, with_translations=True)
    (project / "glossary.yml").write_text(ONE_TERM_GLOSSARY)
    path = catalog_path(project)
    po = read_po(path)
    entries = {entry.msgid: entry for entry in po}
    title = entries[TITLE]
    title.msgstr = "11 Anzeichen eines Magnesiummangels"
    title.flags.append("fuzzy")
    title.tcomment = "machine translation: google"
    heading = entries[HEADING]
    heading.msgstr = "Magnesiumüberschuss verstehen"
    heading.flags.append("fuzzy")
    heading.previous_msgid = "Magnesiumoverschot begrijpen"
    addressing = entries[ADDRESSING]
    addressing.msgstr = "Magnesiummangel 2 angehen"  # a number the source does not have
    addressing.flags.append("fuzzy")
    addressing.tcomment = "machine translation: google"
    write_po(path, po)
    return project


def catalog_path(project: Path) -> Path:
    return project / "translations" / "de" / f"{SLUG}.po"


def entry(project: Path, msgid: str):
    return next(e for e in read_po(catalog_path(project)) if e.msgid == msgid)


class Review(pexpect.spawn):
    """A review session whose expectations fail as soon as they cannot be met: once the child has
    been waiting for a key for a while (a key just typed is read at once), everything it had to
    show is on the screen, so there is nothing more to wait for."""

    def expect_exact(self, pattern, timeout=-1, **kwargs):
        deadline = time.monotonic() + (self.timeout if timeout == -1 else timeout)
        waiting_since = None
        while True:
            try:
                return super().expect_exact(pattern, timeout=0.2, **kwargs)
            except pexpect.TIMEOUT:
                now = time.monotonic()
                waiting_since = (waiting_since or now) if waiting_for_key(self) else None
                if now > deadline or (waiting_since is not None and now - waiting_since > 2):
                    raise


def waiting_for_key(child: pexpect.spawn) -> bool:
    """`review` reads keys in raw mode, and the child's terminal mode shows on the pty."""
    return not termios.tcgetattr(child.child_fd)[3] & termios.ICANON


def spawn(project: Path, *args: str, editor: str = "false") -> pexpect.spawn:
    env = {**os.environ, "NO_COLOR": "1", "EDITOR": editor, "VISUAL": editor}
    child = Review(
        sys.executable,
        [
            "-c",
            "from transflow.faces.cli import main; main()",
            "--project",
            str(project),
            "review",
            "--lang",
            "de",
            *args,
        ],
        env=env,
        encoding="utf-8",
        timeout=60,
        dimensions=(50, 200),
    )
    child.delaybeforesend = None  # `press` waits for the moment that matters instead
    return child


def press(child: pexpect.spawn, key: str) -> None:
    """Type a key once `review` is reading one: it reads keys in raw mode, and switching to raw
    mode discards what was typed before (as click.getchar does), so a key typed while the entry
    is still being drawn would be lost on a slow machine: wait for raw mode instead of for a fixed
    delay (a child that died fails at the next expect)."""
    wait_until(lambda: not child.isalive() or waiting_for_key(child))
    child.send(key)


def finish(child: pexpect.spawn) -> str:
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    return child.before


def test_accept_skip_quit_then_rerun_continues(project: Path):
    child = spawn(project)
    child.expect_exact("[1/3] de  " + SLUG)
    child.expect_exact("(machine translation)")
    child.expect_exact("11 Anzeichen eines Magnesiummangels")
    child.expect_exact("[a]ccept")
    press(child, "a")
    child.expect_exact("Accepted.")
    child.expect_exact("[2/3]")
    child.expect_exact("(source changed since the last approval)")
    child.expect_exact("Changed since the last approval:")
    child.expect_exact("[-Magnesiumoverschot-] {+Magnesiumtekort+} begrijpen")
    press(child, "s")
    child.expect_exact("[3/3]")
    press(child, "q")
    assert "accepted 1, edited 0, skipped 1; 2 entries still waiting" in finish(child)

    accepted = entry(project, TITLE)
    assert accepted.msgstr == "11 Anzeichen eines Magnesiummangels"
    assert "fuzzy" not in accepted.flags
    assert "fuzzy" in entry(project, HEADING).flags
    assert "fuzzy" in entry(project, ADDRESSING).flags

    # The rerun shows what is left, the entry skipped before last.
    child = spawn(project)
    child.expect_exact("[1/2]")
    child.expect_exact("Magnesiummangel 2 angehen")
    press(child, "s")
    child.expect_exact("[2/2]")
    child.expect_exact("Magnesiumüberschuss verstehen")
    press(child, "a")
    child.expect_exact("Accepted.")
    press(child, "q")
    finish(child)
    approved = entry(project, HEADING)
    assert "fuzzy" not in approved.flags and approved.previous_msgid is None


def test_filters_choose_by_state_check_and_text_and_g_goes_to_an_entry(project: Path):
    child = spawn(project, "--check", "numbers")
    child.expect_exact("[1/1]")
    child.expect_exact("Magnesiummangel 2 angehen")
    press(child, "q")
    finish(child)
    child = spawn(project, "--search", "ÜBERSCHUSS")
    child.expect_exact("[1/1]")
    child.expect_exact("Magnesiumüberschuss verstehen")
    press(child, "q")
    finish(child)
    child = spawn(project, "--state", "fuzzy")
    child.expect_exact("[1/3]")
    press(child, "g")
    child.expect_exact("Go to entry (1-3)")
    child.sendline("3")
    child.expect_exact("[3/3]")
    child.expect_exact("Magnesiummangel 2 angehen")
    press(child, "q")
    finish(child)


@pytest.mark.reliability
def test_a_decision_waits_while_another_command_holds_the_project(project: Path):
    """Review takes the project lock only to save: it starts beside `run`, and a decision made
    while `run` writes is saved once `run` is done, not over what `run` wrote."""
    holder = hold(project / ".transflow")
    try:
        child = spawn(project)
        child.expect_exact("[1/3]")
        press(child, "a")
        child.expect_exact(f"waiting up to 600 s for `transflow run` (PID {holder.pid}")
        assert "fuzzy" in entry(project, TITLE).flags
    finally:
        holder.kill()
        holder.wait()
    child.expect_exact("Accepted.")
    press(child, "q")
    finish(child)
    assert "fuzzy" not in entry(project, TITLE).flags


def test_back_returns_to_the_previous_entry(project: Path):
    child = spawn(project)
    child.expect_exact("[1/3]")
    press(child, "b")
    child.expect_exact("This is the first entry.")
    press(child, "s")
    child.expect_exact("[2/3]")
    press(child, "b")
    child.expect_exact("[1/3]")
    child.expect_exact("11 Anzeichen eines Magnesiummangels")
    press(child, "a")
    child.expect_exact("[2/3]")
    press(child, "q")
    finish(child)
    assert "fuzzy" not in entry(project, TITLE).flags


def test_accepting_a_translation_with_check_errors_asks_first(project: Path):
    child = spawn(project, SLUG)
    for _ in range(2):
        child.expect_exact("[a]ccept")
        press(child, "s")
    child.expect_exact("[3/3]")
    child.expect_exact("error: numbers: number 2 not in the source")
    press(child, "a")
    child.expect_exact("still has 1 check error(s). Accept it anyway? [y/N]")
    child.sendline("n")
    child.expect_exact("[a]ccept")
    assert "fuzzy" in entry(project, ADDRESSING).flags
    press(child, "a")
    child.expect_exact("Accept it anyway? [y/N]")
    child.sendline("y")
    child.expect_exact("Accepted.")
    finish(child)
    assert "fuzzy" not in entry(project, ADDRESSING).flags


def test_edit_in_the_editor_then_accept(project: Path, tmp_path: Path):
    editor = tmp_path / "editor.sh"
    editor.write_text("#!/bin/sh\nprintf 'Magnesiummangel verstehen\\n' > \"$1\"\n")
    editor.chmod(0o755)
    child = spawn(project, editor=str(editor))
    child.expect_exact("[1/3]")
    press(child, "s")
    child.expect_exact("[2/3]")
    press(child, "e")
    child.expect_exact("Saved (still fuzzy): press a to accept it.")
    child.expect_exact("Magnesiummangel verstehen")
    edited = entry(project, HEADING)
    assert edited.msgstr == "Magnesiummangel verstehen" and "fuzzy" in edited.flags
    press(child, "a")
    child.expect_exact("Accepted.")
    child.expect_exact("[3/3]")
    press(child, "q")
    assert "accepted 1, edited 1, skipped 1" in finish(child)
    assert "fuzzy" not in entry(project, HEADING).flags


def test_a_killed_session_keeps_every_decision_made(project: Path):
    child = spawn(project)
    child.expect_exact("[1/3]")
    press(child, "a")
    child.expect_exact("[2/3]")
    child.kill(9)
    child.close()
    assert "fuzzy" not in entry(project, TITLE).flags
    assert "fuzzy" in entry(project, HEADING).flags


def test_glossary_terms_and_their_renderings_are_shown(project: Path):
    child = spawn(project)
    child.expect_exact("[1/3]")
    child.expect_exact("Glossary:")
    child.expect_exact("magnesiumtekort -> Magnesiummangel  MISSING")
    child.expect_exact("warning: glossary-missing-term")
    press(child, "s")
    child.expect_exact("[2/3]")
    press(child, "s")
    child.expect_exact("Magnesiumtekort -> Magnesiummangel  ok")
    press(child, "q")
    finish(child)


def test_nothing_to_review(tmp_path: Path):
    child = spawn(copy_project(tmp_path, with_translations=True))
    child.expect_exact("Nothing to review")
    finish(child)


def test_review_needs_a_terminal(project: Path):
    result = transflow(project, "review")
    assert result.exit_code == 2
    assert "interactive" in result.output


def test_word_diff_is_word_level():
    assert word_diff("de oude tekst blijft", "de nieuwe tekst blijft hier") == [
        Change("equal", "de"),
        Change("delete", "oude"),
        Change("insert", "nieuwe"),
        Change("equal", "tekst blijft"),
        Change("insert", "hier"),
    ]


def test_ctrl_c_stops_cleanly_keeping_what_was_decided(project: Path):
    child = spawn(project)
    child.expect_exact("[1/3]")
    press(child, "a")
    child.expect_exact("[2/3]")
    child.expect_exact("[a]ccept")
    press(child, "\x03")  # Ctrl-C
    child.expect_exact("interrupted; every file written so far is complete")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "fuzzy" not in entry(project, TITLE).flags
    assert "fuzzy" in entry(project, HEADING).flags


@pytest.fixture
def reviewer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """git's user.name, as the review lines record it."""
    config = tmp_path / "gitconfig"
    config.write_text("[user]\n\tname = Eva Tester\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    return "Eva Tester"


def test_the_editor_gets_source_glossary_and_checks_as_comment_lines(project: Path, tmp_path: Path, reviewer: str):
    seen = tmp_path / "seen.txt"
    editor = tmp_path / "editor.sh"
    editor.write_text(f'#!/bin/sh\ncp "$1" {seen}\nprintf \'11 Anzeichen von Magnesiummangel\\n# a note\\n\' > "$1"\n')
    editor.chmod(0o755)
    child = spawn(project, editor=str(editor))
    child.expect_exact("[1/3]")
    press(child, "e")
    child.expect_exact("Saved (still fuzzy): press a to accept it.")
    press(child, "a")
    child.expect_exact("Accepted.")
    press(child, "q")
    finish(child)
    shown = seen.read_text(encoding="utf-8").splitlines()
    assert shown[0] == "11 Anzeichen eines Magnesiummangels"
    assert "# Source:" in shown and f"# {TITLE}" in shown
    assert "# Glossary: magnesiumtekort -> Magnesiummangel" in shown
    assert any(line.startswith("# warning: glossary-missing-term:") for line in shown)
    accepted = entry(project, TITLE)
    assert accepted.msgstr == "11 Anzeichen von Magnesiummangel"
    today = timestamp()[:10]
    assert accepted.tcomment == f"superseded: machine translation: google\nreviewed: edited by {reviewer}, {today}"


def test_query_raised_resolved_then_accepted_and_opened_again(project: Path, reviewer: str):
    child = spawn(project)
    child.expect_exact("catalog 41/44 approved")
    press(child, "r")
    child.expect_exact("Query for the editor")
    child.sendline("Is 'Anzeichen' the word we use?")
    child.expect_exact("Query raised")
    child.expect_exact("[2/3]")
    assert "query" in entry(project, TITLE).flags
    press(child, "b")
    child.expect_exact("(query for the editor)")
    child.expect_exact("Query: Is 'Anzeichen' the word we use?")
    press(child, "a")
    child.expect_exact("resolve it first (r)")
    press(child, "r")
    child.expect_exact("Query resolved.")
    press(child, "a")
    child.expect_exact("Accepted.")
    child.expect_exact("catalog 42/44 approved")
    press(child, "b")
    child.expect_exact("[1/3]")
    press(child, "o")
    child.expect_exact("Opened again (fuzzy)")
    press(child, "q")
    finish(child)
    reopened = entry(project, TITLE)
    today = timestamp()[:10]
    assert reopened.flags == ["fuzzy"]
    assert reopened.tcomment == (
        "superseded: machine translation: google\n"
        f"query resolved by {reviewer}, {today}: Is 'Anzeichen' the word we use? ({reviewer}, {today})\n"
        f"reviewed: accepted as is by {reviewer}, {today}"
    )
