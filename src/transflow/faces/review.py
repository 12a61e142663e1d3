"""`transflow review`: walk a translator through the entries that wait for a person.

Those are fuzzy entries with a candidate translation: machine output, translation-memory
suggestions, translations whose source changed. Each decision is written to its catalog at once
(atomically, re-reading the file first), so quitting, a crash or an editor open on the same file
loses nothing, and a rerun simply finds what is left.
"""

from __future__ import annotations

import copy
import os
import shutil
import sys
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import click
import polib
from rapidfuzz.distance import Levenshtein

from transflow.domain import catalog as catalogs
from transflow.domain import checks
from transflow.domain.glossary import Glossary, for_project, occurrences
from transflow.errors import TransflowError
from transflow.formats.pofile import read_po, write_po
from transflow.stages import qa
from transflow.stages.lock import project_lock
from transflow.stages.settings import Config

KEYS = {"a": "accept", "e": "edit", "s": "skip", "b": "back", "q": "quit", "?": "help"}
_COMPLETENESS = "completeness"
SAVE_WAIT = 600  # seconds a decision waits for another command to let go of the project


def waiting(entry: polib.POEntry) -> bool:
    """Fuzzy with a candidate: what a reviewer decides on (untranslated entries go to MT first)."""
    return "fuzzy" in entry.flags and bool(entry.msgstr) and not entry.obsolete


# --- What the reviewer is shown ---------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One piece of a word-level diff: `op` is "equal", "delete" or "insert"."""

    op: str
    text: str


def word_diff(old: str, new: str) -> list[Change]:
    """What changed from `old` to `new`, word by word (rapidfuzz's opcodes, as difflib would)."""
    before, after = old.split(), new.split()
    changes: list[Change] = []
    for op in Levenshtein.opcodes(before, after):
        if op.tag == "equal":
            changes.append(Change("equal", " ".join(before[op.src_start : op.src_end])))
            continue
        if op.tag in ("delete", "replace"):
            changes.append(Change("delete", " ".join(before[op.src_start : op.src_end])))
        if op.tag in ("insert", "replace"):
            changes.append(Change("insert", " ".join(after[op.dest_start : op.dest_end])))
    return changes


@dataclass(frozen=True)
class TermInfo:
    source: str
    required: str
    present: bool


def glossary_terms(glossary: Glossary, msgid: str, msgstr: str, lang: str) -> list[TermInfo]:
    """The glossary terms of the source, their required rendering, and whether the text has it."""
    terms: dict[object, TermInfo] = {}
    for match in glossary.find(msgid):
        if match.term in terms:
            continue
        required = glossary.expected(match.term, lang)
        present = not required or bool(occurrences(required, msgstr, match.term.case_sensitive))
        terms[match.term] = TermInfo(match.text, required or "(no rendering set)", present)
    return list(terms.values())


@dataclass(frozen=True)
class Finding:
    check: str
    severity: str
    message: str


def entry_problems(entry: polib.POEntry, context: checks.EntryContext, settings: qa.Settings) -> list[Finding]:
    """What `transflow check` would report on this translation once it is approved.

    Completeness checks are left out: that the entry is fuzzy is why it is being reviewed.
    Checks switched off for the project or the entry (`transflow: ignore`) stay off.
    """
    approved = copy.copy(entry)
    approved.flags = [flag for flag in entry.flags if flag != "fuzzy"]
    ignored = qa.ignored_checks(entry)
    findings = []
    for check in checks.CHECKS.values():
        if (
            check.scope != "entry"
            or check.function is None
            or check.group == _COMPLETENESS
            or not settings.enabled(check.name)
            or check.name in ignored
        ):
            continue
        findings.extend(
            Finding(check.name, settings.severity_of(check.name), message)
            for message in check.function(approved, context)
        )
    return findings


def provenance(entry: polib.POEntry) -> str:
    if checks.source_changed(entry):
        return "source changed since the last approval"
    if checks.is_machine_translated(entry):
        return "machine translation"
    if "translation memory" in (entry.tcomment or "").lower():
        return "translation memory suggestion"
    return "marked fuzzy"


# --- The queue and the decisions --------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One entry to review, found again in its file by (msgctxt, msgid)."""

    path: Path
    slug: str
    lang: str
    msgctxt: str | None
    msgid: str


@dataclass
class Tally:
    accepted: int = 0
    edited: int = 0
    skipped: int = 0


def find_entry(po: polib.POFile, item: Item) -> polib.POEntry | None:
    for entry in po:
        if entry.msgid == item.msgid and entry.msgctxt == item.msgctxt and not entry.obsolete:
            return entry
    return None


def queue(config: Config, articles: Iterable[str] = ()) -> list[Item]:
    """Every entry waiting for review, by language, article and position in the catalog."""
    items = []
    slugs = qa.select_articles(config, articles)
    for lang in config.languages:
        for slug in slugs:
            path = config.catalog_path(lang, slug)
            if path.exists():
                items.extend(
                    Item(path, slug, lang, entry.msgctxt, entry.msgid) for entry in read_po(path) if waiting(entry)
                )
    return items


