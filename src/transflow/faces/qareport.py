"""Check results and statistics for people (text, colour on a terminal) and for CI (JSON, JUnit, GitHub).

The JSON documents are a stable interface: fields are only ever added, and `schema` changes its
number if one is ever removed or changes meaning.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import click

from transflow.domain.catalog import Counts
from transflow.domain.checks import ERROR
from transflow.domain.text import shorten
from transflow.faces.reports import coloured_rows, table
from transflow.stages.qa import CatalogStats, Problem, Result

CHECK_SCHEMA = "transflow-check/1"
STATS_SCHEMA = "transflow-stats/1"
_COLOURS = {"error": "red", "warning": "yellow"}


def _location(problem: Problem) -> str:
    return f"{problem.path}:{problem.line}" if problem.line else problem.path


def _clip(text: str) -> str:
    """An entry's text on one report line: newlines shown as \\n."""
    return shorten(text.replace("\n", "\\n"), 200)


def text(result: Result, source_language: str, colour: bool = False) -> str:
    """`file:line: severity: check: message`, the entry's source and translation, then a summary."""

    def style(value: str, **kwargs: Any) -> str:
        return click.style(value, **kwargs) if colour else value

    lines = []
    for problem in result.problems:
        severity = style(problem.severity, fg=_COLOURS[problem.severity], bold=True)
        lines.append(f"{_location(problem)}: {severity}: {style(problem.check, bold=True)}: {problem.message}")
        if problem.msgid is not None:
            lines.append(f"    {source_language}: {_clip(problem.msgid)}")
        if problem.msgstr:
            lines.append(f"    {problem.lang}: {_clip(problem.msgstr)}")
    lines.append(summary(result, colour))
    return "\n".join(lines)


def summary(result: Result, colour: bool = False) -> str:
    by_check = Counter(problem.check for problem in result.problems)
    detail = ", ".join(f"{name} {count}" for name, count in sorted(by_check.items()))
    verdict = "passed" if result.passed else "FAILED"
    if colour:
        verdict = click.style(verdict, fg="green" if result.passed else "red", bold=True)
    sources = f", {result.sources} source article(s)" if result.sources else ""
    return (
        f"{verdict}: {result.errors} error(s), {result.warnings} warning(s) in "
        f"{len(result.stats)} catalog(s), {result.entries} entries{sources}"
        + (f"\n  by check: {detail}" if detail else "")
    )


def _counts_json(counts: Counts) -> dict[str, Any]:
    return {
        "strings": {
            "total": counts.total,
            "translated": counts.translated,
            "fuzzy": counts.fuzzy,
            "untranslated": counts.untranslated,
            "query": counts.query,
            "obsolete": counts.obsolete,
        },
        "words": {
            "total": counts.total_words,
            "translated": counts.translated_words,
            "fuzzy": counts.fuzzy_words,
            "untranslated": counts.untranslated_words,
            "query": counts.query_words,
        },
        "percent_strings": round(counts.percent, 2),
        "percent_words": round(_word_percent(counts), 2),
    }


def _word_percent(counts: Counts) -> float:
    return 100.0 * counts.translated_words / counts.total_words if counts.total_words else 100.0


def _stats_json(row: CatalogStats) -> dict[str, Any]:
    item = {"article": row.slug, "lang": row.lang, "path": row.path, **_counts_json(row.counts)}
    if row.error:
        item["error"] = row.error
    return item


def as_json(result: Result) -> str:
    document = {
        "schema": CHECK_SCHEMA,
        "passed": result.passed,
        "summary": {
            "errors": result.errors,
            "warnings": result.warnings,
            "catalogs": len(result.stats),
            "entries": result.entries,
            "sources": result.sources,
            "by_check": dict(sorted(Counter(p.check for p in result.problems).items())),
        },
        "problems": [
            {
                "path": p.path,
                "line": p.line,
                "severity": p.severity,
                "check": p.check,
                "message": p.message,
                "lang": p.lang,
                "msgid": p.msgid,
                "msgstr": p.msgstr,
            }
            for p in result.problems
        ],
        "catalogs": [_stats_json(row) for row in result.stats],
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def junit(result: Result) -> str:
    """One test suite per file; errors are failures, warnings passing cases with their message."""
    from xml.sax.saxutils import escape, quoteattr  # imports urllib and http: only for this format

    by_file: dict[str, list[Problem]] = {row.path: [] for row in result.stats}
    for problem in result.problems:
        by_file.setdefault(problem.path, []).append(problem)
    suites = []
    for path, problems in by_file.items():
        failures = sum(1 for p in problems if p.severity == ERROR)
        cases = []
        for p in problems:
            name = quoteattr(f"{_location(p)} {p.check}")
            body = escape(f"{p.message}\nsource: {p.msgid or ''}\ntranslation: {p.msgstr or ''}")
            if p.severity == ERROR:
                cases.append(
                    f'    <testcase classname="transflow.{p.check}" name={name}>'
                    f'<failure type="{p.check}" message={quoteattr(p.message)}>'
                    f"{body}</failure></testcase>"
                )
            else:
                cases.append(
                    f'    <testcase classname="transflow.{p.check}" name={name}>'
                    f"<system-out>warning: {body}</system-out></testcase>"
                )
        if not problems:
            cases.append(f'    <testcase classname="transflow.check" name={quoteattr(path)}/>')
        suites.append(
            f'  <testsuite name={quoteattr(path)} tests="{len(cases)}" '
            f'failures="{failures}" errors="0">\n' + "\n".join(cases) + "\n  </testsuite>"
        )
    total = sum(max(len(problems), 1) for problems in by_file.values())
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<testsuites name="transflow check" tests="{total}" failures="{result.errors}">\n'
        + "\n".join(suites)
        + "\n</testsuites>"
    )


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


