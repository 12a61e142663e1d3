"""`transflow review`: walk a translator through the entries that wait for a person.

Those are fuzzy entries with a candidate translation (machine output, translation-memory
suggestions, translations whose source changed) and translators' queries. Each decision is
written to its catalog at once (atomically, re-reading the file first, through
`stages.reviewing.save_entry`), so quitting, a crash or an editor open on the same file loses
nothing, and a rerun simply finds what is left.
"""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import click
import polib

from transflow.domain import catalog as catalogs
from transflow.domain.candidates import Change, glossary_terms, provenance, word_diff
from transflow.domain.checks import ERROR
from transflow.domain.checks.completeness import source_changed
from transflow.domain.decisions import accept, edit, raise_query, reopen, resolve_query
from transflow.domain.glossary import for_project
from transflow.domain.state import EntryState, entry_state, query_note
from transflow.errors import TransflowError
from transflow.formats.pofile import read_po
from transflow.stages import qa
from transflow.stages.reviewing import EntryKey, SkippedEntries, find_entry, reviewer_name, save_entry, today
from transflow.stages.settings import Config

KEYS = {
    "a": "accept",
    "e": "edit",
    "s": "skip",
    "b": "back",
    "r": "raise query",
    "o": "open again",
    "g": "go to",
    "q": "quit",
    "?": "help",
}


def waiting(entry: polib.POEntry) -> bool:
    """Fuzzy with a candidate, or queried: what a reviewer decides on (untranslated entries go to MT
    first)."""
    return entry_state(entry) in (EntryState.FUZZY, EntryState.QUERY)


# --- The queue and the decisions --------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One entry to review, found again in its file by (msgctxt, msgid)."""

    path: Path
    slug: str
    lang: str
    msgctxt: str | None
    msgid: str

    @property
    def key(self) -> EntryKey:
        return EntryKey(self.msgctxt, self.msgid)


@dataclass
class Tally:
    accepted: int = 0
    edited: int = 0
    skipped: int = 0


@dataclass(frozen=True)
class ReviewFilter:
    """Which waiting entries to review: by state, by a check that finds a problem, by text."""

    state: str | None = None  # fuzzy | query
    check: str | None = None
    text: str | None = None  # in the source or the candidate, ignoring case

    def admits(self, entry: polib.POEntry, problems: Callable[[], list[qa.Finding]]) -> bool:
        if self.state is not None and entry_state(entry).value != self.state:
            return False
        if self.text is not None and self.text.lower() not in f"{entry.msgid}\n{entry.msgstr}".lower():
            return False
        return self.check is None or any(finding.check == self.check for finding in problems())


def queue(config: Config, articles: Iterable[str] = (), only: ReviewFilter = ReviewFilter()) -> list[Item]:
    """Every entry waiting for review that `only` admits, by language, article and position in the
    catalog; those skipped in an earlier review come last."""
    items: list[Item] = []
    slugs = qa.select_articles(config, articles)
    entry_checks = qa.EntryChecks(config.checks)
    glossary = for_project(config.glossary_file, config.languages)
    for lang in config.languages:
        context = qa.entry_context(config.checks, lang, config.source_language, glossary)
        for slug in slugs:
            path = config.catalog_path(lang, slug)
            if path.exists():
                items.extend(
                    Item(path, slug, lang, entry.msgctxt, entry.msgid)
                    for entry in read_po(path)
                    if waiting(entry) and only.admits(entry, partial(entry_checks.of_candidate, entry, context))
                )
    skipped = SkippedEntries(config.state_dir)
    return sorted(items, key=lambda item: (item.path, item.key) in skipped)


def save(item: Item, change: Callable[[polib.POEntry], None], lock_dir: Path) -> polib.POEntry:
    """Apply one decision to the catalog as it is on disk now, holding the project lock meanwhile."""
    return save_entry(item.path, item.key, change, lock_dir=lock_dir, notify=click.echo).entry


def from_editor(edited: str, msgid: str) -> str:
    """Lines starting with `#` are the context we wrote (stripped, as `git commit` does); editors
    add a final newline, and the msgid decides whether the translation has one."""
    text = "\n".join(line for line in edited.split("\n") if not line.startswith("#")).strip("\n")
    return text + "\n" if msgid.endswith("\n") else text


def for_editor(entry: polib.POEntry, context: list[str]) -> str:
    """The candidate, then what the translator needs beside it as `#` lines."""
    return entry.msgstr.rstrip("\n") + "\n" + "".join(f"# {line}".rstrip() + "\n" for line in ["", *context])


# --- The terminal session ---------------------------------------------------------------------


