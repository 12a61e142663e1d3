"""`transflow update` against GNU msgmerge on a large catalog whose template changed.

A translated catalog of N entries (default 50,000 sentences, headings and paragraphs in the style
of the articles); its new template edits 10% of the strings (a few words changed, inserted or
deleted, up to rewrites), drops 5% and adds 5% new ones. Both tools merge the same files:

- transflow: `transflow update` (the command, start-up included), median of --runs;
- msgmerge -N (no fuzzy matching), median of --runs;
- msgmerge --previous, once: its fuzzy pass takes minutes at this size.

Wall time, CPU time (user + system) and peak RSS of each command are measured by os.wait4; the
ratios use CPU time, since the machine is shared. The strings are random words in the style of
the articles (``--style constructs``) or real sentences from the seed text (``--style prose``).

Then the decisions of `transflow update` and `msgmerge --previous` are compared entry by entry.
Targets: >= 20x faster than msgmerge --previous, <= 2x msgmerge -N in time and <= 3x in peak
memory, identical exact and obsolete decisions, >= 95% agreement on which new strings get a fuzzy
match.

Usage: python benchmarks/bench_update.py [--entries 50000] [--runs 3] [--seed 1] [--style both]
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import polib

from generate import WRITERS
from peers import Launch, launch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from msgmerge_oracle import MSGMERGE, compare
from transflow.domain.catalog import merge
from transflow.formats.pofile import read_po, write_po

WORK = Path(__file__).resolve().parent / ".work" / "update"


def generate(entries: int, seed: int, style: str) -> tuple[polib.POFile, polib.POFile]:
    """(old translated catalog, new template)."""
    rng = random.Random(seed)
    writer = WRITERS[style](rng)

    def text() -> str:
        roll = rng.random()
        if roll < 0.15:
            return writer.heading_text()
        return writer.sentence() if roll < 0.6 else writer.paragraph_text()

    def edit(original: str) -> str:
        words = original.split(" ")
        share = rng.choice([0.05, 0.1, 0.2, 0.3, 0.5, 0.8])
        for _ in range(max(1, int(len(words) * share))):
            roll, where = rng.random(), rng.randrange(len(words))
            if roll < 0.4:
                words[where] = writer.word()
            elif roll < 0.7 or len(words) < 3:
                words.insert(where, writer.word())
            else:
                del words[where]
        return " ".join(words)

    seen: set[str] = set()

    def fresh(make) -> str:
        while True:
            candidate = make()
            if candidate not in seen:
                seen.add(candidate)
                return candidate

    strings = [fresh(text) for _ in range(entries)]
    old = polib.POFile(wrapwidth=79)
    old.metadata = {
        "Project-Id-Version": "bench",
        "Language": "en",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    }
    for line, msgid in enumerate(strings, start=1):
        old.append(polib.POEntry(msgid=msgid, msgstr="EN " + msgid[::-1], occurrences=[("source/bench.md", str(line))]))
    order = list(range(entries))
    rng.shuffle(order)
    changed = set(order[: entries // 10])
    dropped = set(order[entries // 10 : entries // 10 + entries // 20])
    added = set(rng.sample(range(entries), entries // 20))
    new_strings = []
    for number, msgid in enumerate(strings):
        if number in changed:
            new_strings.append(fresh(lambda msgid=msgid: edit(msgid)))
        elif number not in dropped:
            new_strings.append(msgid)
        if number in added:
            new_strings.append(fresh(text))
    template = polib.POFile(wrapwidth=79)
    template.metadata = {
        "Project-Id-Version": "bench",
        "POT-Creation-Date": "2026-11-25 12:00+0000",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }
    for line, msgid in enumerate(new_strings, start=1):
        template.append(polib.POEntry(msgid=msgid, occurrences=[("source/bench.md", str(line))]))
    return old, template


def timed(command: list[str], timeout: float | None = None) -> float | None:
    """Wall-clock seconds, or None when the command did not finish within ``timeout``."""
    start = time.perf_counter()
    try:
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    return time.perf_counter() - start


def prepare(entries: int, seed: int, style: str) -> tuple[Path, Path, Path]:
    """A project with the template, the old catalog beside it; (project, old, template)."""
    shutil.rmtree(WORK, ignore_errors=True)
    project = WORK / "project"
    (project / "translations/templates").mkdir(parents=True)
    (project / "transflow.yml").write_text("project: bench\nlanguages: [en]\n", encoding="utf-8")
    old, template = generate(entries, seed, style)
    old_path, template_path = WORK / "old.po", project / "translations/templates/bench.pot"
    write_po(old_path, old)
    write_po(template_path, template)
    print(
        f"\n{style} style: catalog of {len(old)} translated entries; template: {len(template)} strings "
        f"(10% edited, 5% dropped, 5% added)"
    )
    return project, old_path, template_path


def measure(entries: int, seed: int, runs: int, timeout: float, style: str) -> bool:
    """Time both tools on one generated case; compare decisions if msgmerge --previous ends."""
    transflow = shutil.which("transflow", path=str(Path(sys.executable).parent)) or "transflow"
    project, old_path, template_path = prepare(entries, seed, style)
    catalog = project / "translations/en/bench.po"
    ours: list[Launch] = []
    no_fuzzy: list[Launch] = []
    for _ in range(runs):
        catalog.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(old_path, catalog)
        ours.append(launch([[transflow, "-C", str(project), "update"]], WORK))
        no_fuzzy.append(
            launch([[MSGMERGE, "-q", "-N", str(old_path), str(template_path), "-o", str(WORK / "msgmerge-N.po")]], WORK)
        )
    previous_output = WORK / "msgmerge-previous.po"
    print(f"msgmerge --previous: one run, at most {timeout:.0f} s (its fuzzy pass is slow)...", flush=True)
    previous = timed(
        [MSGMERGE, "-q", "--previous", str(old_path), str(template_path), "-o", str(previous_output)], timeout
    )
    print(f"\n{'tool':<28}{'wall s':>8}{'CPU s':>8}{'peak MiB':>10}   CPU of each run")
    for name, launches in (("transflow update", ours), ("msgmerge -N (no fuzzy)", no_fuzzy)):
        wall = statistics.median(run.total for run in launches)
        cpu = statistics.median(run.cpu for run in launches)
        peak = statistics.median(run.peak_kb for run in launches) / 1024
        print(f"{name:<28}{wall:>8.2f}{cpu:>8.2f}{peak:>10.0f}   {' '.join(f'{run.cpu:.2f}' for run in launches)}")
    median = statistics.median(run.total for run in ours)
    if previous is None:
        print(f"{'msgmerge --previous':<28}{'> ' + str(int(timeout)):>8}   did not finish")
        print(f"\nmsgmerge --previous / transflow update > {timeout / median:.0f}x faster (target >= 20x)")
    else:
        print(f"{'msgmerge --previous':<28}{previous:>8.2f}")
        print(f"\nmsgmerge --previous / transflow update = {previous / median:.1f}x faster (wall; target >= 20x)")
    cpu_ratio = statistics.median(run.cpu for run in ours) / statistics.median(run.cpu for run in no_fuzzy)
    peak_ratio = statistics.median(run.peak_kb for run in ours) / statistics.median(run.peak_kb for run in no_fuzzy)
    print(
        f"transflow update / msgmerge -N         = {cpu_ratio:.2f}x CPU (target <= 2x), "
        f"{peak_ratio:.1f}x peak memory (target <= 3x)"
    )
    breakdown(old_path, template_path)
    if previous is not None:
        agreement = compare(read_po(old_path), read_po(catalog), read_po(previous_output))
        print(f"\ndecisions vs msgmerge --previous: {agreement.summary()}")
        for line in agreement.differences[:10]:
            print(f"  {line[:300]}")
        if len(agreement.differences) > 10:
            print(f"  ... {len(agreement.differences) - 10} more")
    return previous is not None


def breakdown(old_path: Path, template_path: Path) -> None:
    """Where transflow's time goes, measured in-process."""
    start = time.perf_counter()
    old, template = read_po(old_path), read_po(template_path)
    reading = time.perf_counter() - start
    start = time.perf_counter()
    merged, stats = merge(template, old)
    merging = time.perf_counter() - start
    start = time.perf_counter()
    write_po(WORK / "in-process.po", merged)
    writing = time.perf_counter() - start
    print(
        f"transflow in-process: read both files {reading:.2f} s, merge {merging:.2f} s "
        f"(kept {stats.kept}, fuzzy {stats.fuzzy}, new {stats.added}, obsolete "
        f"{stats.obsoleted}), write {writing:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=1800, help="seconds to wait for msgmerge --previous")
    parser.add_argument(
        "--oracle-entries",
        type=int,
        default=5_000,
        help="size of the second case, compared decision by decision when msgmerge --previous did not finish the first",
    )
    parser.add_argument("--style", choices=[*WRITERS, "both"], default="both", help="string style (generate.py)")
    args = parser.parse_args()
    if MSGMERGE is None:
        sys.exit("GNU msgmerge is not installed (apt-get install gettext)")
    print(f"{args.runs} runs of transflow update and msgmerge -N, medians")
    for style in WRITERS if args.style == "both" else [args.style]:
        if not measure(args.entries, args.seed, args.runs, args.timeout, style):
            measure(args.oracle_entries, args.seed, args.runs, args.timeout, style)


if __name__ == "__main__":
    main()
