"""Finding, for many strings at once, the most similar one among many candidates.

The score is GNU gettext's (``fstrcmp``, which msgmerge uses): 2 * LCS / (len a + len b), that is
rapidfuzz's ``fuzz.ratio``; we count characters where gettext counts bytes, so an accented
letter is one edit, not two. Comparing every string with every candidate is what makes
``msgmerge`` take minutes on large catalogs. Like msgmerge, which ranks candidates by the
4-grams they share with the string before scoring them, we score only the best-ranked ones:

- a string of ``SHORT`` characters or more: the candidates sharing the most words and pairs of
  adjacent words with it (an inverted index in numpy; a word found in more than 2% of the
  candidates, or in more than 1,024, ranks nothing and is ignored);
- a shorter string, or one made of common words only: every candidate, in one ``process.cdist``
  call, keeping only candidates that share four characters in a row with it, as msgmerge does
  (short strings can reach the threshold through scattered letters alone) -- unless that means
  more than ``EXHAUSTIVE`` comparisons (a translation memory of 200,000 units): then short
  strings are ranked by words too.

Candidates whose length rules the threshold out (lengths a <= b score at most 200a / (a + b))
are skipped, and the remaining pairs are scored in C by ``process.cpdist``/``cdist`` with
``score_cutoff``, on all cores. Ties go to the better-ranked candidate, then the earlier one.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

SHORT = 64
RANKED = 32
# Pairs compared exhaustively at most (about two seconds on two cores); beyond, short strings
# are ranked by words like long ones.
EXHAUSTIVE = 64_000_000
# Pairs held in memory at once: queries are ranked and compared in chunks of about this many
# (query, candidate) pairs, which bounds memory whatever the catalog and changes no result, since
# each query is decided on its own. A chunk's dense count table (8 MB) is memory that malloc
# reuses: four times larger, each one costs fresh pages from the system (at 50,000 entries of
# prose: 1.4 s of system time, and 20% more time in all).
CHUNK_PAIRS = 1_000_000
# Scores of short strings held at once (cdist's float32 matrix: 16 MB); each cdist call first
# converts all the candidates, so fewer, larger calls cost less.
_SCORED_AT_ONCE = 4_000_000
_SORTED_WHEN_SPARSER = 4  # pairs counted by sorting when the dense table would have 4 times more cells
_SEPARATOR = "\x00"
_BATCH = 2_000  # candidates whose words are split at once
_EPSILON = 1e-9
_BINS = 1024  # histogram bins of Dice coefficients, to find each query's best pairs without sorting all


@dataclass(frozen=True)
class Match:
    candidate: int  # index into the candidates the index was built from
    score: float  # 0-100


class _Postings:
    """For each feature, the candidates having it; counts the features a query shares."""

    def __init__(self, keys: np.ndarray, count: int):
        """From one ``feature * count + candidate`` key per occurrence, in any order (sorted in place)."""
        self.count = max(count, 1)
        # Each step lets go of what the one before needed: these are the largest arrays of a merge.
        keys.sort()
        keys = keys[_run_starts(keys)]
        self.docs = (keys % self.count).astype(np.int32)
        features = keys // self.count
        del keys
        self.starts = _run_starts(features)
        self.features = features[self.starts]
        del features
        frequency = np.diff(np.append(self.starts, len(self.docs)))
        # A feature of many candidates ranks nothing; ignoring it bounds the work per query.
        common = frequency > max(64, min(self.count // 50, 1024))
        self.ends = np.where(common, self.starts, self.starts + frequency)
        self.sizes = np.bincount(self.docs[np.repeat(~common, frequency)], minlength=self.count)

    def shared(
        self,
        docs: np.ndarray,
        features: np.ndarray,
        queries: int,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(query, candidate, Dice coefficient of their features) for every pair sharing one.

        Dice (shared / total) rather than a count, so that long candidates, which share more
        features with anything, do not crowd out the right one."""
        keys = _unique(features * np.int64(max(queries, 1)) + docs)
        features, docs = keys // max(queries, 1), keys % max(queries, 1)
        where = np.minimum(np.searchsorted(self.features, features), len(self.features) - 1)
        found = self.features[where] == features if len(self.features) else where < 0
        docs, where = docs[found], where[found]
        starts = self.starts[where]
        sizes = self.ends[where] - starts
        total = int(sizes.sum())
        offsets = np.repeat(starts - np.cumsum(sizes) + sizes, sizes) + np.arange(total)
        keys = np.repeat(docs.astype(np.int64) * self.count, sizes) + self.docs[offsets]
        if total * _SORTED_WHEN_SPARSER < queries * self.count:
            # Few pairs for the table's size: counting them by sorting is cheaper than scanning it.
            keys.sort()
            firsts = _run_starts(keys)
            pairs, shared = keys[firsts], np.diff(np.append(firsts, total))
        else:
            # Counted in a dense (query, candidate) table, which is why callers keep queries * candidates small
            counts = np.bincount(keys, minlength=queries * self.count)
            pairs = np.flatnonzero(counts)
            shared = counts[pairs]
        query_sizes = np.bincount(docs[sizes > 0], minlength=max(queries, 1))
        rows, candidates = pairs // self.count, pairs % self.count
        return rows, candidates, shared / (query_sizes[rows] + self.sizes[candidates])

    def cost(self, docs: np.ndarray, features: np.ndarray, queries: int) -> np.ndarray:
        """For each query, at most how many (query, candidate) pairs `shared` goes through."""
        where = np.minimum(np.searchsorted(self.features, features), len(self.features) - 1)
        found = self.features[where] == features if len(self.features) else where < 0
        sizes = self.ends[where[found]] - self.starts[where[found]]
        return np.bincount(docs[found], weights=sizes, minlength=max(queries, 1))[:queries]


