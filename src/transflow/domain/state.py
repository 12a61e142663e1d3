"""Where an entry stands in its review: the one place that decides it.

Publishing, counting, checking, machine translation and review all ask this question; a new
review state (a translator's query, say) is added here and in the code that handles it by name.
"""

from __future__ import annotations

from enum import Enum

import polib


class EntryState(Enum):
    UNTRANSLATED = "untranslated"
    FUZZY = "fuzzy"
    APPROVED = "approved"
    OBSOLETE = "obsolete"


def entry_state(entry: polib.POEntry) -> EntryState:
    """Approved means translated, reviewed (not fuzzy) and current: the only entries published.

    A plural entry is translated by its plural forms, as msgfmt and pocount count it.
    """
    if entry.obsolete:
        return EntryState.OBSOLETE
    if not entry.msgstr and not any(entry.msgstr_plural.values()):
        return EntryState.UNTRANSLATED
    if "fuzzy" in entry.flags:
        return EntryState.FUZZY
    return EntryState.APPROVED
