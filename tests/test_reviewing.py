"""Saving reviewers' decisions: one entry rewritten in place, byte-identical to a whole rewrite;
a catalog changed on disk refused; provenance and queries as the PO file shows them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import polib
import pytest

from helpers import ROOT
from transflow.domain import decisions
from transflow.formats.pofile import format_po, read_po
from transflow.stages.reviewing import Conflict, EntryKey, read_catalog, reviewer_name, save_entry

DAY = "2026-11-26"
CATALOG = ROOT / "translations" / "fr" / "11-tekenen-van-een-magnesiumtekort.po"


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    path = tmp_path / "fr.po"
    shutil.copy(CATALOG, path)
    return path


def test_a_saved_decision_is_what_a_whole_rewrite_would_write(catalog: Path):
    po = read_po(catalog)
    keys = [EntryKey(entry.msgctxt, entry.msgid) for entry in po][::7]
    for number, key in enumerate(keys):
        saved = save_entry(
            catalog,
            key,
            lambda entry, n=number: decisions.edit(entry, f"texte {n} " * (n + 1) * 5, "Eva", "2026-11-26"),
        )
        text = catalog.read_text(encoding="utf-8")
        assert text == format_po(read_po(catalog)) == saved.catalog.text
        assert f"# reviewed: edited by Eva, {DAY}" in text
    if shutil.which("msgfmt"):
        subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(catalog)], check=True)


def test_a_catalog_changed_since_it_was_read_is_not_written(catalog: Path):
    seen = read_catalog(catalog)
    entry = next(entry for entry in seen.po if entry.msgid and not entry.obsolete)
    key = EntryKey(entry.msgctxt, entry.msgid)
    save_entry(catalog, key, decisions.reopen)  # someone else's save
    theirs = catalog.read_bytes()
    with pytest.raises(Conflict) as refused:
        save_entry(catalog, key, lambda e: decisions.edit(e, "mine", "Eva", "2026-11-26"), expected=seen.version)
    assert catalog.read_bytes() == theirs
    assert refused.value.theirs is not None and "fuzzy" in refused.value.theirs.flags


def test_provenance_after_accepting_and_editing():
    mt = "machine translation: pseudo, 2026-11-25 (pseudo-localization, not a translation)"
    entry = polib.POEntry(msgid="Bron", msgstr="Source", tcomment=mt, flags=["fuzzy"])
    decisions.accept(entry, "Source", "Eva", "2026-11-26")
    assert entry.tcomment == f"superseded: {mt}\nreviewed: accepted as is by Eva, 2026-11-26"
    assert entry.flags == [] and decisions.origin(entry) == ""
    decisions.reopen(entry)
    decisions.accept(entry, "The source", "Jan", "2026-11-27")
    assert entry.tcomment == f"superseded: {mt}\nreviewed: edited by Jan, 2026-11-27"
    written = polib.POEntry(msgid="Bron", msgstr="")
    decisions.accept(written, "Source", "Eva", "2026-11-26")
    assert written.tcomment == "reviewed: edited by Eva, 2026-11-26"


def test_a_query_is_raised_and_resolved_in_comments_and_flags():
    entry = polib.POEntry(msgid="Liu 2016", msgstr="Liu 2016", tcomment="checked against PubMed")
    decisions.raise_query(entry, "  pages\n971-990? ", "Eva", "2026-11-26")
    assert entry.tcomment == "checked against PubMed\nquery: pages 971-990? (Eva, 2026-11-26)"
    assert entry.flags == ["query"]
    decisions.resolve_query(entry, "Jan", "2026-11-27")
    assert (
        entry.tcomment == "checked against PubMed\nquery resolved by Jan, 2026-11-27: pages 971-990? (Eva, 2026-11-26)"
    )
    assert entry.flags == []


def test_the_reviewer_is_git_s_user_name_else_the_login(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    config = tmp_path / "gitconfig"
    config.write_text("[user]\n\tname = Eva Tester\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    assert reviewer_name(tmp_path) == "Eva Tester"
    config.write_text("")
    monkeypatch.setenv("USER", "eva")
    assert reviewer_name(tmp_path) == "eva"
