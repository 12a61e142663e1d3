"""`transflow report`: one self-contained HTML page per language, for editors.

Each article side by side (source | translation), with what needs a person highlighted:
untranslated, fuzzy and problem entries, glossary terms marked, progress per article. Everything
(CSS, the small filter script) is inline, so the page works offline and can be mailed or archived.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from transflow import __version__
from transflow.domain import catalog as catalogs
from transflow.domain import languages
from transflow.domain.glossary import Glossary, for_project, occurrences
from transflow.domain.state import EntryState, entry_state
from transflow.errors import TransflowError
from transflow.formats.fileio import atomic_write_text
from transflow.formats.pofile import read_po
from transflow.stages import qa
from transflow.stages.settings import Config


@dataclass
class Row:
    line: int | None
    kind: str
    msgid: str
    msgstr: str
    state: str  # "translated", "fuzzy" or "untranslated"
    findings: list[qa.Finding] = field(default_factory=list)
    comment: str = ""  # the translator's comment: provenance, doubts, accepted findings

    @property
    def needs_attention(self) -> bool:
        return self.state != "translated" or bool(self.findings)


@dataclass
class ArticlePage:
    slug: str
    catalog: str
    counts: catalogs.Counts = field(default_factory=catalogs.Counts)
    rows: list[Row] = field(default_factory=list)
    error: str = ""

    @property
    def problems(self) -> int:
        return sum(1 for row in self.rows if row.findings)


_SHOWN_AS = {
    EntryState.APPROVED: "translated",
    EntryState.FUZZY: "fuzzy",
    EntryState.UNTRANSLATED: "untranslated",
    EntryState.QUERY: "query",
}


def collect(
    config: Config, lang: str, slugs: Iterable[str], glossary: Glossary, settings: qa.Settings
) -> list[ArticlePage]:
    """Read each article's catalog in `lang`; an unreadable one is reported, not fatal."""
    context = qa.entry_context(settings, lang, config.source_language, glossary)
    entry_checks = qa.EntryChecks(settings)
    reports = []
    for slug in slugs:
        path = config.catalog_path(lang, slug)
        report = ArticlePage(slug, config.relative(path))
        reports.append(report)
        try:
            catalog = read_po(path)
        except TransflowError as exc:
            report.error = str(exc)
            continue
        report.counts = catalogs.count(catalog)
        for entry in catalog:
            state = entry_state(entry)
            if state is EntryState.OBSOLETE:
                continue
            findings = entry_checks.of_candidate(entry, context) if state is not EntryState.UNTRANSLATED else []
            kind = (entry.comment or "").splitlines()[0] if entry.comment else ""
            report.rows.append(
                Row(entry.linenum, kind, entry.msgid, entry.msgstr, _SHOWN_AS[state], findings, entry.tcomment or "")
            )
    return reports


# --- Marking glossary terms -------------------------------------------------------------------


def _marked(text: str, spans: list[tuple[int, int, str]]) -> str:
    """`text` escaped, with each (start, end, title) span in a <mark>; overlaps keep the first."""
    pieces, position = [], 0
    for start, end, title in sorted(spans):
        if start < position:
            continue
        pieces.append(html.escape(text[position:start]))
        pieces.append(f'<mark class="term" title="{html.escape(title)}">{html.escape(text[start:end])}</mark>')
        position = end
    pieces.append(html.escape(text[position:]))
    return "".join(pieces)


def marked_pair(glossary: Glossary, msgid: str, msgstr: str, lang: str) -> tuple[str, str]:
    """Source and translation as HTML, the glossary terms and their renderings marked."""
    source_spans: list[tuple[int, int, str]] = []
    target_spans: list[tuple[int, int, str]] = []
    for match in glossary.find(msgid):
        required = glossary.expected(match.term, lang)
        title = f"glossary: {match.term.source} -> {required or 'no rendering set'}"
        if match.term.note:
            title += f" ({match.term.note})"
        source_spans.append((match.start, match.end, title))
        if required:
            target_spans.extend(
                (found.start(), found.end(), title)
                for found in occurrences(required, msgstr, match.term.case_sensitive)
            )
    return _marked(msgid, source_spans), _marked(msgstr, target_spans)


# --- The page ---------------------------------------------------------------------------------

