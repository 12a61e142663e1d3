"""GNU ``msgmerge --previous`` as an oracle: run it, and compare its merge decisions with ours.

Used by tests/test_merge.py and benchmarks/bench_update.py.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import polib

MSGMERGE = shutil.which("msgmerge")


def msgmerge(old: Path, template: Path, output: Path, fuzzy: bool = True) -> None:
    """``msgmerge --previous`` (or ``-N``) OLD TEMPLATE -o OUTPUT."""
    assert MSGMERGE, "GNU gettext's msgmerge is not installed"
    mode = "--previous" if fuzzy else "--no-fuzzy-matching"
    subprocess.run([MSGMERGE, "--quiet", mode, str(old), str(template), "-o", str(output)], check=True)


@dataclass
class Agreement:
    """How far two merges of the same files took the same decisions."""

    exact: int = 0  # template strings that were in the old catalog
    exact_same: int = 0  # ... carried over identically (msgstr, fuzzy flag, #|)
    unmatched: int = 0  # template strings that were not
    fuzzy_ours: int = 0  # ... given a fuzzy match by us
    fuzzy_theirs: int = 0  # ... by msgmerge
    fuzzy_same: int = 0  # ... on which both agree whether to give one
    source_same: int = 0  # ... both gave one from the same old entry
    obsolete_same: bool = True
    obsolete_differing: int = 0
    obsolete_explained: int = 0  # ... because only one tool used that old entry for a fuzzy match
    differences: list[str] = field(default_factory=list)

    @property
    def fuzzy_agreement(self) -> float:
        return 100.0 * self.fuzzy_same / self.unmatched if self.unmatched else 100.0

    def summary(self) -> str:
        obsolete = (
            "identical"
            if self.obsolete_same
            else (
                f"{self.obsolete_differing} differ, {self.obsolete_explained} of them old entries only "
                "one tool used as a fuzzy source"
            )
        )
        return (
            f"exact carry-over {self.exact_same}/{self.exact} identical; obsolete entries "
            f"{obsolete}; fuzzy: {self.unmatched} "
            f"new strings, msgmerge matched {self.fuzzy_theirs}, transflow {self.fuzzy_ours}, "
            f"agreement on which get a match {self.fuzzy_agreement:.1f}%, same source for "
            f"{self.source_same} of the common matches"
        )


def compare(old: polib.POFile, ours: polib.POFile, theirs: polib.POFile) -> Agreement:
    before = {(entry.msgctxt, entry.msgid) for entry in old}
    mine = _current(ours)
    other = _current(theirs)
    assert mine.keys() == other.keys(), "the two merges disagree on the template's strings"
    result = Agreement()
    for key, decision in other.items():
        own = mine[key]
        if key in before:
            result.exact += 1
            if own == decision:
                result.exact_same += 1
            else:
                result.differences.append(f"exact {key[1][:60]!r}: {own} != {decision}")
            continue
        result.unmatched += 1
        result.fuzzy_ours += bool(own[0])
        result.fuzzy_theirs += bool(decision[0])
        if bool(own[0]) == bool(decision[0]):
            result.fuzzy_same += 1
            result.source_same += bool(own[0]) and own == decision
        else:
            result.differences.append(f"fuzzy {key[1][:60]!r}: ours {own[2]!r:.60}, msgmerge {decision[2]!r:.60}")
    result.obsolete_same = _obsolete(ours) == _obsolete(theirs)
    if not result.obsolete_same:
        differing = _obsolete(ours) ^ _obsolete(theirs)
        sources = {
            decision[2]
            for key, decision in [*mine.items(), *other.items()]
            if key not in before and decision[2] is not None
        }
        result.obsolete_differing = len(differing)
        result.obsolete_explained = sum(msgid in sources for _, msgid, _ in differing)
        result.differences.append(
            f"obsolete: ours only {_obsolete(ours) - _obsolete(theirs)}, "
            f"msgmerge only {_obsolete(theirs) - _obsolete(ours)}"
        )
    return result


def _current(catalog: polib.POFile) -> dict[tuple[str | None, str], tuple]:
    return {
        (entry.msgctxt, entry.msgid): (
            entry.msgstr,
            "fuzzy" in entry.flags and bool(entry.msgstr),
            entry.previous_msgid,
        )
        for entry in catalog
        if not entry.obsolete
    }


def _obsolete(catalog: polib.POFile) -> set[tuple[str | None, str, str]]:
    return {(entry.msgctxt, entry.msgid, entry.msgstr) for entry in catalog if entry.obsolete}
