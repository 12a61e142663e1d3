"""Quality checks: is each catalog entry fit to publish, and is each source article fit to translate?

A check is a small function registered under a name, a group and a default severity. Entry checks
get one catalog entry and an `EntryContext` and yield messages; catalog checks get a whole catalog
and yield (line, message); source checks get one source segment's text and yield (snippet, message).
Running them over a project, with the per-entry and per-project switches, is `qa.py`'s job.

Only approved entries (translated, not fuzzy) are judged on their content: those are what `build`
publishes. Completeness checks look at every entry.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import compress, repeat
from operator import eq

import polib
from markdown_it import MarkdownIt
from rapidfuzz import fuzz, process

from transflow.domain import languages
from transflow.domain.glossary import Glossary, Violation
from transflow.domain.protect import PLACEHOLDER_FOUND
from transflow.formats.markdown import BLOCK_START

ERROR = "error"
WARNING = "warning"
SEVERITIES = (ERROR, WARNING)


@dataclass(frozen=True)
class Check:
    name: str
    group: str
    severity: str
    scope: str  # "entry", "catalog", "article", "project" or "source"
    description: str
    function: Callable | None
    approved_only: bool = True


CHECKS: dict[str, Check] = {}


def _register(name: str, group: str, severity: str, scope: str = "entry", approved_only: bool = True) -> Callable:
    def decorate(function: Callable) -> Callable:
        description = (function.__doc__ or "").strip().split("\n")[0]
        CHECKS[name] = Check(name, group, severity, scope, description, function, approved_only)
        return function

    return decorate


def _declare(name: str, group: str, severity: str, scope: str, description: str) -> None:
    """A check the runner performs itself (it needs files or the whole project, not one entry)."""
    CHECKS[name] = Check(name, group, severity, scope, description, None)


@dataclass
class EntryContext:
    """What entry checks know besides the entry: the language, the glossary, project settings."""

    lang: str
    glossary: Glossary
    length_ratio: tuple[float, float] = (0.5, 2.0)
    _memo: dict[str, tuple[tuple[str, str], object]] = field(default_factory=dict, repr=False)

    def once(self, name: str, entry: polib.POEntry, compute: Callable[[], object]) -> object:
        """A result several checks of one entry share (glossary violations, parsed markup)."""
        key = (entry.msgid, entry.msgstr)
        memo = self._memo.get(name)
        if memo is None or memo[0] != key:
            memo = self._memo[name] = (key, compute())
        return memo[1]

    @cached_property
    def glossary_forms(self) -> set[str]:
        return {form for term in self.glossary.terms for form in (term.source, *term.variants)}

    def glossary_violations(self, entry: polib.POEntry) -> list[Violation]:
        return self.once("glossary", entry, lambda: self.glossary.verify(entry.msgid, entry.msgstr, self.lang))


# --- Provenance: how an entry came to be fuzzy ----------------------------------------------------

# The translate stage records the engine in a translator comment ("machine translation: google ..."),
# translation memory its origin ("translation memory: ..."); msgmerge keeps both, unlike custom flags.
_MACHINE_COMMENT = re.compile(r"^\s*(?:machine[- ]translat|mt\b|transflow:\s*mt\b)", re.I | re.M)


def is_machine_translated(entry: polib.POEntry) -> bool:
    return bool(_MACHINE_COMMENT.search(entry.tcomment or ""))


def source_changed(entry: polib.POEntry) -> bool:
    """msgmerge keeps the msgid the translation was made for in `#| msgid`."""
    return entry.previous_msgid is not None and entry.previous_msgid != entry.msgid


# --- Completeness ---------------------------------------------------------------------------------


@_register("untranslated", "completeness", WARNING, approved_only=False)
def untranslated(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """The entry has no translation: the source text is published in its place."""
    if not entry.msgstr and not any(entry.msgstr_plural.values()):
        yield "not translated yet"


def _fuzzy_kind(entry: polib.POEntry) -> str | None:
    if "fuzzy" not in entry.flags or not entry.msgstr:
        return None
    if source_changed(entry):
        return "source-changed"
    if is_machine_translated(entry):
        return "machine-translated"
    return "fuzzy"


@_register("machine-translated", "completeness", WARNING, approved_only=False)
def machine_translated(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """Machine translation awaiting review (fuzzy, with the engine named in a translator comment)."""
    if _fuzzy_kind(entry) == "machine-translated":
        yield "machine translation awaiting review (remove the fuzzy flag once reviewed)"


@_register("source-changed", "completeness", WARNING, approved_only=False)
def fuzzy_source_changed(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """The source text changed since it was translated (fuzzy with a `#| msgid`)."""
    if _fuzzy_kind(entry) == "source-changed":
        yield f"source text changed; it was: {shorten(entry.previous_msgid)}"


@_register("fuzzy", "completeness", WARNING, approved_only=False)
def fuzzy(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """Marked fuzzy for another reason (a translator's doubt, a translation-memory suggestion)."""
    if _fuzzy_kind(entry) == "fuzzy":
        yield "marked fuzzy: review it, then remove the flag"


# --- Glossary -------------------------------------------------------------------------------------


def _glossary_check(kind: str, severity: str, doc: str) -> None:
    def run(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
        for violation in context.glossary_violations(entry):
            if violation.kind == kind:
                yield violation.message

    run.__doc__ = doc
    _register(f"glossary-{kind}", "glossary", severity)(run)


_glossary_check("missing-term", WARNING, "A term's required rendering is missing.")
_glossary_check("altered-term", ERROR, "A term to keep verbatim was changed (Magtein® without ®).")
_glossary_check("forbidden-term", ERROR, "A rendering the glossary forbids is used.")


@_register("mt-placeholder", "glossary", ERROR)
def mt_placeholder(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """A placeholder of machine translation ([X0X]) was left in the translation."""
    if "[" not in entry.msgstr and "［" not in entry.msgstr:
        return
    left = PLACEHOLDER_FOUND.findall(entry.msgstr)
    if left and not PLACEHOLDER_FOUND.search(entry.msgid):
        yield f"machine-translation placeholder [X{left[0]}X] left in the translation"


# --- Markdown integrity ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _inline_parser() -> MarkdownIt:
    return MarkdownIt("commonmark")


# A quick tokenizer for the constructs markdown-it would find. When it sees the same constructs in
# the source and the translation (the usual case) nothing is wrong; otherwise markdown-it decides.
# One group per kind of token, so that `findall` gives comparable tokens without Python code per
# match: emphasis delimiters by whether they can open, close, both or neither (CommonMark's
# flanking rules, in short), link targets without their spacing.
_QUICK_MARKUP = re.compile(
    r"""
    (?=[\\`\]<*_!\[])                                    # (fails fast on ordinary characters)
    (?:\\(?P<escaped>[!-/:-@\[-`{-~])
  | (?P<code>`+)(?P<text>.*?[^`])(?P=code)(?!`)           # code span
  | \]\(\s*(?P<dest><[^>\n]*>|[^\s()]+)(?:\s+(?P<title>"[^"]*"|'[^']*'))?\s*\)  # link target
  | (?P<autolink><[A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*>)
  | (?P<html></?[A-Za-z][^<>]*>)
  | (?<!\S)(?P<neither>\*+|_+)(?!\S)
  | (?<!\S)(?P<opens>\*+|_+)
  | (?P<closes>\*+|_+)(?!\S)
  | (?P<both>\*+|_+)
  | (?P<other>\\\n|!?\[)                                  # hard break, link or image opener
    )""",
    re.VERBOSE,
)


def _quick_markup(text: str) -> list[tuple[str, ...]]:
    found = _QUICK_MARKUP.findall(text)
    found.sort()
    return found


_source_quick_markup = lru_cache(maxsize=4096)(_quick_markup)


@lru_cache(maxsize=4096)
def inline_markup(text: str) -> tuple[Counter, Counter]:
    """(links, markup) of a string: link, image and autolink targets; emphasis, code, breaks, HTML."""
    links: Counter = Counter()
    markup: Counter = Counter()
    for token in _inline_parser().parseInline(text)[0].children or ():
        kind = token.type
        if kind == "link_open":
            name = "autolink" if token.markup == "autolink" else "link"
            links[f"{name} to {token.attrs['href']}"] += 1
        elif kind == "image":
            links[f"image {token.attrs['src']}"] += 1
        elif kind in ("strong_open", "em_open"):
            markup[f"{kind[:-5]} ({token.markup})"] += 1
        elif kind == "code_inline":
            markup[f"code span `{token.content}`"] += 1
        elif kind == "hardbreak":
            markup["hard line break"] += 1
        elif kind == "html_inline":
            markup[f"HTML {token.content}"] += 1
    return links, markup


def _markup_of(entry: polib.POEntry, context: EntryContext) -> tuple[tuple, tuple] | None:
    """Both strings' markup when it may differ, None when the quick look finds it the same."""

    def compute():
        if _source_quick_markup(entry.msgid) == _quick_markup(entry.msgstr):
            return None
        return inline_markup(entry.msgid), inline_markup(entry.msgstr)

    return context.once("markup", entry, compute)


def _compare(expected: Counter, found: Counter) -> Iterator[str]:
    for item, count in expected.items():
        if found[item] < count:
            yield f"{item} missing" + (f" ({count - found[item]} of {count})" if count > 1 else "")
    for item, count in found.items():
        if count > expected[item]:
            yield f"{item} not in the source"


@_register("markdown-links", "markdown", ERROR)
def markdown_links(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """Links, images and autolinks keep their destinations."""
    markup = _markup_of(entry, context)
    if markup:
        yield from _compare(markup[0][0], markup[1][0])


@_register("markdown-markup", "markdown", WARNING)
def markdown_markup(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """Emphasis, code spans, hard line breaks and inline HTML of the source are kept."""
    markup = _markup_of(entry, context)
    if markup:
        yield from _compare(markup[0][1], markup[1][1])


_SINGLE_LINE_KINDS = ("heading", "table", "front matter")


@_register("markdown-block", "markdown", ERROR)
def markdown_block(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """The translation would start another block (`#`, `>`, `- `, `1.`) or break a one-line block."""
    for line in entry.msgstr.split("\n"):
        match = BLOCK_START.match(line.lstrip(" "))
        if match and not any(source.lstrip(" ").startswith(match.group()) for source in entry.msgid.split("\n")):
            yield f"a line starting with {match.group().strip()!r} would change the block"
            break
    kind = entry.comment or ""
    if "\n" in entry.msgstr and "\n" not in entry.msgid and kind.startswith(_SINGLE_LINE_KINDS):
        yield f"a line break in a {kind.split(',')[0]} would break the block"


# --- Content --------------------------------------------------------------------------------------

# Entries are checked article by article, so the source side of a string is computed once for
# all its languages: the `_source_*` functions are cached versions of the plain ones.
_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f ]\d{3})*(?:[.,]\d+)?")
_UNIT = re.compile(r"\d\s?(%|mg|µg|mcg|g|kg|ml|mmol|kcal|kJ|°C|mm|cm)(?![^\W\d_])")
_SEPARATORS = str.maketrans("", "", ".,\u00a0\u202f ")
_SUPERSCRIPTS = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]]+|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_LINK_TARGET = re.compile(r"\]\([^)]*\)|<[^<>\s]+>")
_DIGIT = re.compile(r"\d")


def _without_link_targets(text: str) -> str:
    return _LINK_TARGET.sub(" ", text) if "](" in text or "<" in text else text


class _Items:
    """Items of a text (numbers, references, addresses) compared as multisets.

    Sorted tuples are cheap to build and compare, and the source side is cached for all of a
    string's languages; only when they differ are the items counted, in the order of the text,
    to report.
    """

    def __init__(self, items: Callable[[str], list[str]]):
        self.items = items
        self.source_key = lru_cache(maxsize=4096)(self.key)

    def key(self, text: str) -> tuple[str, ...]:
        return tuple(sorted(self.items(text)))

    def differences(self, entry: polib.POEntry) -> Iterator[str]:
        if self.source_key(entry.msgid) != self.key(entry.msgstr):
            yield from _compare(Counter(self.items(entry.msgid)), Counter(self.items(entry.msgstr)))


def _quantities(text: str) -> list[str]:
    """Numbers by their digits (1,5 = 1.5; 1.000 = 1,000 = 1 000) and the units after them."""
    if not _DIGIT.search(text):
        return []
    text = _without_link_targets(text)
    found = [f"number {value.translate(_SEPARATORS)}" for value in _NUMBER.findall(text)]
    return found + [f"unit {unit}" for unit in _UNIT.findall(text)]


def _addresses(text: str) -> list[str]:
    if "://" not in text and "www." not in text and "@" not in text:
        return []
    return [m.group().rstrip(".,;:!?") for m in _URL.finditer(_without_link_targets(text))]


_QUANTITIES = _Items(_quantities)
_REFERENCES = _Items(_SUPERSCRIPTS.findall)
_ADDRESSES = _Items(_addresses)


@_register("numbers", "content", ERROR)
def numbers(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """Numbers and units are kept (decimal and thousands separators may follow the locale)."""
    yield from _QUANTITIES.differences(entry)


@_register("footnotes", "content", ERROR)
def footnotes(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """Footnote asterisks (\\*) and superscript reference numbers (⁹ ¹⁰) are kept."""
    source, translation = entry.msgid.count("\\*"), entry.msgstr.count("\\*")
    if source != translation:
        yield f"{source} footnote asterisk(s) (\\*) in the source, {translation} in the translation"
    yield from (f"reference {item}" for item in _REFERENCES.differences(entry))


@_register("urls", "content", ERROR)
def urls(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """URLs and e-mail addresses in the text are unchanged (link targets: markdown-links)."""
    yield from _ADDRESSES.differences(entry)


@_register("symbols", "content", ERROR)
def symbols(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """The marks ® ™ © are kept, plus those a required glossary rendering adds (Magtein -> Magtein®)."""
    matches = context.glossary.find(entry.msgid)
    for mark in "®™©":
        source, translation = entry.msgid.count(mark), entry.msgstr.count(mark)
        if not matches and source == translation:
            continue
        added = sum(
            context.glossary.expected(match.term, context.lang).count(mark) - match.text.count(mark)
            for match in matches
        )
        if translation != source + added:
            by_glossary = f" (the glossary adds {added})" if added else ""
            yield (f"{mark} appears {source} time(s) in the source{by_glossary}, {translation} in the translation")


# --- Form -----------------------------------------------------------------------------------------


def _edges(text: str) -> tuple[str, str]:
    return text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]


@_register("whitespace", "form", WARNING)
def whitespace(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """Leading and trailing whitespace and tabs as in the source; no blank translation."""
    if not entry.msgstr.strip():
        yield "the translation is blank"
        return
    (lead, trail), (new_lead, new_trail) = _edges(entry.msgid), _edges(entry.msgstr)
    if lead != new_lead:
        yield f"leading whitespace {new_lead!r}, source has {lead!r}"
    if trail != new_trail:
        yield f"trailing whitespace {new_trail!r}, source has {trail!r}"
    if entry.msgstr.count("\t") != entry.msgid.count("\t"):
        yield "tabs differ from the source"


_DECORATION = "*_\"'’”»)]⁰¹²³⁴⁵⁶⁷⁸⁹"
_END_MARKS = {
    ".": ".",
    "…": "…",
    "?": "?",
    "!": "!",
    ":": ":",
    ";": ";",
    ",": ",",
    "。": ".",
    "？": "?",
    "！": "!",
    "：": ":",
}
_START_MARKS = "-–—(:;.,…"


def _end_mark(text: str) -> str:
    """The punctuation a text ends with, past footnote marks, closing quotes and emphasis."""
    end = len(text)
    while end:
        char = text[end - 1]
        if char == "*" and end > 1 and text[end - 2] == "\\":
            end -= 2
        elif char in _DECORATION or char.isspace():
            end -= 1
        else:
            break
    if not end:
        return ""
    if text[end - 1] == ".":
        dots = end - len(text[:end].rstrip("."))
        return "…" if dots % 3 == 0 else "."
    return _END_MARKS.get(text[end - 1], "")


@_register("punctuation", "form", WARNING)
def punctuation(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """Ending punctuation (and a leading dash or bracket) as in the source."""
    source, translation = _end_mark(entry.msgid), _end_mark(entry.msgstr)
    if source != translation:
        yield (
            f"ends with {translation!r} where the source ends with {source!r}"
            if source and translation
            else f"ends without {source!r}"
            if source
            else f"ends with {translation!r}, the source does not"
        )
    first, new_first = entry.msgid.lstrip()[:1], entry.msgstr.lstrip()[:1]
    if (first in _START_MARKS or new_first in _START_MARKS) and first != new_first:
        yield f"starts with {new_first!r} where the source starts with {first!r}"


_LETTER = re.compile(r"[^\W\d_]")


@_register("start-capital", "form", WARNING)
def start_capital(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """A source starting with a capital letter is not translated starting with a lower-case one."""
    first, new_first = _LETTER.match(entry.msgid), _LETTER.match(entry.msgstr)
    if first and new_first and first.group().isupper() and new_first.group().islower():
        yield f"starts with lower-case {new_first.group()!r}; the source starts with a capital"


# Doubled words that are grammatical: "vous vous", "die die", "had had".
_ALLOWED_DOUBLES = {"fr": {"vous", "nous"}, "de": {"die", "der", "das"}, "en": {"had", "that"}, "nl": {"dat", "die"}}
_CLOSING = ")]}\"'”’»*_.,;:!?…"


def doubled_words(text: str, lang: str) -> list[str]:
    """Words written twice in a row ("the the", "the the,"), apart from grammatical doubles."""
    allowed = _ALLOWED_DOUBLES.get(lang.split("_")[0], ())
    words = text.lower().split()
    same = list(map(eq, words, map(str.rstrip, words[1:], repeat(_CLOSING))))
    if True not in same:
        return []
    return [word for word in compress(words, same) if word.isalpha() and word not in allowed]


_source_doubled_words = lru_cache(maxsize=4096)(doubled_words)


@_register("doubled-words", "form", WARNING)
def doubled_words_check(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """A word written twice in a row ("the the")."""
    inherited = _source_doubled_words(entry.msgid, "nl")
    for word in doubled_words(entry.msgstr, context.lang):
        if word not in inherited:
            yield f"doubled word {word!r}"


# Punctuation no space may precede (French puts one before ; : ! ?).
_NO_SPACE_BEFORE = {"fr": ",.)", "": ",.;:!?)"}
_SPACE_BEFORE = {lang: re.compile(rf"[ \t]+[{marks}]") for lang, marks in _NO_SPACE_BEFORE.items()}
# The same, found from the (rarer) punctuation side: a quick test before collecting the snippets.
_SPACE_BEFORE_HINT = {lang: re.compile(rf"[{marks}](?<=[ \t][{marks}])") for lang, marks in _NO_SPACE_BEFORE.items()}
_NO_SPACE_AFTER = re.compile(r"[,;](?<=[^\W\d_][,;])(?=[^\W\d_])")
_DOUBLED_SPACE = re.compile(r"(?<=\S)  +(?=\S)")


def spacing_problems(text: str, lang: str) -> dict[str, list[str]]:
    """What is wrong with the spacing of a text, each problem with the snippets showing it."""
    language = lang.split("_")[0]
    language = language if language in _SPACE_BEFORE else ""
    return {
        "doubled space": _DOUBLED_SPACE.findall(text) if "  " in text else [],
        "space before punctuation": _SPACE_BEFORE[language].findall(text.lstrip())
        if _SPACE_BEFORE_HINT[language].search(text)
        else [],
        "no space after , or ;": _NO_SPACE_AFTER.findall(_URL.sub(" ", text) if "@" in text or "://" in text else text)
        if "," in text or ";" in text
        else [],
    }


_source_spacing_problems = lru_cache(maxsize=4096)(spacing_problems)


@_register("spacing", "form", WARNING)
def spacing(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """Doubled spaces, a space before punctuation, none after a comma: more than in the source."""
    source = _source_spacing_problems(entry.msgid, "nl")
    for problem, found in spacing_problems(entry.msgstr, context.lang).items():
        if len(found) > len(source[problem]):
            yield f"{problem}: {found[0]!r}"


_PAIRS = ("()", "[]", "{}")


def bracket_balance(text: str) -> dict[str, int]:
    return {pair: text.count(pair[0]) - text.count(pair[1]) for pair in _PAIRS}


_source_bracket_balance = lru_cache(maxsize=4096)(bracket_balance)


@_register("brackets", "form", WARNING)
def brackets(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """Brackets balanced as in the source."""
    source, translation = _source_bracket_balance(entry.msgid), bracket_balance(entry.msgstr)
    if source != translation:
        for pair in _PAIRS:
            if source[pair] != translation[pair]:
                yield f"unbalanced {pair}: {translation[pair]:+d} open in the translation"


@_register("length-ratio", "form", WARNING)
def length_ratio(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """The translation is far longer or shorter than the source (a chunk missing or added)."""
    if len(entry.msgid) < 20:
        return
    ratio = len(entry.msgstr) / len(entry.msgid)
    low, high = context.length_ratio
    if not low <= ratio <= high:
        yield f"{ratio:.2f} times as long as the source (expected {low:g}-{high:g})"


_WORD = re.compile(r"[^\W\d_]{2,}")
_CITATION = re.compile(r"\bet al\b|\bdoi\b|\bPMID\b|https?://|\b(?:19|20)\d\d\b[;:.)]", re.I)


@_register("identical", "form", WARNING)
def identical(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """The translation equals the source (names, numbers and citations excepted)."""
    if entry.msgstr != entry.msgid or _CITATION.search(entry.msgid):
        return
    ordinary = [word for word in _WORD.findall(entry.msgid) if word.islower()]
    if len(ordinary) >= 2:
        yield "the translation is identical to the source"


_ACRONYM = re.compile(r"(?<![\w-])[A-Z][A-Z0-9]*[A-Z](?!\w)")


@lru_cache(maxsize=4096)
def _source_acronyms(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_ACRONYM.findall(text)))


@_register("acronyms", "form", WARNING)
def acronyms(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """Acronyms of the source (HPA, DNA) are kept; glossary terms: see the glossary checks."""
    wanted = _source_acronyms(entry.msgid)
    if not wanted:
        return
    found = set(_ACRONYM.findall(entry.msgstr))
    for acronym in wanted:
        if acronym not in found and acronym not in context.glossary_forms:
            yield f"acronym {acronym} missing"


@_register("newlines", "catalog", ERROR)
def newlines(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """msgid and msgstr both begin and both end with a newline, or neither (msgfmt -c rejects it)."""
    msgid, msgstr = entry.msgid, entry.msgstr
    if (msgid[:1] == "\n") != (msgstr[:1] == "\n"):
        yield "msgid and msgstr do not both begin with a newline (msgfmt -c rejects this)"
    if (msgid[-1:] == "\n") != (msgstr[-1:] == "\n"):
        yield "msgid and msgstr do not both end with a newline (msgfmt -c rejects this)"


@_register("merge-conflict", "catalog", ERROR)
def merge_conflict(entry: polib.POEntry, context: EntryContext) -> Iterator[str]:
    """msgcat's conflict markers (#-#-#-#-#) were left in the translation."""
    if "#-#-#-#-#" in entry.msgstr:
        yield "msgcat conflict markers (#-#-#-#-#) in the translation: choose one version"


# --- Catalog files --------------------------------------------------------------------------------

_REQUIRED_HEADERS = (
    "Project-Id-Version",
    "Language",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
    "Plural-Forms",
)
_HEADER_DEFAULTS = {
    "PO-Revision-Date": "YEAR-MO-DA HO:MI+ZONE",
    "Last-Translator": "FULL NAME <EMAIL@ADDRESS>",
    "Language-Team": "LANGUAGE <LL@li.org>",
}
_PLURAL_FORMS = re.compile(r"^\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*([^;]+);?\s*$")


@dataclass
class CatalogContext:
    lang: str
    max_obsolete: int = 20


@_register("header", "catalog", ERROR, scope="catalog")
def header(catalog: polib.POFile, context: CatalogContext) -> Iterator[tuple[int | None, str]]:
    """The header has every field msgfmt needs, UTF-8, and is not fuzzy."""
    metadata = catalog.metadata
    for name in _REQUIRED_HEADERS:
        if not metadata.get(name, "").strip():
            yield 1, f"header field {name} missing or empty"
    content_type = metadata.get("Content-Type", "")
    if content_type and "charset=utf-8" not in content_type.lower().replace(" ", ""):
        yield 1, f"Content-Type {content_type!r} must declare charset=UTF-8"
    if catalog.metadata_is_fuzzy:
        yield 1, "the header is marked fuzzy (msgfmt ignores a fuzzy header)"


@_register("header-defaults", "catalog", WARNING, scope="catalog")
def header_defaults(catalog: polib.POFile, context: CatalogContext) -> Iterator[tuple[int | None, str]]:
    """Header fields still at their template defaults (msgfmt -c warns)."""
    for name, default in _HEADER_DEFAULTS.items():
        if catalog.metadata.get(name, "").strip() == default:
            yield 1, f"header field {name} still has its template default {default!r}"


@_register("language", "catalog", ERROR, scope="catalog")
def language(catalog: polib.POFile, context: CatalogContext) -> Iterator[tuple[int | None, str]]:
    """The Language header names the language of the folder the catalog is in."""
    declared = catalog.metadata.get("Language", "").strip()
    if declared and languages.normalise(declared) != context.lang:
        yield 1, f"Language is {declared!r} but the catalog is in the {context.lang!r} folder"


@_register("plural-forms", "catalog", ERROR, scope="catalog")
def plural_forms(catalog: polib.POFile, context: CatalogContext) -> Iterator[tuple[int | None, str]]:
    """Plural-Forms is well-formed, right for the language, and matches every plural entry."""
    value = catalog.metadata.get("Plural-Forms", "").strip()
    if not value:
        return
    match = _PLURAL_FORMS.match(value)
    if not match:
        yield 1, f"Plural-Forms {value!r} is not 'nplurals=N; plural=EXPRESSION;'"
        return
    count = int(match.group(1))
    expected = languages.plural_forms(context.lang)
    if value.replace(" ", "") != expected.replace(" ", ""):
        yield 1, f"Plural-Forms {value!r}, expected {expected!r} for {context.lang}"
    for entry in catalog:
        if entry.msgid_plural and not entry.obsolete and len(entry.msgstr_plural) != count:
            yield entry.linenum, f"{len(entry.msgstr_plural)} plural forms, Plural-Forms says {count}"


@_register("obsolete-entries", "completeness", WARNING, scope="catalog")
def obsolete_entries(catalog: polib.POFile, context: CatalogContext) -> Iterator[tuple[int | None, str]]:
    """Obsolete (#~) entries piling up beyond checks.max_obsolete."""
    obsolete = [entry for entry in catalog if entry.obsolete]
    if len(obsolete) > context.max_obsolete:
        yield (
            obsolete[0].linenum,
            (f"{len(obsolete)} obsolete entries (more than {context.max_obsolete}); remove those no longer useful"),
        )


_declare(
    "unreadable",
    "catalog",
    ERROR,
    "catalog",
    "A catalog, template or article cannot be read (not UTF-8, syntax error, duplicates).",
)
_declare(
    "catalog-outdated",
    "completeness",
    ERROR,
    "catalog",
    "The catalog's strings differ from its template, or it is missing (run `transflow update`).",
)
_declare(
    "template-outdated",
    "completeness",
    ERROR,
    "article",
    "The template differs from what the source article gives now (run `transflow extract`).",
)
_declare(
    "threshold",
    "completeness",
    ERROR,
    "catalog",
    "Less of the catalog is translated (in strings or in words) than its threshold.",
)
_declare(
    "inconsistent-translation",
    "consistency",
    WARNING,
    "project",
    "One source string has different approved translations across articles.",
)
_declare(
    "inconsistent-source", "consistency", WARNING, "project", "One translation is used for different source strings."
)
_declare(
    "glossary-file", "glossary", ERROR, "project", "The glossary cannot be read (a missing glossary is a warning)."
)


# --- Source articles (--source) -------------------------------------------------------------------


@dataclass
class SourceContext:
    """Terms kept verbatim (brands, acronyms) must stand alone; any term may be misspelt."""

    glossary: Glossary
    forms: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        kept = [term for term in self.glossary.terms if not term.translate]
        self.forms = sorted({form for term in kept for form in (term.source, *term.variants)}, key=len, reverse=True)
        self.words = sorted(
            {
                form
                for term in self.glossary.terms
                for form in (term.source, *term.variants)
                if " " not in form and len(form) >= 5
            }
        )
        self._pattern = re.compile("|".join(map(re.escape, self.forms))) if self.forms else None

    def term_runs(self, text: str) -> Iterator[tuple[str, list[re.Match], bool, bool]]:
        """Each word holding glossary terms: (word, term matches, glued before, glued after)."""
        if self._pattern is None:
            return
        matches = list(self._pattern.finditer(text))
        index = 0
        while index < len(matches):
            run = [matches[index]]
            while index + 1 < len(matches) and matches[index + 1].start() == run[-1].end():
                index += 1
                run.append(matches[index])
            index += 1
            start, end = run[0].start(), run[-1].end()
            before = start > 0 and text[start - 1].isalpha()
            after = end < len(text) and text[end].isalpha()
            word_start = start - len(re.search(r"\S*$", text[:start]).group())
            word_end = end + len(re.match(r"\S*", text[end:]).group())
            yield text[word_start:word_end], run, before, after


@_register("source-garbled-term", "source", ERROR, scope="source")
def source_garbled_term(text: str, context: SourceContext) -> Iterator[tuple[str, str]]:
    """A term glued to itself or to the word before it ("L-threonaatMagteinMagtein®)")."""
    for word, run, before, _after in context.term_runs(text):
        if len(run) > 1 or before:
            yield word, f"garbled glossary term {run[0].group()!r} in {word!r}"


@_register("source-glued-term", "source", ERROR, scope="source")
def source_glued_term(text: str, context: SourceContext) -> Iterator[tuple[str, str]]:
    """A term glued to the next word ("Magteinervoor")."""
    for word, run, before, after in context.term_runs(text):
        form = run[-1].group()
        if after and len(run) == 1 and not before:
            yield word, f"glossary term {form!r} glued to the next word in {word!r}"


@_register("source-near-miss", "source", WARNING, scope="source")
def source_near_miss(text: str, context: SourceContext) -> Iterator[tuple[str, str]]:
    """A word that is almost a glossary term (a misspelling such as "Magtien")."""
    if not context.words:
        return
    # Inflected forms the matcher recognises (L-threonaten) are the term, not a misspelling.
    exact = {form.lower() for form in context.words} | {found.text.lower() for found in context.glossary.find(text)}
    for word in dict.fromkeys(re.findall(r"[^\W_][\w®™-]*", text)):
        word = word.rstrip("-")
        lower = word.lower()
        if len(word) < 5 or lower in exact:
            continue
        match = process.extractOne(word, context.words, scorer=fuzz.ratio, score_cutoff=80, processor=str.lower)
        if match is None:
            continue
        term = match[0].lower()
        if abs(len(term) - len(lower)) <= 2 and not (lower.startswith(term) or term.startswith(lower)):
            yield word, f"{word!r} looks like a misspelling of the glossary term {match[0]!r}"


@_register("source-doubled-words", "source", WARNING, scope="source")
def source_doubled_words(text: str, context: SourceContext) -> Iterator[tuple[str, str]]:
    """A word written twice in a row in the source article."""
    for word in doubled_words(text, "nl"):
        yield f"{word} {word}", f"doubled word {word!r}"


@_register("source-brackets", "source", WARNING, scope="source")
def source_brackets(text: str, context: SourceContext) -> Iterator[tuple[str, str]]:
    """Unbalanced brackets in the source article ("L-threonaatMagtein)")."""
    for pair, balance in bracket_balance(text).items():
        if balance:
            snippet = pair[1] if balance < 0 else pair[0]
            yield snippet, f"unbalanced {pair}: {balance:+d} open"


@_register("source-spacing", "source", WARNING, scope="source")
def source_spacing(text: str, context: SourceContext) -> Iterator[tuple[str, str]]:
    """Doubled spaces or a space before punctuation in the source article ("Magtein ,")."""
    for problem, found in spacing_problems(text, "nl").items():
        for snippet in found:
            yield snippet, f"{problem}: {snippet!r}"


def shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