_CSS = """
:root { --ok: #2e7d32; --fuzzy: #f9a825; --todo: #9e9e9e; --problem: #c62828; --ink: #1d232a;
        --line: #d8dde3; --soft: #f5f7f9; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: var(--ink); background: #fff; }
header { padding: 20px 32px 12px; border-bottom: 1px solid var(--line); background: var(--soft); }
h1 { margin: 0 0 4px; font-size: 22px; }
h2 { margin: 0; font-size: 19px; }
.meta { color: #5b6570; font-size: 13px; }
main { padding: 16px 32px 48px; }
table { border-collapse: collapse; width: 100%; }
.summary td, .summary th { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: left; }
.summary th { font-size: 13px; color: #5b6570; font-weight: 600; }
.num { text-align: right !important; font-variant-numeric: tabular-nums; }
.bar { display: flex; width: 220px; height: 12px; border-radius: 6px; overflow: hidden;
       background: var(--todo); }
.bar span { display: block; height: 100%; }
.bar .ok { background: var(--ok); } .bar .fz { background: var(--fuzzy); }
.toolbar { margin: 18px 0 8px; display: flex; gap: 24px; align-items: center; flex-wrap: wrap; }
.legend span { display: inline-block; margin-right: 14px; font-size: 13px; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 3px;
          vertical-align: -1px; margin-right: 4px; }
section.article { margin-top: 28px; }
section.article > .heading { display: flex; gap: 16px; align-items: baseline; flex-wrap: wrap;
                             padding: 8px 0; border-bottom: 2px solid var(--ink); }
.entries td { vertical-align: top; padding: 8px 10px; border-bottom: 1px solid var(--line);
              white-space: pre-wrap; overflow-wrap: anywhere; width: 45%; }
.entries td.where { width: 6%; white-space: nowrap; color: #5b6570; font-size: 12px; }
.entries th { text-align: left; font-size: 13px; color: #5b6570; padding: 6px 10px; }
tr.untranslated td { background: #f1f1f1; }
tr.untranslated td.target::before { content: "untranslated"; color: #757575; font-style: italic; }
tr.fuzzy td { background: #fff8e1; }
tr.fuzzy td.where { box-shadow: inset 4px 0 var(--fuzzy); }
tr.problem td.where { box-shadow: inset 4px 0 var(--problem); }
.badge { display: inline-block; font-size: 11px; font-weight: 600; padding: 1px 6px;
         border-radius: 8px; color: #fff; margin-top: 4px; }
.badge.fuzzy { background: #b27b00; } .badge.untranslated { background: #757575; }
.badge.translated { background: var(--ok); }
ul.problems { margin: 6px 0 0; padding-left: 18px; font-size: 13px; white-space: normal; }
ul.problems .error { color: var(--problem); } ul.problems .warning { color: #8a5a00; }
.comment { margin-top: 6px; font-size: 12px; color: #5b6570; border-left: 2px solid var(--line);
           padding-left: 8px; }
mark.term { background: #e3f2fd; border-bottom: 2px solid #1565c0; padding: 0 1px; color: inherit; }
.error-box { color: var(--problem); font-weight: 600; }
body.attention-only tr.done { display: none; }
"""

_SCRIPT = """
(function () {
  var rows = document.querySelectorAll("tr.entry");
  var waiting = document.querySelectorAll("tr.entry:not(.done)").length;
  document.getElementById("attention-count").textContent =
    waiting + " of " + rows.length + " entries need attention";
  var box = document.getElementById("attention-only");
  box.addEventListener("change", function () {
    document.body.classList.toggle("attention-only", box.checked);
  });
})();
"""


def _percent(part: int, total: int) -> float:
    return 100.0 * part / total if total else 0.0


def _bar(counts: catalogs.Counts) -> str:
    total = counts.total
    return (
        f'<div class="bar" title="{counts.translated} translated, {counts.fuzzy} fuzzy, '
        f'{counts.untranslated} untranslated"><span class="ok" style="width:'
        f'{_percent(counts.translated, total):.1f}%"></span><span class="fz" style="width:'
        f'{_percent(counts.fuzzy, total):.1f}%"></span></div>'
    )


