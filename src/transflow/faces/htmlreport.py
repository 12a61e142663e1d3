"""`transflow report`: one self-contained HTML page per language, for editors.

Each article under its title, rendered as a reader will see it (the workspace's rendering, each
segment linking to its entry), then side by side (source | translation), with what needs a person
highlighted: untranslated, fuzzy, queried and problem entries (errors and warnings apart), glossary
terms marked, progress per article, the error and warning counts `transflow check` gives, and an
anchor per entry. Everything (CSS, the small filter script) is inline, so the page works offline
and can be mailed or archived.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import polib

from transflow import __version__
from transflow.domain import catalog as catalogs
from transflow.domain import languages
from transflow.domain.checks import ERROR
from transflow.domain.glossary import Glossary, for_project, occurrences
from transflow.domain.state import EntryState, entry_state, query_note
from transflow.errors import TransflowError
from transflow.faces.preview import Marked, preview
from transflow.formats.fileio import atomic_write_text
from transflow.formats.pofile import read_po
from transflow.stages import qa
from transflow.stages.settings import CheckSettings, Config
from transflow.stages.sources import Source, discover, load


@dataclass
class Row:
    line: int | None
    kind: str
    msgid: str
    msgstr: str
    state: str  # "translated", "fuzzy", "untranslated" or "query"
    findings: list[qa.Finding] = field(default_factory=list)
    comment: str = ""  # the translator's comment: provenance, doubts, accepted findings
    anchor: str = ""  # the entry's id in the page
    query: str = ""  # the translator's question, for a queried entry

    @property
    def needs_attention(self) -> bool:
        return self.state != "translated" or bool(self.findings)

    @property
    def severity(self) -> str:
        if any(finding.severity == ERROR for finding in self.findings):
            return ERROR
        return "warning" if self.findings else ""


@dataclass
class ArticlePage:
    slug: str
    catalog: str
    counts: catalogs.Counts = field(default_factory=catalogs.Counts)
    rows: list[Row] = field(default_factory=list)
    error: str = ""
    title: str = ""
    preview: str = ""  # the article rendered, each segment a link to its entry
    errors: int = 0  # as `transflow check` counts this catalog's entries
    warnings: int = 0

    @property
    def problems(self) -> int:
        return sum(1 for row in self.rows if row.findings)


_SHOWN_AS = {
    EntryState.APPROVED: "translated",
    EntryState.FUZZY: "fuzzy",
    EntryState.UNTRANSLATED: "untranslated",
    EntryState.QUERY: "query",
}


def _title(source: Source | None, slug: str, catalog: polib.POFile) -> str:
    """The article's title in the translation once approved, else in the source language."""
    title = str(source.article.front_matter.get("title", slug)) if source else slug
    entry = catalog.find(title)
    return str(entry.msgstr) if entry is not None and entry_state(entry) is EntryState.APPROVED else title


def _preview(source: Source | None, catalog: polib.POFile, rows: dict[str, Row]) -> str:
    if source is None:
        return ""

    def mark(msgid: str) -> Marked:
        row = rows.get(msgid)
        if row is None:
            return Marked(msgid, '<span class="seg untranslated">')
        classes = f"seg {row.state} {row.severity}".strip()
        return Marked(row.msgstr or row.msgid, f'<a class="{classes}" href="#{row.anchor}">', "</a>")

    shown = preview(source.article, mark)
    front = "".join(f"<dt>{html.escape(key)}</dt><dd>{value}</dd>" for key, value in shown.front)
    return f'<dl class="front-matter">{front}</dl>{shown.body}' if front else shown.body


def collect(
    config: Config, lang: str, slugs: Iterable[str], glossary: Glossary, settings: CheckSettings
) -> list[ArticlePage]:
    """Read each article's catalog in `lang`; an unreadable one is reported, not fatal."""
    context = qa.entry_context(settings, lang, config.source_language, glossary)
    entry_checks = qa.EntryChecks(settings)
    sources = _sources(config)
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
            anchor = f"{lang}-{slug}-{entry.linenum}"
            comment = entry.tcomment or ""
            report.rows.append(
                Row(entry.linenum, kind, entry.msgid, entry.msgstr, _SHOWN_AS[state], findings, comment, anchor)
            )
            report.rows[-1].query = query_note(entry) if state is EntryState.QUERY else ""
            for name, _message in entry_checks.messages(entry, context, qa.ignored_checks(entry), qa.is_judged(entry)):
                if settings.severity_of(name) == ERROR:
                    report.errors += 1
                else:
                    report.warnings += 1
        source = sources.get(slug)
        report.title = _title(source, slug, catalog)
        report.preview = _preview(source, catalog, {row.msgid: row for row in report.rows})
    return reports