def save(item: Item, change: Callable[[polib.POEntry], None]) -> polib.POEntry:
    """Apply one decision to the catalog as it is on disk now, and write it atomically."""
    po = read_po(item.path)
    entry = find_entry(po, item)
    if entry is None:
        raise TransflowError(
            f"the entry {item.msgid[:40]!r} is no longer in the catalog (was it updated meanwhile?)", item.path
        )
    change(entry)
    po.metadata["PO-Revision-Date"] = catalogs.timestamp()
    write_po(item.path, po)
    return entry


def approve(entry: polib.POEntry) -> None:
    """Reviewed: not fuzzy any more, and the `#|` old source is history (as Poedit does)."""
    if "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
    entry.previous_msgid = None
    entry.previous_msgid_plural = None
    entry.previous_msgctxt = None


def set_translation(text: str) -> Callable[[polib.POEntry], None]:
    def change(entry: polib.POEntry) -> None:
        entry.msgstr = text

    return change


def from_editor(edited: str, msgid: str) -> str:
    """Editors add a final newline; the msgid decides whether the translation has one."""
    text = edited.rstrip("\n")
    return text + "\n" if msgid.endswith("\n") else text


# --- The terminal session ---------------------------------------------------------------------


@dataclass
class Session:
    config: Config
    items: list[Item]
    colour: bool = True
    tally: Tally = field(default_factory=Tally)

    def __post_init__(self) -> None:
        self.glossary = for_project(self.config.glossary_file, self.config.languages)
        self.settings = qa.load_settings(self.config)

    def style(self, text: str, **styles) -> str:
        return click.style(text, **styles) if self.colour else text

    def run(self) -> Tally:
        position, history, revisit = 0, [], False
        while 0 <= position < len(self.items):
            item = self.items[position]
            entry = find_entry(read_po(item.path), item)
            if entry is None or not (revisit or waiting(entry)):
                position += 1
                continue
            action = self.decide(item, entry, position, can_go_back=bool(history))
            if action == "quit":
                break
            revisit = action == "back"
            if revisit:
                position = history.pop()
                continue
            history.append(position)
            position += 1
        return self.tally

    def decide(self, item: Item, entry: polib.POEntry, position: int, can_go_back: bool) -> str:
        """Show the entry and act on keys until the reviewer moves on (accept/skip/back/quit)."""
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
            elif action == "accept":
                if self.accept(item, entry):
                    return "accept"
            elif action == "edit":
                edited = click.edit(entry.msgstr, extension=".txt", require_save=True)
                if edited is None or not edited.strip():
                    click.echo("Not saved in the editor: the translation is unchanged.")
                    continue
                entry = self.save(item, set_translation(from_editor(edited, entry.msgid)))
                self.tally.edited += 1
                click.echo(self.style("Saved (still fuzzy): press a to accept it.", fg="green"))
                self.show(item, entry, position)
            else:
                click.echo(f"Unknown key {key!r} (? for help).")

    def accept(self, item: Item, entry: polib.POEntry) -> bool:
        errors = [f for f in self.problems(item, entry) if f.severity == checks.ERROR]
        if errors and not click.confirm(
            f"This translation still has {len(errors)} check error(s). Accept it anyway?", default=False
        ):
            return False
        self.save(item, approve)
        self.tally.accepted += 1
        click.echo(self.style("Accepted.", fg="green"))
        return True

    def save(self, item: Item, change: Callable[[polib.POEntry], None]) -> polib.POEntry:
        """Saving holds the project lock, and only saving: a review can stay open beside `run`."""
        with project_lock(self.config.state_dir, "review", SAVE_WAIT, click.echo):
            return save(item, change)

    def problems(self, item: Item, entry: polib.POEntry) -> list[Finding]:
        context = checks.EntryContext(item.lang, self.glossary, self.settings.length_ratio)
        return entry_problems(entry, context, self.settings)

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
            "e edit it in $EDITOR (saved at once, still fuzzy; then a to accept)\n"
            "s skip it for now\nb back to the previous entry\n"
            "q quit (every decision is already saved)"
        )

    def show(self, item: Item, entry: polib.POEntry, position: int) -> None:
        rule = "─" * 72
        where = f"{self.config.relative(item.path)}:{entry.linenum}"
        click.echo(self.style(rule, dim=True))
        click.echo(
            f"{self.style(f'[{position + 1}/{len(self.items)}]', bold=True)} "
            f"{item.lang}  {item.slug}  {where}  ({provenance(entry)})"
        )
        for line in filter(None, (entry.comment or "").splitlines()):
            if not line.startswith("glossary:"):
                click.echo(self.style(f"  {line}", dim=True))
        self.section("Source", entry.msgid)
        if checks.source_changed(entry):
            click.echo(self.style("Changed since the last approval:", bold=True))
            click.echo(indented(self.render_diff(word_diff(entry.previous_msgid, entry.msgid))))
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
            colour = "red" if finding.severity == checks.ERROR else "yellow"
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


def review(config: Config, articles: Iterable[str] = ()) -> tuple[Tally, int, int]:
    """Run the interactive review; returns the tally, the entries shown and those still waiting."""
    if not sys.stdin.isatty():
        raise TransflowError(
            "transflow review is interactive: run it in a terminal "
            "(`transflow check` lists the same entries without one)"
        )
    items = queue(config, articles)
    session = Session(config, items, colour=not os.environ.get("NO_COLOR"))
    tally = session.run() if items else Tally()
    return tally, len(items), len(queue(config, articles))
