"""Translation memory lookups: 5,000 new segments against a 200,000-unit memory.

The memory is built from generated catalogs (100 of 2,000 approved entries by default); the new
segments are a third repeats of memory sources, a third lightly edited ones, a third new text.
Prints the time to index the catalogs (first open), to open an unchanged memory, and to look up
the segments (exact, then fuzzy at the tm.fuzzy_threshold, median of --runs), with the hit rates.

Usage: python benchmarks/bench_tm.py [--units 200000] [--segments 5000] [--runs 3]
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import time
from pathlib import Path

import polib

from generate import ArticleWriter
from transflow.formats.fileio import atomic_write_text
from transflow.formats.pofile import format_po
from transflow.stages import settings as config_module
from transflow.stages.memory import TranslationMemory

WORK = Path(__file__).resolve().parent / ".work" / "tm"
PER_CATALOG = 2_000


def build_project(units: int, seed: int) -> tuple[Path, list[str]]:
    """A project whose English catalogs hold ``units`` approved translations; their sources."""
    rng = random.Random(seed)
    writer = ArticleWriter(rng)
    shutil.rmtree(WORK, ignore_errors=True)
    (WORK / "translations/en").mkdir(parents=True)
    (WORK / "transflow.yml").write_text("project: bench\nlanguages: [en]\n", encoding="utf-8")
    sources: list[str] = []
    seen: set[str] = set()
    for number in range(0, units, PER_CATALOG):
        catalog = polib.POFile()
        catalog.metadata = {"Language": "en", "Content-Type": "text/plain; charset=UTF-8"}
        while len(catalog) < min(PER_CATALOG, units - number):
            text = writer.sentence() if rng.random() < 0.7 else writer.heading_text()
            if text not in seen:
                seen.add(text)
                sources.append(text)
                catalog.append(polib.POEntry(msgid=text, msgstr="EN " + text[::-1]))
        atomic_write_text(WORK / f"translations/en/c{number // PER_CATALOG:03d}.po", format_po(catalog, width=0))
    return WORK, sources


def segments(sources: list[str], count: int, seed: int) -> tuple[list[str], int, int]:
    """(segments, how many are repeats, how many are edits)."""
    rng = random.Random(seed + 1)
    writer = ArticleWriter(rng)
    repeats = rng.sample(sources, count // 3)
    edits = []
    for text in rng.sample(sources, count // 3):
        words = text.split(" ")
        words[rng.randrange(len(words))] = writer.word()
        edits.append(" ".join(words))
    new = [writer.sentence() for _ in range(count - len(repeats) - len(edits))]
    mixed = repeats + edits + new
    rng.shuffle(mixed)
    return mixed, len(repeats), len(edits)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=200_000)
    parser.add_argument("--segments", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    project, sources = build_project(args.units, args.seed)
    queries, repeats, edits = segments(sources, args.segments, args.seed)
    config = config_module.load(project)

    start = time.perf_counter()
    memory = TranslationMemory.open(config)
    first_open = time.perf_counter() - start
    memory.close()
    start = time.perf_counter()
    memory = TranslationMemory.open(config)
    reopen = time.perf_counter() - start
    units = memory.connection.execute("SELECT count(*) FROM units").fetchone()[0]
    times, found = [], {}
    for _ in range(args.runs):
        memory._indexes.clear()  # each run pays for the fuzzy index, as a fresh process does
        start = time.perf_counter()
        found = memory.lookup("en", queries)
        times.append(time.perf_counter() - start)
    memory.close()
    exact = sum(1 for suggestion in found.values() if suggestion.score >= 100)
    fuzzy = len(found) - exact
    print(
        f"memory: {units} units in {len(list((project / 'translations/en').glob('*.po')))} "
        f"catalogs; segments: {len(queries)} ({repeats} repeats, {edits} one-word edits, "
        f"{len(queries) - repeats - edits} new)"
    )
    print(f"index the catalogs (first open)   {first_open:8.2f} s")
    print(f"open, nothing changed             {reopen:8.2f} s")
    print(
        f"lookup of {len(queries)} segments       {statistics.median(times):8.2f} s "
        f"(median of {args.runs}: {' '.join(f'{t:.2f}' for t in times)}; "
        f"{1000 * statistics.median(times) / len(queries):.2f} ms per segment)"
    )
    print(
        f"hit rate: {100 * len(found) / len(queries):.1f}% ({exact} exact = "
        f"{100 * exact / len(queries):.1f}%, {fuzzy} fuzzy >= {memory.settings.fuzzy_threshold:.0f}"
        f" = {100 * fuzzy / len(queries):.1f}%)"
    )


if __name__ == "__main__":
    main()