# What GitHub shows of one step's annotations (10 of each kind; 50 per job): the rest would be
# silently dropped, so they are counted in a last notice pointing at the full report instead.
GITHUB_ANNOTATIONS = 10


def github(result: Result, limit: int = GITHUB_ANNOTATIONS) -> str:
    """GitHub Actions workflow commands: at most ``limit`` annotations, errors first, then the
    completeness of each catalog, then other warnings.

    Completeness findings (untranslated, fuzzy, ...) are one annotation per catalog rather than
    one per entry; a final notice counts what was left out and says where the full report is.
    """
    others = [_annotation(problem) for problem in result.problems if not _completeness(problem)]
    completeness = _completeness_annotations(result.problems)
    # Errors first, then what is left to translate per catalog, then the other warnings.
    annotations = [a for a in others + completeness if a[0] == ERROR]
    annotations += [a for a in completeness + others if a[0] != ERROR]
    shown = annotations if len(annotations) <= limit else annotations[: limit - 1]
    lines = [line for _severity, line in shown]
    if len(shown) < len(annotations):
        left = len(annotations) - len(shown)
        lines.append(
            f"::notice title=transflow check::{left} more finding(s) not annotated here: the full report is "
            "in the job summary (and in the output of this step)"
        )
    lines.append(summary(result))
    return "\n".join(lines)


def _annotation(p: Problem) -> tuple[str, str]:
    detail = p.message + (f"\n{p.msgid}" if p.msgid else "") + (f"\n{p.lang}: {p.msgstr}" if p.msgstr else "")
    return p.severity, _workflow_command(p.severity, p.path, p.line, "transflow " + p.check, detail)


def _workflow_command(severity: str, path: str, line: int | None, title: str, detail: str) -> str:
    where = f"file={_escape_property(path)}" + (f",line={line}" if line else "")
    return f"::{severity} {where},title={_escape_property(title)}::{_escape_data(detail)}"


def _completeness(problem: Problem) -> bool:
    from transflow.domain.checks import CHECKS

    check = CHECKS.get(problem.check)
    return check is not None and check.group == "completeness" and problem.msgid is not None


def _completeness_annotations(problems: list[Problem]) -> list[tuple[str, str]]:
    """One annotation per catalog for its entry-level completeness findings, at its first one."""
    by_catalog: dict[str, list[Problem]] = {}
    for problem in problems:
        if _completeness(problem):
            by_catalog.setdefault(problem.path, []).append(problem)
    annotations = []
    for path, found in by_catalog.items():
        severity = ERROR if any(p.severity == ERROR for p in found) else found[0].severity
        counts = Counter(p.check for p in found)
        detail = ", ".join(f"{count} {name}" for name, count in sorted(counts.items()))
        annotations.append(
            (severity, _workflow_command(severity, path, found[0].line, "transflow completeness", detail))
        )
    return annotations


CHECK_FORMATS = {"json": as_json, "junit": junit, "github": github}


def stats_table(rows: list[CatalogStats], colour: bool = False) -> str:
    """Article x language, strings and words translated/fuzzy/untranslated, totals per language.

    The rule under the headers names the two groups of columns: strings, then words. A `query`
    column (strings held by a translator's question) is shown when there are any.
    """
    queries = any(row.counts.query for row in rows)
    headers = [
        "article",
        "lang",
        "strings",
        "transl.",
        "fuzzy",
        "untransl.",
        *(["query"] if queries else []),
        "words",
        "transl.",
        "fuzzy",
        "untransl.",
        "done",
    ]
    body = []
    per_language: dict[str, Counts] = {}
    for row in rows:
        if row.error:
            body.append([row.slug, row.lang, *[""] * (len(headers) - 3), "unreadable"])
            continue
        body.append(_stats_cells(row.slug, row.lang, row.counts, queries))
        per_language[row.lang] = per_language.get(row.lang, Counts()) + row.counts
    for lang, counts in per_language.items():
        body.append(_stats_cells("total", lang, counts, queries))
    if len(per_language) > 1:
        body.append(_stats_cells("total", "all", sum(per_language.values(), Counts()), queries))
    strings_end = 7 if queries else 6
    text = table(headers, body, groups={"strings": (2, strings_end), "words": (strings_end, strings_end + 4)})
    return coloured_rows(text, {"unreadable": "red", "100%": "green"}) if colour else text


def _stats_cells(slug: str, lang: str, c: Counts, queries: bool) -> list[str]:
    return [
        slug,
        lang,
        str(c.total),
        str(c.translated),
        str(c.fuzzy),
        str(c.untranslated),
        *([str(c.query)] if queries else []),
        str(c.total_words),
        str(c.translated_words),
        str(c.fuzzy_words),
        str(c.untranslated_words),
        f"{c.percent:.0f}%",
    ]


def stats_json(rows: list[CatalogStats]) -> str:
    per_language: dict[str, Counts] = {}
    for row in rows:
        if not row.error:
            per_language[row.lang] = per_language.get(row.lang, Counts()) + row.counts
    document = {
        "schema": STATS_SCHEMA,
        "catalogs": [_stats_json(row) for row in rows],
        "totals": {lang: _counts_json(counts) for lang, counts in per_language.items()},
        "total": _counts_json(sum(per_language.values(), Counts())),
    }
    return json.dumps(document, ensure_ascii=False, indent=2)