def _summary(reports: list[ArticlePage]) -> str:
    rows = []
    for report in reports:
        link = f'<a href="#{html.escape(report.slug)}">{html.escape(report.slug)}</a>'
        if report.error:
            rows.append(f'<tr><td>{link}</td><td colspan="5" class="error-box">{html.escape(report.error)}</td></tr>')
            continue
        counts = report.counts
        rows.append(
            f'<tr class="article-row" data-slug="{html.escape(report.slug)}"><td>{link}'
            f'</td><td>{_bar(counts)}</td><td class="num percent">{counts.percent:.0f}%'
            f'</td><td class="num">{counts.fuzzy}</td><td class="num">'
            f'{counts.untranslated}</td><td class="num">{report.problems}</td></tr>'
        )
    return (
        '<table class="summary"><thead><tr><th>article</th><th>progress</th>'
        '<th class="num">translated</th><th class="num">fuzzy</th>'
        '<th class="num">untranslated</th><th class="num">with problems</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _row(row: Row, glossary: Glossary, lang: str) -> str:
    source, target = marked_pair(glossary, row.msgid, row.msgstr, lang)
    classes = ["entry", row.state]
    if row.findings:
        classes.append("problem")
    if not row.needs_attention:
        classes.append("done")
    problems = ""
    if row.findings:
        items = "".join(
            f'<li class="{f.severity}">{f.severity}: {html.escape(f.check)}: {html.escape(f.message)}</li>'
            for f in row.findings
        )
        problems = f'<ul class="problems">{items}</ul>'
    if row.comment:
        problems += f'<div class="comment">{html.escape(row.comment)}</div>'
    kind = f"<br>{html.escape(row.kind)}" if row.kind else ""
    return (
        f'<tr class="{" ".join(classes)}"><td class="where">:{row.line}{kind}<br>'
        f'<span class="badge {row.state}">{row.state}</span></td>'
        f'<td class="source">{source}</td><td class="target">{target}{problems}</td></tr>'
    )


def _article(report: ArticlePage, glossary: Glossary, lang: str, source_language: str) -> str:
    slug = html.escape(report.slug)
    if report.error:
        body = f'<p class="error-box">{html.escape(report.error)}</p>'
        progress = ""
    else:
        rows = "".join(_row(row, glossary, lang) for row in report.rows)
        body = (
            f'<table class="entries"><thead><tr><th></th>'
            f"<th>source ({html.escape(source_language)})</th>"
            f"<th>translation ({html.escape(lang)})</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )
        counts = report.counts
        progress = (
            f'{_bar(counts)}<span class="meta">{counts.percent:.0f}% translated · '
            f"{counts.fuzzy} fuzzy · {counts.untranslated} untranslated · "
            f"{report.problems} with problems</span>"
        )
    return (
        f'<section class="article" id="{slug}"><div class="heading"><h2>{slug}</h2>'
        f'{progress}<span class="meta">{html.escape(report.catalog)}</span></div>'
        f"{body}</section>"
    )


def render(
    project: str, lang: str, source_language: str, reports: list[ArticlePage], glossary: Glossary, generated: str
) -> str:
    total = sum((report.counts for report in reports), catalogs.Counts())
    title = f"{project}: {languages.name(lang)} ({lang}) translation report"
    legend = "".join(
        f'<span><i class="swatch" style="background:{colour}"></i>{label}</span>'
        for colour, label in (
            ("#2e7d32", "translated"),
            ("#f9a825", "fuzzy (needs review)"),
            ("#9e9e9e", "untranslated"),
            ("#c62828", "check problems"),
            ("#1565c0", "glossary term"),
        )
    )
    articles = "".join(_article(report, glossary, lang, source_language) for report in reports)
    return f"""<!DOCTYPE html>
<html lang="{html.escape(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>{html.escape(title)}</title>
<style>{_CSS}</style>
</head>
<body>
<header>
<h1>{html.escape(title)}</h1>
<div class="meta">{total.percent:.0f}% of {total.total} strings translated ·
generated {html.escape(generated)} by transflow {__version__}</div>
</header>
<main>
{_summary(reports)}
<div class="toolbar">
<label><input type="checkbox" id="attention-only"> show only entries that need attention</label>
<strong id="attention-count"></strong>
<div class="legend">{legend}</div>
</div>
{articles}
</main>
<script>{_SCRIPT}</script>
</body>
</html>
"""


def write_reports(
    config: Config, articles: Iterable[str] = (), output: Path | None = None
) -> list[tuple[Path, list[ArticlePage]]]:
    """Write `<output>/<lang>.html` for each language; default output: build/report/."""
    slugs = qa.select_articles(config, articles)
    glossary = for_project(config.glossary_file, config.languages)
    settings = qa.load_settings(config)
    folder = output or config.build_dir / "report"
    generated = catalogs.timestamp()
    written = []
    for lang in config.languages:
        reports = collect(config, lang, slugs, glossary, settings)
        target = folder / f"{lang}.html"
        atomic_write_text(target, render(config.project, lang, config.source_language, reports, glossary, generated))
        written.append((target, reports))
    return written
