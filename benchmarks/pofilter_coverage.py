"""Which of translate-toolkit's pofilter tests `transflow check` covers, shown on our fixtures.

Usage: python benchmarks/pofilter_coverage.py

Runs pofilter (in benchmarks/.work/venv-ttk) and transflow's checks on the check fixtures
(tests/fixtures/checks/entries/<check>.po: entries marked `expect: flag` and near cases marked
`expect: pass`) and prints, per pofilter test that applies to documents, the transflow check
that covers it and what each tool reports on the fixtures of that check.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import polib

from peers import TTK_PACKAGES, VENV_TTK, ensure_venv, venv_bin
from transflow.domain.checks import EntryContext
from transflow.domain.glossary import Glossary
from transflow.formats.pofile import read_po
from transflow.stages import qa
from transflow.stages.settings import CheckSettings

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "checks"

# pofilter test -> (transflow checks covering it, note). Tests for documents only.
COVERED = {
    "untranslated": ("untranslated", ""),
    "blank": ("whitespace", "a blank translation"),
    "isfuzzy": ("fuzzy machine-translated source-changed", "split by why the entry is fuzzy"),
    "acronyms": ("acronyms", "glossary terms are left to the glossary checks"),
    "brackets": ("brackets", ""),
    "compendiumconflicts": ("merge-conflict", ""),
    "doublespacing": ("spacing", ""),
    "puncspacing": ("spacing", "French spacing before ; : ! ? allowed"),
    "doublewords": ("doubled-words", "grammatical doubles (vous vous, had had) allowed"),
    "emails": ("urls", ""),
    "urls": ("urls", "link targets: markdown-links"),
    "endpunc": ("punctuation", "past footnote marks, quotes and emphasis"),
    "startpunc": ("punctuation", ""),
    "endwhitespace": ("whitespace", ""),
    "startwhitespace": ("whitespace", ""),
    "tabs": ("whitespace", ""),
    "long": ("length-ratio", "bounds set by checks.length_ratio"),
    "short": ("length-ratio", ""),
    "newlines": ("newlines", "inner line breaks: markdown-markup (hard breaks)"),
    "nplurals": ("plural-forms", ""),
    "numbers": ("numbers", "locale separators allowed: 1,5 = 1.5"),
    "unchanged": ("identical", "names, numbers and citations allowed"),
    "startcaps": ("start-capital", ""),
    "xmltags": ("markdown-markup", "inline HTML, with all other inline Markdown"),
    "escapes": ("footnotes markdown-markup", "Markdown escapes such as \\*"),
    "notranslatewords": ("glossary-altered-term", "terms from glossary.yml"),
    "musttranslatewords": ("glossary-missing-term glossary-forbidden-term", "terms from glossary.yml"),
}
NOT_COVERED = {
    "doublequoting": "each language has its own quotation marks („“, « »): correct typography would be flagged",
    "singlequoting": "as doublequoting",
    "sentencecount": "translators merge and split sentences; a lost chunk shows in length-ratio",
    "simplecaps": "German capitalises nouns, so capitalisation differs by language",
    "purepunc": "strings without a letter are never extracted",
    "validchars": "needs a list of valid characters per language; nothing to configure it from",
    "spellcheck": "needs spelling dictionaries per language; translators' editors spell-check",
}
NOT_APPLICABLE = [
    "accelerators",
    "printf",
    "pythonbraceformat",
    "variables",
    "functions",
    "filepaths",
    "options",
    "kdecomments",
    "credits",
    "hassuggestion",
    "isreview",
    "simpleplurals",
]
# What the benchmark runs: the covered tests that need no word lists.
POFILTER_TESTS = [name for name in COVERED if not name.endswith("translatewords")]


def _flagged_by_pofilter(output: Path) -> dict[tuple[str, str], set[str]]:
    """(fixture, msgid) -> pofilter tests that failed on it, read from pofilter's output."""
    found: dict[tuple[str, str], set[str]] = {}
    for path in output.glob("*.po"):
        for entry in polib.pofile(str(path)):
            tests = {
                line.split(")", 1)[1].split(":")[0].strip()
                for line in entry.tcomment.splitlines()
                if line.startswith("(pofilter)")
            }
            found[path.stem, entry.msgid] = tests
    return found


def _run_pofilter(output: Path) -> dict[tuple[str, str], set[str]]:
    glossary = Glossary.load(FIXTURES / "glossary.yml", ("en", "de", "fr"))
    keep = output.parent / "notranslate.txt"
    keep.write_text("\n".join(t.source for t in glossary.terms if not t.translate) + "\n", encoding="utf-8")
    subprocess.run(
        [
            venv_bin(VENV_TTK, "pofilter"),
            "--progress=none",
            "--language=en",
            f"--notranslatefile={keep}",
            *(f"--test={name}" for name in COVERED),
            str(FIXTURES / "entries"),
            str(output),
        ],
        check=True,
    )
    return _flagged_by_pofilter(output)


def _verdict(results: list[bool], expected: bool) -> str:
    if not results:
        return "-"
    right = sum(1 for result in results if result == expected)
    return f"{right}/{len(results)}"


def main() -> None:
    ensure_venv(VENV_TTK, TTK_PACKAGES, ["pofilter"])
    context = EntryContext("en", Glossary.load(FIXTURES / "glossary.yml", ("en", "de", "fr")))
    entry_checks = qa.EntryChecks(CheckSettings())
    with tempfile.TemporaryDirectory() as work:
        theirs = _run_pofilter(Path(work) / "out")
    by_check: dict[str, list[str]] = {}
    for test, (ours, _note) in COVERED.items():
        for name in ours.split():
            by_check.setdefault(name, []).append(test)
    print("Fixture entries judged right (must-flag cases / near cases that must pass):\n")
    print(f"{'transflow check':24} {'pofilter tests':36} {'pofilter':>12} {'transflow':>12}")
    for name, tests in by_check.items():
        path = FIXTURES / "entries" / f"{name}.po"
        if not path.exists():
            continue
        results: dict[tuple[str, bool], list[bool]] = {}
        for entry in read_po(path):
            expect = entry.tcomment.split()[1] == "flag"
            found = entry_checks.messages(entry, context, frozenset(), qa.is_judged(entry))
            mine = any(check == name for check, _message in found)
            flagged = bool(theirs.get((name, entry.msgid), set()) & set(tests))
            results.setdefault(("pofilter", expect), []).append(flagged)
            results.setdefault(("transflow", expect), []).append(mine)
        cells = [
            f"{_verdict(results.get((tool, True), []), True)} / {_verdict(results.get((tool, False), []), False)}"
            for tool in ("pofilter", "transflow")
        ]
        print(f"{name:24} {' '.join(tests):36} {cells[0]:>12} {cells[1]:>12}")
    print("\nCovered pofilter tests:")
    for test, (ours, note) in COVERED.items():
        print(f"  {test:20} {ours}" + (f" ({note})" if note else ""))
    print("\nrelevant but not covered:")
    for test, reason in NOT_COVERED.items():
        print(f"  {test:20} {reason}")
    print(f"\nnot applicable to documents: {', '.join(NOT_APPLICABLE)}")


if __name__ == "__main__":
    main()
