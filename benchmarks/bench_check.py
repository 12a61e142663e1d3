"""Benchmark `transflow check` against translate-toolkit's `pofilter` on the same catalogs.

Usage: python benchmarks/bench_check.py [--articles 1000] [--runs 3] [--seed 1] [--style both]

A generated project (benchmarks/generate.py) gets its catalogs from `transflow extract` and
`update` with the project's glossary.yml, then every entry a pseudo translation (upper-cased
prose; URLs, code and markup kept; glossary terms rendered as the glossary requires) with a
fault in one entry of 15 (a dropped number, a doubled space, a lost footnote mark, Magtein
without ®), so both tools have something to report. Both run as real commands on the same
files, alternating, each measured by os.wait4 (CPU time, median of --runs); pofilter runs only its
tests that apply to documents (see pofilter_coverage.py). transflow is measured twice: on a clean
clone (no `.transflow/` result cache) and rerun after one catalog changed. Targets: at least 5x
faster than pofilter on a clean clone, 50x on the rerun.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

from generate import WRITERS
from peers import TTK_PACKAGES, VENV_TTK, WORK, ensure_venv, launch, pseudo_translate, venv_bin
from pofilter_coverage import POFILTER_TESTS
from transflow.domain.glossary import Glossary
from transflow.domain.protect import mask, restore

TARGET = 5.0
RERUN_TARGET = 50.0
TRANSFLOW = str(Path(sys.executable).parent / "transflow")  # the one beside this interpreter, not a PATH shim


def prepare(articles: int, seed: int, style: str) -> Path:
    """The generated project with filled catalogs, cached under benchmarks/.work/."""
    project = WORK / f"check-{style}-{articles}-{seed}"
    marker = project / ".filled-with-glossary"
    if marker.exists():
        return project
    shutil.rmtree(project, ignore_errors=True)
    here = Path(__file__).resolve().parent
    options = ["--articles", str(articles), "--seed", str(seed), "--style", style]
    subprocess.run(
        [sys.executable, str(here / "generate.py"), str(project), *options],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    shutil.copy(here.parent / "glossary.yml", project / "glossary.yml")
    for stage in ("extract", "update"):
        subprocess.run([TRANSFLOW, "-C", str(project), stage], check=True, stdout=subprocess.DEVNULL)
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


def cpu_seconds(command: list[str], cwd: Path) -> float:
    return launch([command], cwd).cpu


def change_one_catalog(project: Path, run: int) -> None:
    """As a translator's save would: one approved translation of one catalog edited."""
    path = sorted(project.glob("translations/*/*.po"))[run % 7]
    catalog = polib.pofile(str(path), wrapwidth=79)
    entry = next(entry for entry in catalog if entry.msgstr)
    entry.msgstr = entry.msgstr.rstrip(".") + f" {run}."
    catalog.save(str(path))


def measure(style: str, articles: int, seed: int, runs: int) -> None:
    project = prepare(articles, seed, style)
    catalogs = sorted(project.glob("translations/*/*.po"))
    entries = sum(1 for path in catalogs for entry in polib.pofile(str(path)) if not entry.obsolete)
    pofilter = [venv_bin(VENV_TTK, "pofilter"), "--progress=none", *(f"--test={name}" for name in POFILTER_TESTS)]
    transflow = TRANSFLOW
    # check exits 1 when it finds errors (it does: the corpus has faults)
    check = ["sh", "-c", f"{transflow} check --format json >/dev/null; test $? -le 1"]
    cache = project / ".transflow" / "check-cache.pickle"
    clean, rerun, theirs = [], [], []
    for run in range(runs):
        cache.unlink(missing_ok=True)
        clean.append(cpu_seconds(check, project))
        change_one_catalog(project, run)
        rerun.append(cpu_seconds(check, project))
        with tempfile.TemporaryDirectory() as out:
            theirs.append(cpu_seconds([*pofilter, "translations", str(Path(out) / "o")], project))
    print(
        f"\nstyle {style}: {len(catalogs)} catalogs ({articles} articles x 3 languages), "
        f"{entries:,} entries, CPU seconds, median of {runs} runs"
    )
    print(f"{'tool':40} {'CPU s':>8} {'per 10,000 entries':>20}   runs")
    peer = statistics.median(theirs)
    rows = (
        ("transflow check, clean clone", clean),
        ("transflow check, rerun, 1 catalog changed", rerun),
        (f"pofilter ({len(POFILTER_TESTS)} tests)", theirs),
    )
    for name, times in rows:
        seconds = statistics.median(times)
        each = " ".join(f"{t:.2f}" for t in times)
        print(f"{name:40} {seconds:8.2f} {seconds / entries * 10_000:19.2f}s   {each}")
    for name, times, target in (("clean clone", clean, TARGET), ("rerun", rerun, RERUN_TARGET)):
        ratio = peer / statistics.median(times)
        verdict = "met" if ratio >= target else "NOT met"
        print(f"{name}: transflow check is {ratio:.1f}x faster than pofilter (target {target:g}x: {verdict})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--style", choices=[*WRITERS, "both"], default="both", help="corpus style (generate.py)")
    options = parser.parse_args()
    ensure_venv(VENV_TTK, TTK_PACKAGES, ["pofilter"])
    for style in WRITERS if options.style == "both" else [options.style]:
        measure(style, options.articles, options.seed, options.runs)


if __name__ == "__main__":
    main()
