"""Where an entry stands: one decision, the same for counting, checking, translating and review."""

from __future__ import annotations

import polib

from transflow.domain.catalog import count
from transflow.domain.state import EntryState, entry_state, query_note


def test_each_state_and_how_stats_count_it():
    catalog = polib.POFile()
    for entry in (
        polib.POEntry(msgid="one", msgstr="een"),
        polib.POEntry(msgid="two", msgstr="twee", flags=["fuzzy"]),
        polib.POEntry(msgid="three", msgstr=""),
        polib.POEntry(msgid="four", msgstr="", flags=["fuzzy"]),
        polib.POEntry(msgid="five", msgstr="vijf", obsolete=True),
        polib.POEntry(msgid="a day", msgid_plural="days", msgstr_plural={0: "een dag", 1: "dagen"}),
        polib.POEntry(msgid="a week", msgid_plural="weeks", msgstr_plural={0: "", 1: ""}),
    ):
        catalog.append(entry)
    assert [entry_state(entry) for entry in catalog] == [
        EntryState.APPROVED,
        EntryState.FUZZY,
        EntryState.UNTRANSLATED,
        EntryState.UNTRANSLATED,
        EntryState.OBSOLETE,
        EntryState.APPROVED,
        EntryState.UNTRANSLATED,
    ]
    counts = count(catalog)
    assert (counts.translated, counts.fuzzy, counts.untranslated, counts.obsolete) == (2, 1, 3, 1)


def test_a_query_outranks_every_state_but_obsolete_and_is_counted_apart():
    catalog = polib.POFile()
    for entry in (
        polib.POEntry(msgid="one", msgstr="een", tcomment="query: is this right? (Eva, 2026-11-25)"),
        polib.POEntry(msgid="two words", msgstr="", flags=["fuzzy", "query"]),
        polib.POEntry(msgid="three", msgstr="drie", tcomment="query resolved by Eva, 2026-11-25: is it?"),
        polib.POEntry(msgid="four", msgstr="vier", tcomment="query: old", obsolete=True),
    ):
        catalog.append(entry)
    assert [entry_state(entry) for entry in catalog] == [
        EntryState.QUERY,
        EntryState.QUERY,
        EntryState.APPROVED,
        EntryState.OBSOLETE,
    ]
    assert query_note(catalog[0]) == "is this right? (Eva, 2026-11-25)"
    counts = count(catalog)
    assert (counts.query, counts.query_words, counts.translated, counts.total) == (2, 3, 1, 3)