@dataclass
class Session:
    config: Config
    items: list[Item]
    colour: bool = True
    tally: Tally = field(default_factory=Tally)

    def __post_init__(self) -> None:
        self.glossary = for_project(self.config.glossary_file, self.config.languages)
        self.settings = self.config.checks
        self.entry_checks = qa.EntryChecks(self.settings)
        self.reviewer = reviewer_name(self.config.root)
        self.skipped = SkippedEntries(self.config.state_dir)

    def style(self, text: str, **styles: Any) -> str:
        return click.style(text, **styles) if self.colour else text

    def run(self) -> Tally:
        position, revisit = 0, False
        history: list[int] = []
        while 0 <= position < len(self.items):
            item = self.items[position]
            entry = find_entry(read_po(item.path), item.key)
            if entry is None or not (revisit or waiting(entry)):
                position += 1
                continue
            action = self.decide(item, entry, position, can_go_back=bool(history))
            if action == "quit":
                break
            if action in ("skip", "accept"):
                self.skipped.mark(item.path, item.key, skipped=action == "skip")
            if action.startswith("go to "):
                history.append(position)
                position, revisit = int(action.removeprefix("go to ")), True
                continue
            revisit = action == "back"
            if revisit:
                position = history.pop()
                continue
            history.append(position)
            position += 1
        return self.tally

    def decide(self, item: Item, entry: polib.POEntry, position: int, can_go_back: bool) -> str:
        """Show the entry and act on keys until the reviewer moves on (accept/skip/back/quit/query)."""
        self.show(item, entry, position)
        while True:
            key = self.ask()
            action = KEYS.get(key)
            if action == "help":
                self.help()
            elif action == "back":
                if can_go_back:
                    return "back"
                click.echo("This is the first entry.")
            elif action in ("skip", "quit"):
                self.tally.skipped += action == "skip"
                return action
            elif action == "go to":
                number = click.prompt(f"Go to entry (1-{len(self.items)})", type=click.IntRange(1, len(self.items)))
                return f"go to {number - 1}"
            elif action == "accept":
                if self.accept(item, entry):
                    return "accept"
            elif action == "edit":
                shown = for_editor(entry, self.context_lines(item, entry))
                edited = click.edit(shown, extension=".txt", require_save=True)
                text = from_editor(edited or "", entry.msgid)
                if edited is None or not text.strip() or text == entry.msgstr:
                    click.echo("Not saved in the editor: the translation is unchanged.")
                    continue
                changed = partial(edit, text=text, reviewer=self.reviewer, when=today())
                entry = save(item, changed, self.config.state_dir)
                self.tally.edited += 1
                click.echo(self.style("Saved (still fuzzy): press a to accept it.", fg="green"))
                self.show(item, entry, position)
            elif action == "raise query":
                entry = self.query(item, entry)
                if entry_state(entry) is EntryState.QUERY:
                    return "query"
                self.show(item, entry, position)
            elif action == "open again":
                if entry_state(entry) is not EntryState.APPROVED:
                    click.echo("Only an approved entry can be opened again.")
                    continue
                entry = save(item, reopen, self.config.state_dir)
                click.echo(self.style("Opened again (fuzzy): it waits for review.", fg="yellow"))
                self.show(item, entry, position)
            else:
                click.echo(f"Unknown key {key!r} (? for help).")

    def query(self, item: Item, entry: polib.POEntry) -> polib.POEntry:
        """Resolve the entry's query, or raise one with a note for the editor."""
        if entry_state(entry) is EntryState.QUERY:
            entry = save(item, lambda e: resolve_query(e, self.reviewer, today()), self.config.state_dir)
            click.echo(self.style("Query resolved.", fg="green"))
            return entry
        note = click.prompt("Query for the editor", default="", show_default=False).strip()
        if not note:
            click.echo("No note: no query raised.")
            return entry
        entry = save(item, lambda e: raise_query(e, note, self.reviewer, today()), self.config.state_dir)
        click.echo(self.style("Query raised: the entry is held until it is resolved.", fg="yellow"))
        return entry

    def accept(self, item: Item, entry: polib.POEntry) -> bool:
        if entry_state(entry) is EntryState.QUERY:
            click.echo("This entry has a query: resolve it first (r).")
            return False
        errors = [f for f in self.problems(item, entry) if f.severity == ERROR]
        if errors and not click.confirm(
            f"This translation still has {len(errors)} check error(s). Accept it anyway?", default=False
        ):
            return False
        save(item, lambda e: accept(e, e.msgstr, self.reviewer, today()), self.config.state_dir)
        self.tally.accepted += 1
        click.echo(self.style("Accepted.", fg="green"))
        return True

    def problems(self, item: Item, entry: polib.POEntry) -> list[qa.Finding]:
        context = qa.entry_context(self.settings, item.lang, self.config.source_language, self.glossary)
        return self.entry_checks.of_candidate(entry, context)

    def ask(self) -> str:
        click.echo(self.key_line() + " ", nl=False)
        key = click.getchar()
        click.echo(key if key.isprintable() else "")
        return key.lower()

    def key_line(self) -> str:
        return (
            "  ".join(
                f"[{self.style(key, bold=True)}]{name[1:] if name[0] == key else name}"
                for key, name in KEYS.items()
                if key != "?"
            )
            + "  [?]help"
        )

    def help(self) -> None:
        click.echo(
            "a accept the candidate (removes the fuzzy flag)\n"
            "e edit it in $EDITOR, with the source, glossary and checks as # lines (saved at once, still\n"
            "  fuzzy; then a to accept)\n"
            "s skip it for now\nb back to the previous entry\n"
            "r raise a query for the editor (held until resolved), or resolve the entry's query\n"
            "o open an approved entry again (after b)\n"
            "g go to an entry by its number in this review\n"
            "q quit (every decision is already saved)"
        )

    def context_lines(self, item: Item, entry: polib.POEntry) -> list[str]:
        """The source, glossary and check results, for the editor's `#` lines."""
        lines = ["Source:", *entry.msgid.split("\n")]
        terms = glossary_terms(self.glossary, entry.msgid, entry.msgstr, item.lang)
        lines += [f"Glossary: {term.source} -> {term.required}" for term in terms]
        lines += [f"{f.severity}: {f.check}: {f.message}" for f in self.problems(item, entry)]
        return [*lines, "Lines starting with # are ignored."]

    def progress(self, item: Item) -> str:
        counts = catalogs.count(read_po(item.path))
        return f"catalog {counts.translated}/{counts.total} approved"

    def show(self, item: Item, entry: polib.POEntry, position: int) -> None:
        rule = "─" * 72
        where = f"{self.config.relative(item.path)}:{entry.linenum}"
        click.echo(self.style(rule, dim=True))
        click.echo(
            f"{self.style(f'[{position + 1}/{len(self.items)}]', bold=True)} "
            f"{item.lang}  {item.slug}  {where}  ({provenance(entry)})  {self.progress(item)}"
        )
        for line in filter(None, (entry.comment or "").splitlines()):
            if not line.startswith("glossary:"):
                click.echo(self.style(f"  {line}", dim=True))
        if entry_state(entry) is EntryState.QUERY:
            click.echo(self.style(f"Query: {query_note(entry) or '(no note)'}", fg="magenta", bold=True))
        self.section("Source", entry.msgid)
        if source_changed(entry):
            click.echo(self.style("Changed since the last approval:", bold=True))
            click.echo(indented(self.render_diff(word_diff(entry.previous_msgid or "", entry.msgid))))
        self.section("Candidate", entry.msgstr)
        if entry.tcomment:
            for line in entry.tcomment.splitlines():
                click.echo(self.style(f"  # {line}", dim=True))
        terms = glossary_terms(self.glossary, entry.msgid, entry.msgstr, item.lang)
        if terms:
            click.echo(self.style("Glossary:", bold=True))
            for term in terms:
                mark = self.style("ok", fg="green") if term.present else self.style("MISSING", fg="red", bold=True)
                click.echo(f"  {term.source} -> {term.required}  {mark}")
        findings = self.problems(item, entry)
        click.echo(self.style("Checks:", bold=True) + ("" if findings else " no problems"))
        for finding in findings:
            colour = "red" if finding.severity == ERROR else "yellow"
            click.echo(f"  {self.style(finding.severity, fg=colour)}: {finding.check}: {finding.message}")

    def section(self, title: str, text: str) -> None:
        click.echo(self.style(f"{title}:", bold=True))
        click.echo(indented(text))

    def render_diff(self, changes: list[Change]) -> str:
        pieces = []
        for change in changes:
            if change.op == "delete":
                pieces.append(self.style(f"[-{change.text}-]", fg="red"))
            elif change.op == "insert":
                pieces.append(self.style(f"{{+{change.text}+}}", fg="green"))
            else:
                pieces.append(change.text)
        return " ".join(pieces)


def indented(text: str) -> str:
    """Wrapped to the terminal, indented, each line of the text kept (long paragraphs read)."""
    width = max(40, shutil.get_terminal_size().columns - 1)
    return "\n".join(
        textwrap.fill(
            line, width, initial_indent="  ", subsequent_indent="  ", break_long_words=False, break_on_hyphens=False
        )
        or "  "
        for line in text.split("\n")
    )


def review(config: Config, articles: Iterable[str] = (), only: ReviewFilter = ReviewFilter()) -> tuple[Tally, int, int]:
    """Run the interactive review; returns the tally, the entries shown and those still waiting."""
    if not sys.stdin.isatty():
        raise TransflowError(
            "transflow review is interactive: run it in a terminal "
            "(`transflow check` lists the same entries without one)"
        )
    items = queue(config, articles, only)
    session = Session(config, items, colour=not os.environ.get("NO_COLOR"))
    tally = session.run() if items else Tally()
    return tally, len(items), len(queue(config, articles, only))
