"""Benchmark `transflow check` against translate-toolkit's `pofilter` on the same catalogs.

Usage: python benchmarks/bench_check.py [--articles 1000] [--runs 3] [--seed 1]

A generated project (benchmarks/generate.py) gets its catalogs from `transflow extract` and
`update` with the project's glossary.yml, then every entry a pseudo translation (upper-cased
prose; URLs, code and markup kept; glossary terms rendered as the glossary requires) with a
fault in one entry of 15 (a dropped number, a doubled space, a lost footnote mark, Magtein
without ®), so both tools have something to report. Both run as real commands on the same
files, each timed by wall clock (median of --runs); pofilter runs only its tests that apply to
documents (see pofilter_coverage.py). The target is at least 5x faster than pofilter.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polib

from peers import TTK_PACKAGES, VENV_TTK, WORK, ensure_venv, pseudo_translate, venv_bin
from pofilter_coverage import POFILTER_TESTS
from transflow.domain.glossary import Glossary
from transflow.domain.protect import mask, restore

TARGET = 5.0


def prepare(articles: int, seed: int) -> Path:
    """The generated project with filled catalogs, cached under benchmarks/.work/."""
    project = WORK / f"check-{articles}-{seed}"
    marker = project / ".filled-with-glossary"
    if marker.exists():
        return project
    shutil.rmtree(project, ignore_errors=True)
    here = Path(__file__).resolve().parent
    subprocess.run(
        [sys.executable, str(here / "generate.py"), str(project), "--articles", str(articles), "--seed", str(seed)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    shutil.copy(here.parent / "glossary.yml", project / "glossary.yml")
    for stage in ("extract", "update"):
        subprocess.run(["transflow", "-C", str(project), stage], check=True, stdout=subprocess.DEVNULL)
    glossary = Glossary.load(project / "glossary.yml")
    number = 0
    for path in sorted(project.glob("translations/*/*.po")):
        catalog = polib.pofile(str(path), wrapwidth=79)
        for entry in catalog:
            number += 1
            # As a translator would: glossary terms rendered as required, markup kept
            masked = mask(entry.msgid, glossary, path.parent.name)
            translation = restore(masked, pseudo_translate(masked.text)).text
            entry.msgstr = _with_fault(translation, number)
        catalog.save(str(path))
    marker.write_text("", encoding="utf-8")
    return project


def _with_fault(text: str, number: int) -> str:
    fault = number % 60
    if fault == 0:
        return re.sub(r"\d+", "", text, count=1)
    if fault == 20:
        return text.replace(" ", "  ", 1)
    if fault == 40:
        return text.replace("\\*", "", 1)
    if fault == 50:
        return text.replace("Magtein®", "Magtein", 1)
    return text


def timed(command: list[str], cwd: Path, ok: tuple[int, ...]) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seconds = time.perf_counter() - start
    if result.returncode not in ok:
        raise SystemExit(f"{command[0]} failed ({result.returncode}): {result.stderr[-2000:]!r}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    ensure_venv(VENV_TTK, TTK_PACKAGES, ["pofilter"])
    project = prepare(options.articles, options.seed)
    catalogs = sorted(project.glob("translations/*/*.po"))
    entries = sum(1 for path in catalogs for entry in polib.pofile(str(path)) if not entry.obsolete)
    pofilter = [venv_bin(VENV_TTK, "pofilter"), "--progress=none", *(f"--test={name}" for name in POFILTER_TESTS)]
    ours, theirs = [], []
    for _ in range(options.runs):
        ours.append(timed(["transflow", "check", "--format", "json"], project, (0, 1)))
        with tempfile.TemporaryDirectory() as out:
            theirs.append(timed([*pofilter, "translations", str(Path(out) / "o")], project, (0,)))
    mine, peer = statistics.median(ours), statistics.median(theirs)
    print(
        f"{len(catalogs)} catalogs ({options.articles} articles x 3 languages), "
        f"{entries:,} entries, median of {options.runs} runs"
    )
    print(f"{'tool':28} {'seconds':>8} {'per 10,000 entries':>20}")
    for name, seconds in (("transflow check", mine), (f"pofilter ({len(POFILTER_TESTS)} tests)", peer)):
        print(f"{name:28} {seconds:8.2f} {seconds / entries * 10_000:19.2f}s")
    ratio = peer / mine
    verdict = "met" if ratio >= TARGET else "NOT met"
    print(f"transflow check is {ratio:.1f}x faster than pofilter (target {TARGET:g}x: {verdict})")


if __name__ == "__main__":
    main()