def _sources(config: Config) -> dict[str, Source]:
    """The source articles by slug; one that cannot be read is left out (`check` reports it)."""
    found = {}
    for path in discover(config) if config.source_dir.is_dir() else []:
        try:
            source = load(config, path)
        except TransflowError:
            continue
        found[source.slug] = source
    return found


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
        --line: #d8dde3; --soft: #f5f7f9; --warning: #e07b00; --query: #6b2fb3; }
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
.bar .ok { background: var(--ok); } .bar .fz { background: var(--fuzzy); } .bar .qy { background: var(--query); }
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
tr.problem.warning td.where { box-shadow: inset 4px 0 var(--warning); }
tr.problem.error td.where { box-shadow: inset 4px 0 var(--problem); }
tr.query td { background: #f3ebfc; }
tr.query td.where { box-shadow: inset 4px 0 var(--query); }
tr:target td { outline: 2px solid #0b57d0; outline-offset: -2px; }
.where a { color: inherit; }
.badge { display: inline-block; font-size: 12px; font-weight: 700; padding: 1px 7px;
         border-radius: 8px; margin-top: 4px; }
.badge.fuzzy { background: #fff3d6; color: #6b4500; } .badge.untranslated { background: #eceff2; color: #3f474f; }
.badge.translated { background: #e7f4ea; color: #1b5e20; } .badge.query { background: #f1e8fb; color: #5a2596; }
.query-note { margin-top: 6px; font-size: 13px; color: #4a1f80; font-weight: 600; white-space: normal; }
details.preview { margin: 12px 0; border: 1px solid var(--line); border-radius: 8px; padding: 4px 16px; }
details.preview summary { cursor: pointer; font-weight: 600; padding: 6px 0; }
.rendered { font-family: Georgia, serif; font-size: 16px; line-height: 1.6; max-width: 760px; }
.rendered h1, .rendered h2, .rendered h3 { font-family: system-ui, sans-serif; }
.rendered .seg { color: inherit; text-decoration: none; border-radius: 3px; }
.rendered .seg.fuzzy { background: #fff3d6; border-bottom: 2px dashed #d99a00; }
.rendered .seg.untranslated { background: #eceff2; border-bottom: 2px dotted #5c6670; }
.rendered .seg.query { background: #f1e8fb; border-bottom: 2px solid var(--query); }
.rendered .seg.error { text-decoration: underline wavy var(--problem); }
.rendered .seg.warning { text-decoration: underline wavy var(--warning); }
.rendered .md-image { border: 1px dashed #98a2ad; border-radius: 6px; padding: 0 6px; color: #4f5962; }
.front-matter { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px;
                font: 14px system-ui, sans-serif; }
.front-matter dt { color: #4f5962; } .front-matter dd { margin: 0; }
.slug { font: 12px ui-monospace, monospace; color: #4f5962; }
@media (max-width: 600px) {
  header, main { padding-left: 12px; padding-right: 12px; }
  .summary thead { display: none; }
  .summary tr { display: grid; grid-template-columns: 1fr auto; border-bottom: 1px solid var(--line); padding: 6px 0; }
  .summary td { border: 0; padding: 2px 4px; }
  .summary td.num::before { content: attr(data-label) " "; color: #4f5962; font-size: 12px; }
  .bar { width: 140px; }
  .entries thead { display: none; }
  .entries tr { display: block; border-bottom: 1px solid var(--line); }
  .entries td { display: block; width: auto !important; border: 0; padding: 4px 8px; }
  .entries td.where { white-space: normal; }
}
ul.problems { margin: 6px 0 0; padding-left: 18px; font-size: 13px; white-space: normal; }
ul.problems .error { color: var(--problem); } ul.problems .warning { color: #8a4b00; }
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
        f'{counts.untranslated} untranslated, {counts.query} query"><span class="ok" style="width:'
        f'{_percent(counts.translated, total):.1f}%"></span><span class="fz" style="width:'
        f'{_percent(counts.fuzzy, total):.1f}%"></span><span class="qy" style="width:'
        f'{_percent(counts.query, total):.1f}%"></span></div>'
    )


def _summary(reports: list[ArticlePage]) -> str:
    rows = []
    for report in reports:
        link = f'<a href="#{html.escape(report.slug)}">{html.escape(report.title or report.slug)}</a>'
        if report.error:
            rows.append(f'<tr><td>{link}</td><td colspan="7" class="error-box">{html.escape(report.error)}</td></tr>')
            continue
        counts = report.counts
        cells = [
            ("translated", f"{counts.percent:.0f}%"),
            ("fuzzy", counts.fuzzy),
            ("untranslated", counts.untranslated),
            ("query", counts.query),
            ("errors", report.errors),
            ("warnings", report.warnings),
        ]
        numbers = "".join(
            f'<td class="num{" percent" if label == "translated" else ""}" data-label="{label}">{value}</td>'
            for label, value in cells
        )
        rows.append(
            f'<tr class="article-row" data-slug="{html.escape(report.slug)}"><td>{link}'
            f"</td><td>{_bar(counts)}</td>{numbers}</tr>"
        )
    return (
        '<table class="summary"><thead><tr><th>article</th><th>progress</th>'
        '<th class="num">translated</th><th class="num">fuzzy</th><th class="num">untranslated</th>'
        '<th class="num">query</th><th class="num" title="as transflow check counts them">errors</th>'
        '<th class="num" title="as transflow check counts them">warnings</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _row(row: Row, glossary: Glossary, lang: str) -> str:
    source, target = marked_pair(glossary, row.msgid, row.msgstr, lang)
    classes = ["entry", row.state]
    if row.findings:
        classes += ["problem", row.severity]
    if not row.needs_attention:
        classes.append("done")
    problems = ""
    if row.findings:
        items = "".join(
            f'<li class="{f.severity}">{f.severity}: {html.escape(f.check)}: {html.escape(f.message)}</li>'
            for f in row.findings
        )
        problems = f'<ul class="problems">{items}</ul>'
    if row.query:
        problems += f'<div class="query-note">query: {html.escape(row.query)}</div>'
    if row.comment:
        problems += f'<div class="comment">{html.escape(row.comment)}</div>'
    kind = f"<br>{html.escape(row.kind)}" if row.kind else ""
    anchor = html.escape(row.anchor)
    return (
        f'<tr class="{" ".join(classes)}" id="{anchor}"><td class="where"><a href="#{anchor}">:{row.line}</a>{kind}<br>'
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
        preview = (
            f'<details class="preview"><summary>The article as a reader sees it ({html.escape(lang)}); '
            f'click a passage for its entry</summary><div class="rendered" lang="{html.escape(lang)}">'
            f"{report.preview}</div></details>"
            if report.preview
            else ""
        )
        body = (
            f'{preview}<table class="entries"><thead><tr><th></th>'
            f"<th>source ({html.escape(source_language)})</th>"
            f"<th>translation ({html.escape(lang)})</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )
        counts = report.counts
        progress = (
            f'{_bar(counts)}<span class="meta">{counts.percent:.0f}% translated · '
            f"{counts.fuzzy} fuzzy · {counts.untranslated} untranslated · {counts.query} query · "
            f"{report.errors} error(s), {report.warnings} warning(s) in its entries, as check counts them</span>"
        )
    return (
        f'<section class="article" id="{slug}"><div class="heading"><h2>{html.escape(report.title or report.slug)}</h2>'
        f'<span class="slug">{slug}</span>{progress}<span class="meta">{html.escape(report.catalog)}</span></div>'
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
            ("#6b2fb3", "query for the editor"),
            ("#c62828", "check errors"),
            ("#e07b00", "check warnings"),
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
    settings = config.checks
    folder = output or config.build_dir / "report"
    generated = catalogs.timestamp()
    written = []
    for lang in config.languages:
        reports = collect(config, lang, slugs, glossary, settings)
        target = folder / f"{lang}.html"
        atomic_write_text(target, render(config.project, lang, config.source_language, reports, glossary, generated))
        written.append((target, reports))
    return written