class FuzzyIndex:
    """The candidates, indexed once for any number of searches."""

    def __init__(self, candidates: Sequence[str]):
        self.candidates = list(candidates)
        self.lengths = np.fromiter(map(len, self.candidates), np.int64, len(self.candidates))
        first_seen: dict[str, int] = {_SEPARATOR: 0}
        position = itertools.count(1)
        batches = [np.zeros(0, np.int64)]
        # In batches: the words of all candidates at once, as Python strings, would take more
        # memory than everything else here.
        for start in range(0, len(self.candidates), _BATCH):
            words = _words(self.candidates[start : start + _BATCH])
            batches.append(np.fromiter(map(first_seen.setdefault, words, position), np.int64, len(words)))
        # setdefault numbered each word by its first occurrence, in increasing order: renumber them 0, 1, 2...
        ids = np.searchsorted(np.fromiter(first_seen.values(), np.int64, len(first_seen)), np.concatenate(batches))
        del batches
        self.vocabulary = dict(zip(first_seen, range(len(first_seen)), strict=True))
        del first_seen
        docs, keys = self._word_features(ids)
        del ids
        keys *= max(len(self.candidates), 1)
        keys += docs
        del docs
        self.words = _Postings(keys, len(self.candidates))
        self.by_length = np.argsort(self.lengths, kind="stable")

    def _word_features(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(text, feature) pairs: every known word and every pair of adjacent known words.

        ``ids`` are the word ids of all texts in a row, 0 before each text, -1 for unknown words.
        """
        text = np.cumsum(ids == 0, dtype=np.int32) - 1
        known = ids > 0
        adjacent = known[1:] & known[:-1]
        size = np.int64(len(self.vocabulary))
        pairs = size + ids[:-1][adjacent] * size + ids[1:][adjacent]
        return (np.concatenate([text[known], text[:-1][adjacent]]), np.concatenate([ids[known], pairs]))

    def search(
        self,
        queries: Sequence[str],
        threshold: float,
        workers: int = -1,
    ) -> list[Match | None]:
        """The best candidate scoring at least ``threshold`` (0-100) for each query, or None."""
        results: list[Match | None] = [None] * len(queries)
        if not queries or not self.candidates:
            return results
        short = np.array([i for i, text in enumerate(queries) if len(text) < SHORT], np.int64)
        if not self._affordable(queries, short, threshold):
            short = short[:0]  # too many to compare with every candidate: rank them too
        ranked = np.setdiff1d(np.arange(len(queries)), short)
        words = _words([queries[i] for i in ranked])
        ids = np.fromiter(map(self.vocabulary.get, words, itertools.repeat(-1)), np.int64, len(words))
        docs, features = self._word_features(ids)
        by_query = np.argsort(docs, kind="stable")  # so that each chunk's features are a slice
        docs, features = docs[by_query], features[by_query]
        lengths = np.fromiter(map(len, queries), np.int64, len(queries))
        chunks = [
            self._ranked_chunk(lengths, ranked, docs, features, first, last, threshold)
            for first, last in _spans(self.words.cost(docs, features, len(ranked)), CHUNK_PAIRS, self.words.count)
        ]
        long_pairs = (
            np.concatenate([rows for rows, _ in chunks] or [ranked[:0]]),
            np.concatenate([candidates for _, candidates in chunks] or [ranked[:0]]),
        )
        # A string made only of common words has nothing to rank by: compare it with all.
        exhaustive = np.union1d(short, np.setdiff1d(ranked, long_pairs[0]))
        if not self._affordable(queries, exhaustive, threshold):
            exhaustive = short
        self._search_short(queries, exhaustive.tolist(), threshold, workers, results)
        query_rows, candidates = long_pairs
        if not len(query_rows):
            return results
        scores = process.cpdist(
            [queries[row] for row in query_rows.tolist()],
            [self.candidates[candidate] for candidate in candidates.tolist()],
            scorer=fuzz.ratio,
            score_cutoff=threshold - _EPSILON,
            workers=workers,
        )
        # The pairs of each query are in rank order: the first maximum wins a tie.
        for row, first, last in _groups(query_rows):
            block = scores[first:last]
            best = int(np.argmax(block))
            if block[best] >= threshold - _EPSILON:
                results[row] = Match(int(candidates[first + best]), float(block[best]))
        return results

    def _ranked_chunk(
        self,
        lengths: np.ndarray,
        ranked: np.ndarray,
        docs: np.ndarray,
        features: np.ndarray,
        first: int,
        last: int,
        threshold: float,
    ) -> tuple[np.ndarray, np.ndarray]:
        """`_best_ranked` for the ranked queries ``first`` to ``last`` (exclusive); ``lengths`` of all,
        ``docs`` sorted."""
        mine = slice(*np.searchsorted(docs, [first, last]).tolist())
        rows, candidates, shared = self.words.shared(docs[mine] - first, features[mine], last - first)
        return self._best_ranked(lengths, ranked[rows + first], candidates, shared, threshold, RANKED)

    def _window(
        self,
        queries: Sequence[str],
        rows: Sequence[int],
        threshold: float,
    ) -> np.ndarray:
        """The candidates whose length allows the threshold with one of these queries."""
        if not len(rows):
            return self.by_length[:0]
        lengths = [len(queries[row]) for row in rows]
        ratio = max(threshold, _EPSILON) / (200.0 - min(threshold, 100.0) + _EPSILON)
        candidate_lengths = self.lengths[self.by_length]
        return self.by_length[
            (candidate_lengths >= min(lengths) * ratio - _EPSILON)
            & (candidate_lengths <= max(lengths) / ratio + _EPSILON)
        ]

    def _affordable(self, queries: Sequence[str], rows: np.ndarray, threshold: float) -> bool:
        return len(rows) * len(self._window(queries, rows.tolist(), threshold)) <= EXHAUSTIVE

    def _search_short(
        self, queries: Sequence[str], short: list[int], threshold: float, workers: int, results: list[Match | None]
    ) -> None:
        """Every candidate whose length allows the threshold, in one ``cdist`` call."""
        window = self._window(queries, short, threshold)
        if not short or not len(window):
            return
        texts = [self.candidates[candidate] for candidate in window.tolist()]
        rows_per_chunk = max(1, _SCORED_AT_ONCE // len(window))
        for start in range(0, len(short), rows_per_chunk):
            chunk = short[start : start + rows_per_chunk]
            scores = process.cdist(
                [queries[row] for row in chunk],
                texts,
                scorer=fuzz.ratio,
                score_cutoff=threshold - _EPSILON,
                workers=workers,
            )
            for position, row in enumerate(chunk):
                above = np.flatnonzero(scores[position] >= threshold - _EPSILON)
                ranked = sorted(zip((-scores[position][above]).tolist(), window[above].tolist(), strict=True))
                query = queries[row]
                for score, candidate in ranked:
                    if _related(query, self.candidates[candidate]):
                        results[row] = Match(candidate, -score)
                        break

    def _best_ranked(
        self,
        lengths: np.ndarray,
        rows: np.ndarray,
        candidates: np.ndarray,
        shared: np.ndarray,
        threshold: float,
        limit: int,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Per query, the ``limit`` candidates sharing the most, whose length allows a match."""
        query_lengths = lengths[rows]
        candidate_lengths = self.lengths[candidates]
        possible = 200.0 * np.minimum(query_lengths, candidate_lengths) >= (threshold - _EPSILON) * (
            query_lengths + candidate_lengths
        )
        rows, candidates, shared = rows[possible], candidates[possible], shared[possible]
        contenders = _contenders(rows, shared, limit)
        rows, candidates, shared = rows[contenders], candidates[contenders], shared[contenders]
        # By query, then most shared first; a stable sort keeps ties in candidate order, in which
        # `shared` gives them. One key (a Dice coefficient is at most 1) sorts faster than three.
        order = np.argsort(2.0 * rows - shared, kind="stable")
        rows, candidates = rows[order], candidates[order]
        rank = np.arange(len(rows)) - np.searchsorted(rows, rows, "left")
        return rows[rank < limit], candidates[rank < limit]


def _contenders(rows: np.ndarray, shared: np.ndarray, limit: int) -> np.ndarray:
    """Which pairs can be among the ``limit`` best of their query (``rows`` sorted): those in the
    highest histogram bins of Dice that hold ``limit`` pairs. Sorting only these, in their order,
    ranks the best as sorting all would, for a fraction of the cost."""
    if not len(rows):
        return np.zeros(0, bool)
    groups = np.cumsum(np.diff(rows, prepend=rows[0]) != 0)
    bins = (shared * (_BINS - 1)).astype(np.int64)  # monotonic: a better pair never gets a lower bin
    histogram = np.bincount(groups * _BINS + bins, minlength=(int(groups[-1]) + 1) * _BINS).reshape(-1, _BINS)
    from_top = np.cumsum(histogram[:, ::-1], axis=1) >= limit
    lowest = np.where(from_top.any(axis=1), _BINS - 1 - np.argmax(from_top, axis=1), 0)
    keep: np.ndarray = bins >= lowest[groups]
    return keep


def _related(query: str, candidate: str) -> bool:
    """Sharing four characters in a row, as msgmerge requires of a candidate: two short strings
    can score 60 through scattered letters alone ("pijn voor linzen", "Dit verliezen")."""
    return len(query) < 4 or any(query[i : i + 4] in candidate for i in range(len(query) - 3))


def _words(texts: Sequence[str]) -> list[str]:
    """The lowercased words of all texts in a row, with a separator before each text."""
    return f"{_SEPARATOR} {f' {_SEPARATOR} '.join(texts)}".lower().split()


def _run_starts(values: np.ndarray) -> np.ndarray:
    """Where each run of equal values of a sorted array starts."""
    starts = np.ones(len(values), bool)
    np.not_equal(values[1:], values[:-1], out=starts[1:])
    return np.flatnonzero(starts)


def _unique(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (by sorting: numpy 2's hash-based unique is slower here)."""
    values = np.sort(values)
    unique: np.ndarray = values[_run_starts(values)]
    return unique


def _spans(costs: np.ndarray, budget: int, width: int) -> Iterator[tuple[int, int]]:
    """Consecutive (first, last) ranges of items whose costs add up to at most ``budget`` and that
    are at most ``budget / width`` items (or of one item that alone costs more)."""
    first, total = 0, 0.0
    most = max(1, budget // width)
    for index, cost in enumerate(costs.tolist()):
        if (total + cost > budget or index - first >= most) and index > first:
            yield first, index
            first, total = index, 0.0
        total += cost
    if first < len(costs):
        yield first, len(costs)


def _groups(rows: np.ndarray) -> Iterator[tuple[int, int, int]]:
    """(value, first, last) of each run of equal values in a sorted array."""
    if not len(rows):
        return
    bounds = np.flatnonzero(np.diff(rows)) + 1
    firsts = np.concatenate([[0], bounds])
    lasts = np.concatenate([bounds, [len(rows)]])
    yield from zip(rows[firsts].tolist(), firsts.tolist(), lasts.tolist(), strict=True)
