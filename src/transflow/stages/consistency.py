"""Which approved entries may disagree across catalogs, found by digests of their texts.

Consistency compares every catalog of the project: one msgid translated differently, one msgstr
used for different msgids. A rerun of `check` must not pay for all of that when one catalog
changed, so the digests that more than one entry holds are kept between runs (`SharedDigests`),
and each catalog marks its entries holding one: only those, and the entries of the catalogs
checked again, can disagree. `stages.qa` turns what disagrees into findings, with the texts.

What the index guarantees after every run, per language and key (msgid, msgstr):
every digest more than one entry holds is in `shared`; every entry holding a digest of `shared`
is marked; `seen` holds (at least) every digest any entry holds. A rerun keeps it so from the
catalogs it checks again alone, unless one of their digests may be held by an unchanged entry
that is not marked: then every entry is looked at again.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right, insort
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from itertools import accumulate, chain, compress, count
from operator import ne
from typing import Any, NamedTuple

from transflow.stages.checkcache import text_digest

KEYS = ("msgid", "msgstr")
_REBUILD = 1000  # new digests past which `seen` is sorted again rather than inserted into


class ApprovedTranslation(NamedTuple):
    """One approved entry, as the consistency checks across catalogs compare them."""

    lang: str
    msgid: str
    msgstr: str
    where: str
    line: int | None
    ignored: frozenset[str]


@dataclass
class ApprovedEntries:
    """A catalog's approved entries, as consistency needs them: digests of their msgids and
    msgstrs, the entries holding a shared digest (`marked`), and their texts while the catalog
    is at hand (a cached one keeps digests only)."""

    lang: str
    slug: str
    where: str
    lines: list[int | None] = field(default_factory=list)
    ignored: dict[int, frozenset[str]] = field(default_factory=dict)
    msgid_digests: array[int] = field(default_factory=lambda: array("Q"))
    msgstr_digests: array[int] = field(default_factory=lambda: array("Q"))
    marked: array[int] = field(default_factory=lambda: array("L"))
    texts: tuple[list[str], list[str]] | None = field(default_factory=lambda: ([], []))

    def add(self, msgid: str, msgstr: str, line: int | None, ignored: frozenset[str]) -> None:
        if ignored:
            self.ignored[len(self.lines)] = ignored
        self.lines.append(line)
        self.msgid_digests.append(text_digest(msgid))
        self.msgstr_digests.append(text_digest(msgstr))
        assert self.texts is not None  # added to while fresh only
        self.texts[0].append(msgid)
        self.texts[1].append(msgstr)

    def digests(self, key: str) -> array[int]:
        return self.msgid_digests if key == "msgid" else self.msgstr_digests

    def without_texts(self) -> ApprovedEntries:
        return replace(self, texts=None)


@dataclass
class SharedDigests:
    """Per (language, key): the digests more than one entry holds, and every digest seen (sorted);
    `found` is what consistency reported per (language, key, digest), kept for the next run."""

    shared: dict[tuple[str, str], set[int]] = field(default_factory=dict)
    seen: dict[tuple[str, str], array[int]] = field(default_factory=dict)
    found: dict[tuple[str, str, int], list[Any]] = field(default_factory=dict)

    @classmethod
    def of(cls, catalogs: list[ApprovedEntries]) -> SharedDigests:
        """The index of all of `catalogs`, which it marks."""
        index = cls()
        for lang, group in _by_lang(catalogs).items():
            for key in KEYS:
                counts = Counter(chain.from_iterable(entries.digests(key) for entries in group))
                index.shared[lang, key] = {digest for digest, holders in counts.items() if holders > 1}
                index.seen[lang, key] = array("Q", sorted(counts))
        for entries in catalogs:
            index.mark(entries)
        return index

    def updated(self, fresh: list[ApprovedEntries], replaced: list[ApprovedEntries]) -> bool:
        """Take in the catalogs checked again (`fresh`, in place of `replaced`) and mark them;
        False, changing nothing, when one of their digests may be held unmarked elsewhere."""
        before = {(entries.lang, key): set(entries.digests(key)) for entries in replaced for key in KEYS}
        added: dict[tuple[str, str], list[int]] = {}
        for entries in fresh:
            for key in KEYS:
                where = entries.lang, key
                if where not in self.shared:
                    return False
                shared, seen, replaced_digests = self.shared[where], self.seen[where], before.get(where, set())
                for digest in entries.digests(key):
                    if digest not in shared and digest not in replaced_digests and _holds(seen, digest):
                        return False
                added.setdefault(where, []).extend(digest for digest in entries.digests(key) if digest not in shared)
        for where, digests in added.items():
            self.shared[where].update(digest for digest, holders in Counter(digests).items() if holders > 1)
            new = sorted({digest for digest in digests if not _holds(self.seen[where], digest)})
            if len(new) > _REBUILD:
                self.seen[where] = array("Q", sorted({*self.seen[where], *new}))
            else:
                for digest in new:
                    insort(self.seen[where], digest)
        for entries in fresh:
            self.mark(entries)
        return True

    def mark(self, entries: ApprovedEntries) -> None:
        ids, strs = self.shared.get((entries.lang, "msgid"), set()), self.shared.get((entries.lang, "msgstr"), set())
        holding = map(
            bool.__or__, map(ids.__contains__, entries.msgid_digests), map(strs.__contains__, entries.msgstr_digests)
        )
        entries.marked = array("L", compress(count(), holding))


def _holds(seen: array[int], digest: int) -> bool:
    return bisect_right(seen, digest) != bisect_left(seen, digest)


def _by_lang(catalogs: list[ApprovedEntries]) -> dict[str, list[ApprovedEntries]]:
    by_lang: dict[str, list[ApprovedEntries]] = {}
    for entries in catalogs:
        by_lang.setdefault(entries.lang, []).append(entries)
    return by_lang


def disagreeing(
    catalogs: list[ApprovedEntries], only: dict[tuple[str, str], set[int]] | None = None
) -> dict[str, list[tuple[ApprovedEntries, int]]]:
    """By key: the marked entries (catalog, index) whose digest of the key comes with more than
    one digest of the other in their language, in the order of `catalogs`; with `only`, just
    those whose digest is in `only[language, key]`.

    A key whose entries all agree has the choice of its last entry everywhere; the few that
    disagree are found without a Python loop over every entry.
    """
    members: dict[str, list[tuple[ApprovedEntries, int]]] = {"msgid": [], "msgstr": []}
    for lang, group in _by_lang(catalogs).items():
        for key, other in (("msgid", "msgstr"), ("msgstr", "msgid")):
            chosen = [entries.marked for entries in group]
            if only is not None:
                wanted = only.get((lang, key), set())
                if not wanted:
                    continue
                chosen = [
                    array(
                        "L",
                        compress(positions, map(wanted.__contains__, map(entries.digests(key).__getitem__, positions))),
                    )
                    for entries, positions in zip(group, chosen, strict=True)
                ]
            keys = list(_picked(group, chosen, key))
            choices = list(_picked(group, chosen, other))
            starts = list(accumulate(map(len, chosen), initial=0))
            last_choice = dict(zip(keys, choices, strict=True))
            split = set(compress(keys, map(ne, map(last_choice.__getitem__, keys), choices)))
            for position in compress(count(), map(split.__contains__, keys)) if split else ():
                catalog = bisect_right(starts, position) - 1
                members[key].append((group[catalog], chosen[catalog][position - starts[catalog]]))
    return members


def _picked(group: list[ApprovedEntries], chosen: list[array[int]], key: str) -> Iterator[int]:
    return chain.from_iterable(
        map(entries.digests(key).__getitem__, positions) for entries, positions in zip(group, chosen, strict=True)
    )


def touched(catalogs: list[ApprovedEntries]) -> dict[tuple[str, str], set[int]]:
    """The digests `catalogs` hold, per (language, key): what changes when they change."""
    found: dict[tuple[str, str], set[int]] = {}
    for entries in catalogs:
        for key in KEYS:
            found.setdefault((entries.lang, key), set()).update(entries.digests(key))
    return found
