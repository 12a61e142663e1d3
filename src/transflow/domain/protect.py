"""Protecting what machine translation must not change, and checking what came back.

Before a text goes to an engine, glossary terms and inline Markdown (link and image destinations,
emphasis markers, code spans, autolinks and inline HTML, backslash escapes such as the footnote
asterisk ``\\*``, superscript reference numbers, URLs, numbers with unit symbols) are replaced by
placeholders. After translation each placeholder is replaced by what belongs there: the markup as
it was, or the term's required rendering in the target language.

Placeholders are written ``[X0X]``, ``[X1X]``, ...: the form Weblate settled on for Google,
Microsoft, LibreTranslate and MyMemory after trying others. A bracketed upper-case token with a
digit is not a word of any language, so engines copy it; curly braces (``{0}``) are read as code
and sometimes translated around or dropped, bare numbers get localised (``0`` -> ``０``), and
``__0__`` is Markdown emphasis to engines that understand Markdown. What engines still do to it
(a space inside the brackets, lower case, full-width brackets from CJK models, moving it, dropping
or doubling it) is tolerated on the way back or reported as a violation: see `restore`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from rapidfuzz import fuzz

from transflow.domain.glossary import Glossary, Violation, occurrences
from transflow.domain.units import DEFAULT_UNITS, alternatives
from transflow.formats.glossary_file import Term

_LATIN_LETTER = "[A-Za-zÀ-ÖØ-öø-ÿ]"

# What we send, and every variant of it that engines are known to return.
PLACEHOLDER = "[X{}X]"
PLACEHOLDER_FOUND = re.compile(r"[\[［]\s*[Xx]\s*(\d+)\s*[Xx]\s*[\]］]")

# Inline Markdown and other text kept verbatim, in order of precedence.
_MARKUP: list[tuple[str, re.Pattern[str]]] = [
    ("code", re.compile(r"(`+)[^`](?:.*?[^`])?\1(?!`)", re.DOTALL)),
    ("html", re.compile(r"</?[A-Za-z][^<>\n]*>")),
    ("entity", re.compile(r"&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")),
    ("link-end", re.compile(r"\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)|\]\[[^\]]*\]")),
    ("link-start", re.compile(r"!?\[(?=[^\]]*\](?:\(|\[))")),
    ("url", re.compile(r"\b(?:https?://|www\.|doi:)[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'\"]")),
    ("escape", re.compile(r"\\[!-/:-@\[-`{-~]|\\\n")),
    ("superscript", re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+")),
    (
        "quantity",
        re.compile(
            r"(?<![\w.,])\d+(?:[.,]\d+)?(?:\s?[-–]\s?\d+(?:[.,]\d+)?)?"
            rf"(?:\s?(?:{alternatives(DEFAULT_UNITS)})(?![\w]))"
        ),
    ),
    ("emphasis", re.compile(r"(?<![\\*])\*{1,3}(?!\*)|(?<![\w\\_])_{1,3}(?=\S)|(?<=\S)_{1,3}(?!\w)")),
]


@dataclass(frozen=True)
class Slot:
    """One protected piece: what the source had, what goes back, and its spacing there."""

    kind: str
    original: str
    restore: str
    space_before: bool
    space_after: bool
    term: Term | None = None
    letter_after: bool = False


@dataclass(frozen=True)
class Masked:
    """A source text with placeholders, as sent to the engine."""

    text: str
    slots: tuple[Slot, ...]

    @property
    def needs_engine(self) -> bool:
        """False when nothing translatable is left (a fixed text, a lone link)."""
        return bool(re.search(r"[^\W\d_]", PLACEHOLDER_FOUND.sub("", self.text)))


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str
    term: Term | None = None


def protected_spans(text: str, glossary: Glossary | None = None) -> list[Span]:
    """Non-overlapping pieces to protect, markup first, then glossary terms."""
    spans: list[Span] = []
    taken = [False] * len(text)

    def add(start: int, end: int, kind: str, term: Term | None = None) -> None:
        if start < end and not any(taken[start:end]):
            spans.append(Span(start, end, kind, term))
            taken[start:end] = [True] * (end - start)

    for kind, pattern in _MARKUP[:6]:
        for match in pattern.finditer(text):
            add(match.start(), match.end(), kind)
    if glossary is not None:
        for found in glossary.find(text):
            add(found.start, found.end, "term", found.term)
    for kind, pattern in _MARKUP[6:]:
        for match in pattern.finditer(text):
            add(match.start(), match.end(), kind)
    return sorted(spans, key=lambda span: span.start)


def mask(source: str, glossary: Glossary, lang: str) -> Masked:
    """The source with each protected piece replaced by a numbered placeholder."""
    parts: list[str] = []
    slots: list[Slot] = []
    position = 0
    glued = {found.span: found.glued for found in glossary.find(source) if found.glued}
    for span in protected_spans(source, glossary):
        original = source[span.start : span.end]
        restore = original
        if span.term is not None:
            restore = glossary.expected(span.term, lang) or original
            restore = _carry_markup(original, _match_case(original, restore, span.term))
        parts.append(source[position : span.start])
        # A term glued to a neighbouring word is sent, and comes back, as a word of its own.
        seam = glued.get((span.start, span.end), "") if span.term is not None else ""
        if seam in ("before", "both") and not next(filter(None, reversed(parts)), " ").endswith(" "):
            parts.append(" ")
        parts.append(PLACEHOLDER.format(len(slots)))
        if seam in ("after", "both"):
            parts.append(" ")
        slots.append(
            Slot(
                span.kind,
                original,
                restore,
                space_before=span.start == 0 or source[span.start - 1].isspace() or seam in ("before", "both"),
                space_after=span.end == len(source) or source[span.end].isspace() or seam in ("after", "both"),
                term=span.term,
                letter_after=span.end < len(source) and source[span.end].isalnum(),
            )
        )
        position = span.end
    parts.append(source[position:])
    return Masked("".join(parts), tuple(slots))


def _carry_markup(original: str, rendering: str) -> str:
    """Emphasis inside a source term stays in the rendering: closing before a final ® or ™
    (``**Magtein**®``), otherwise opening before the rendering (``synaptische *plasticiteit*``)."""
    markers = re.findall(r"[*_]{1,3}", original)
    if not markers:
        return rendering
    before_mark = re.search(r"([*_]{1,3})\s?([®™])$", original)
    if before_mark and rendering.endswith(before_mark.group(2)):
        return rendering[:-1] + before_mark.group(1) + rendering[-1]
    return "".join(markers) + rendering


def _match_case(original: str, rendering: str, term: Term) -> str:
    """A case-insensitive term at the start of a sentence keeps its capital in the translation."""
    if term.case_sensitive or not original[:1].isupper() or not rendering[:1].islower():
        return rendering
    return rendering[0].upper() + rendering[1:]


@dataclass(frozen=True)
class Restored:
    text: str
    violations: list[Violation]


def restore(masked: Masked, translated: str) -> Restored:
    """Put every protected piece back and report the placeholders the engine dropped.

    A doubled placeholder keeps its first copy and an unknown one is removed; whatever that
    leaves wrong is found by `check` on the result.

    Spacing the engine added around markup is removed where the source had none, so
    ``[X0X] bold [X1X]`` becomes ``**bold**`` again, not ``** bold **`` (which is no emphasis).
    """
    violations: list[Violation] = []
    seen = Counter(int(match.group(1)) for match in PLACEHOLDER_FOUND.finditer(translated))
    for number, slot in enumerate(masked.slots):
        if not seen[number]:
            violations.append(Violation("placeholder", slot.term, f"placeholder for {slot.original!r} missing"))
    kept: set[int] = set()

    def put_back(match: re.Match[str]) -> str:
        """The first copy of a known placeholder; engines that double one mean it once."""
        number = int(match.group(1))
        if number >= len(masked.slots) or number in kept:
            return ""
        kept.add(number)
        return f"\0{number}\0"

    text = PLACEHOLDER_FOUND.sub(put_back, translated)
    for number, slot in enumerate(masked.slots):
        token = re.escape(f"\0{number}\0")
        if slot.kind != "term":
            if not slot.space_before:
                text = re.sub(rf"(?<=\S)[ \t]+(?={token})", "", text)
            if not slot.space_after:
                text = re.sub(rf"(?<={token})[ \t]+(?=\S)", "", text)
        # An engine that glues the next word to a placeholder: the source's space goes back;
        # letters glued where the source had none (`Magtein®s`) are reported.
        if slot.space_after:
            text = re.sub(rf"(?<={token})(?={_LATIN_LETTER})", " ", text)
        elif not slot.letter_after and (glued := re.search(rf"(?<={token}){_LATIN_LETTER}+", text)):
            violations.append(
                Violation("placeholder", slot.term, f"{glued.group()!r} glued to {slot.original!r} in the translation")
            )
        if slot.space_before:
            text = re.sub(rf"(?<={_LATIN_LETTER})(?={token})", " ", text)
        text = text.replace(f"\0{number}\0", slot.restore)
    if "  " not in masked.text:
        text = re.sub(r"(?<=\S) {2,}(?=\S)", " ", text)
    if masked.text == masked.text.strip():
        text = text.strip()
    return Restored(text, violations)


def repair(source: str, translation: str, glossary: Glossary, lang: str) -> str:
    """Fix an unmasked machine translation: markup the engine changed is put back as it was;
    source forms, variants and forbidden renderings of each term become its required rendering,
    and so do near spellings of them (an engine's half-translated term: `synaptishe
    plasticiteit`, `Magtijn`)."""
    translation = _repair_markup(source, translation)
    for term in {found.term for found in glossary.find(source)}:
        expected = glossary.expected(term, lang)
        if not expected or _enough(term, lang, source, translation, glossary):
            continue
        forms = sorted({term.source, *term.variants, *term.forbidden.get(lang, ())}, key=len, reverse=True)
        for form in forms:
            for match in reversed(occurrences(form, translation, False, term.compound)):
                if translation[match.start() :].startswith(expected):
                    continue
                rendering = _match_case(match.group(), expected, term)
                translation = translation[: match.start()] + rendering + translation[match.end() :]
        while not _enough(term, lang, source, translation, glossary):
            near = _nearest(translation, forms, expected)
            if near is None:
                break
            start, end = near
            rendering = _match_case(translation[start:end], expected, term)
            translation = translation[:start] + rendering + translation[end:]
    return translation


_WORD = re.compile(r"[^\W_]+(?:[-'’®][^\W_]*)*®?")
NEAR_TERM_SCORE = 85.0


def _nearest(text: str, forms: list[str], expected: str) -> tuple[int, int] | None:
    """The run of words most like one of `forms` (rapidfuzz ratio >= 85), not already right."""
    words = list(_WORD.finditer(text))
    best: tuple[float, int, int] | None = None
    for form in forms:
        size = len(form.split())
        for first in range(len(words) - size + 1):
            start, end = words[first].start(), words[first + size - 1].end()
            found = text[start:end]
            if found.lower() == expected.lower():
                continue
            score = fuzz.ratio(found.lower(), form.lower())
            if score >= NEAR_TERM_SCORE and (best is None or score > best[0]):
                best = (score, start, end)
    return None if best is None else (best[1], best[2])


def _repair_markup(source: str, translation: str) -> str:
    """Undo what engines do to markup they see: spaces inside emphasis or between `]` and `(`,
    and translated link destinations, URLs and code (put back in order when the counts agree)."""
    if not re.search(r"\]\s+\(", source):
        translation = re.sub(r"\]\s+\(", "](", translation)
    if _inline_shape(source) != _inline_shape(translation):
        translation = _tighten_emphasis(translation)
    for kind in ("link-end", "url", "code", "html"):
        wanted = [span for span in protected_spans(source) if span.kind == kind]
        found = [span for span in protected_spans(translation) if span.kind == kind]
        if len(wanted) == len(found):
            for want, have in reversed(list(zip(wanted, found, strict=True))):
                translation = translation[: have.start] + source[want.start : want.end] + translation[have.end :]
    return translation


def _tighten_emphasis(text: str) -> str:
    """``** bold **`` -> ``**bold**``: markers alternate open/close; spaces inside go."""
    pieces = re.split(r"((?<!\\)\*{1,3}|(?<!\w)_{1,3}|_{1,3}(?!\w))", text)
    opened: set[str] = set()
    for index in range(1, len(pieces), 2):
        marker = pieces[index]
        if marker in opened:
            opened.discard(marker)
            pieces[index - 1] = pieces[index - 1].rstrip(" ")
        else:
            opened.add(marker)
            pieces[index + 1] = pieces[index + 1].lstrip(" ")
    return "".join(pieces)


def _enough(term: Term, lang: str, source: str, translation: str, glossary: Glossary) -> bool:
    needed = sum(1 for found in glossary.find(source) if found.term is term)
    return len(glossary.renderings(term, lang, translation)) >= needed


def preferable(current: list[Violation], fallback: list[Violation]) -> bool:
    """Whether the unmasked fallback should replace the masked result: it has fewer violations,
    and it never trades intact markup for broken markup."""
    if _breaks_markup(fallback) and not _breaks_markup(current):
        return False
    return len(fallback) < len(current)


def _breaks_markup(violations: list[Violation]) -> bool:
    return any(violation.kind == "placeholder" for violation in violations)


def check(source: str, translation: str, glossary: Glossary, lang: str) -> list[Violation]:
    """Every protected piece of markup present as often as in the source, every term right, and
    every verbatim token outside the terms kept (`Glossary.verify`, as `check` uses it)."""
    violations = []
    wanted = _markup_counts(source)
    found = _markup_counts(translation)
    for original, count in wanted.items():
        if found[original] != count:
            state = "missing" if not found[original] else f"present {found[original]} time(s), expected {count}"
            violations.append(Violation("placeholder", None, f"protected text {original!r} {state}"))
    for original in found.keys() - wanted.keys():
        violations.append(Violation("placeholder", None, f"unexpected markup {original!r}"))
    if not violations and _inline_shape(source) != _inline_shape(translation):
        violations.append(
            Violation("placeholder", None, "inline Markdown no longer pairs up (emphasis or link markers moved)")
        )
    return violations + glossary.verify(source, translation, lang)


def _inline_shape(text: str) -> list[str]:
    """The inline elements a Markdown renderer sees (emphasis, links, code), in order."""
    tokens = _inline_parser().parseInline(text)[0].children or []
    return [token.type for token in tokens if token.type not in ("text", "softbreak")]


@lru_cache(maxsize=1)
def _inline_parser() -> MarkdownIt:
    return MarkdownIt("commonmark")


def _markup_counts(text: str) -> Counter[str]:
    """Markup counted on its own: emphasis inside a source term (synaptische *plasticiteit*)
    counts as much as around its rendering."""
    return Counter(text[span.start : span.end] for span in protected_spans(text))
