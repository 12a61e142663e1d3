"""glossary.yml -> Glossary: the terms machine translation and translators must respect.

The same object finds terms in a source text, says how each must be rendered in a language,
writes the `#.` note translators see, and checks a translation against all of it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from transflow.domain import languages, verbatim
from transflow.domain.verbatim import WORD_CHAR
from transflow.formats import glossary_file
from transflow.formats.fileio import read_text
from transflow.formats.glossary_file import Term

# Inside a term, a space or a hyphen matches either (magnesium L-threonaat, magnesium-L-threonaat),
# and emphasis may open or close there (synaptische *plasticiteit*).
_JOINER = r"[*_]{0,3}[\s\u00a0\u2010\u2011-]+[*_]{0,3}"
_LOWER, _UPPER = "a-zß-öø-ÿ", "A-ZÀ-ÖØ-Þ"
_BEFORE = f"(?<!{WORD_CHAR})"
_WORD = re.compile(WORD_CHAR)
# Verbatim tokens the verifier checks outside glossary terms (URLs, code and quantities are
# protected markup, counted by `protect.check` and the content checks).
VERBATIM_KINDS = ("mark", "acronym", "email")
# After a term's first character: no letter or digit before it; for a capital, a lower-case
# letter before it is two words glued together (L-threonaatMagtein).
_BEFORE_FIRST = f"(?<!{WORD_CHAR}.)"
_GLUED_BEFORE = f"(?:{_BEFORE_FIRST}|(?<=[{_LOWER}®™].))"


@dataclass(frozen=True)
class TermMatch:
    term: Term
    start: int
    end: int
    text: str
    glued: str = ""  # "before", "after" or "both" when a neighbouring word touches the term

    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end


@dataclass(frozen=True)
class Violation:
    kind: str
    term: Term | None
    message: str


@dataclass
class Glossary:
    terms: list[Term]
    path: Path | None = None
    fingerprint: str = ""  # of the file and languages it was read for; empty for no glossary
    source_language: str = ""  # its default inflections apply; none when unknown
    _pattern: re.Pattern[str] | None = field(default=None, repr=False, compare=False)
    _found: dict[str, list[TermMatch]] = field(default_factory=dict, repr=False, compare=False)
    _rendering_patterns: dict[tuple[Term, str], re.Pattern[str] | None] = field(
        default_factory=dict, repr=False, compare=False
    )

    @classmethod
    def load(cls, path: Path, languages_: tuple[str, ...] = ()) -> Glossary:
        """Read and validate glossary.yml; with `languages_`, translated terms need them all."""
        text = read_text(path)
        parsed = glossary_file.parse(text, path, languages_, languages.check)
        return cls(parsed.terms, path, text_fingerprint(text, languages_), parsed.source_language)

    def without_caches(self) -> Glossary:
        """The glossary as read, without what finding and verifying terms remembered (to store it)."""
        return Glossary(self.terms, self.path, self.fingerprint, self.source_language)

    @classmethod
    def empty(cls) -> Glossary:
        return cls([])

    def find(self, source_text: str) -> list[TermMatch]:
        """Non-overlapping occurrences in the prose of `source_text`, longest term first.

        A term ends where a letter or digit does not follow: superscripts (NMDA¹²), footnote
        marks, ® ™ and punctuation end it. A term glued to a neighbouring word is found when the
        seam shows (a capital after a lower-case letter: L-threonaatMagtein) and marked `glued`.
        Code, link destinations, tags, URLs and e-mail addresses are markup and never searched.
        """
        if not self.terms:
            return []
        known = self._found.get(source_text)
        if known is None:
            prose = verbatim.prose_only(source_text)
            known = [self._match(match, source_text) for match in self._compiled().finditer(prose)]
            if len(self._found) > 10_000:
                self._found.clear()
            self._found[source_text] = known
        return list(known)

    def _match(self, match: re.Match[str], text: str) -> TermMatch:
        start, end = match.span()
        before = start > 0 and bool(_WORD.match(text[start - 1]))
        after = end < len(text) and bool(_WORD.match(text[end]))
        glued = "both" if before and after else "before" if before else "after" if after else ""
        return TermMatch(self.terms[_term_index(match)], start, end, match.group(), glued)

    def expected(self, term: Term, lang: str) -> str:
        """The required rendering in `lang`; empty when the glossary sets none for that language."""
        if not term.translate:
            return term.source
        return term.targets.get(lang) or term.targets.get(lang.split("_")[0], "")

    def accepted(self, term: Term, lang: str) -> tuple[str, ...]:
        """The required rendering and the variants (inflected forms) accepted for it in `lang`."""
        expected = self.expected(term, lang)
        if not expected:
            return ()
        variants = term.target_variants.get(lang) or term.target_variants.get(lang.split("_")[0], ())
        return (expected, *variants)

    def renderings(self, term: Term, lang: str, text: str) -> list[re.Match[str]]:
        """Where an accepted rendering of `term` in `lang` occurs in the prose of `text`."""
        return self._renderings(term, lang, verbatim.prose_only(text))

    def _renderings(self, term: Term, lang: str, prose: str) -> list[re.Match[str]]:
        key = (term, lang)
        if key not in self._rendering_patterns:
            accepted = self.accepted(term, lang)
            pattern = term.target_patterns.get(lang) or term.target_patterns.get(lang.split("_")[0], "")
            self._rendering_patterns[key] = _rendering_pattern(accepted, pattern, term.case) if accepted else None
        compiled = self._rendering_patterns[key]
        return list(compiled.finditer(prose)) if compiled else []

    def verify(self, source_text: str, translation: str, lang: str) -> list[Violation]:
        """Every term of the source rendered as required, none in a forbidden form.

        Renderings are counted as a multiset: each occurrence in the translation stands for one
        source occurrence only, the longest renderings claim theirs first, so `L-Threonat` inside
        `Magnesium-L-Threonat` does not count for a second, dropped term.
        """
        matches = self.find(source_text)
        violations = self._rendered(matches, translation, lang) if matches else []
        excused = tuple(match.span for match in matches)
        for token in verbatim.missing(source_text, translation, excused, kinds=VERBATIM_KINDS):
            violations.append(
                Violation("altered-term", None, f"verbatim token {token!r} missing or changed (no glossary term)")
            )
        return violations

    def _rendered(self, matches: list[TermMatch], translation: str, lang: str) -> list[Violation]:
        """Violations of the terms `matches` found: renderings short, doubled marks, forbidden forms."""
        needed: dict[Term, int] = {}
        for match in matches:
            needed[match.term] = needed.get(match.term, 0) + 1
        prose = verbatim.prose_only(translation)
        candidates = {term: [found.span() for found in self._renderings(term, lang, prose)] for term in needed}
        claimed: list[tuple[int, int]] = []
        short: list[tuple[Term, int]] = []
        for term in sorted(needed, key=lambda term: -len(self.expected(term, lang))):
            if not self.expected(term, lang):
                continue
            others = [span for other, spans in candidates.items() if other is not term for span in spans]
            free = [span for span in candidates[term] if not _overlaps(span, claimed)]
            if others:  # of more occurrences than needed, those no other term could use go first
                free.sort(key=lambda span: sum(_overlaps(other, [span]) for other in others))
            claimed.extend(free[: needed[term]])
            if len(free) < needed[term]:
                short.append((term, len(free)))
        rest = _blank(prose, claimed)
        violations = [self._absent(term, self.expected(term, lang), rest, found, needed[term]) for term, found in short]
        violations.extend(self._doubled_marks(candidates, claimed, translation, lang))
        for term in needed:
            expected = self.expected(term, lang)
            for bad in term.forbidden.get(lang, ()):
                if expected and occurrences(bad, rest, False):
                    violations.append(
                        Violation(
                            "forbidden-term",
                            term,
                            f"forbidden rendering {bad!r} used for {term.source!r} (required: {expected!r})",
                        )
                    )
        return violations

    def note(self, source_text: str, lang: str | None = None) -> str:
        """The `#.` note: one line per term found, with its required rendering(s)."""
        lines = []
        seen: set[Term] = set()
        for match in self.find(source_text):
            term = match.term
            if term in seen:
                continue
            seen.add(term)
            lines.append(self.describe(term, lang))
        return "\n".join(lines)

    def describe(self, term: Term, lang: str | None = None) -> str:
        if not term.translate:
            rendering = "keep as is"
        else:
            chosen = {lang: term.targets.get(lang, "")} if lang else term.targets
            rendering = "; ".join(f"{code}: {text}" for code, text in chosen.items() if text)
            rendering = rendering or "no required rendering"
        note = f" ({term.note})" if term.note else ""
        return f"glossary: {term.source} -> {rendering}{note}"

    def _absent(self, term: Term, expected: str, prose: str, found: int, count: int) -> Violation:
        """What became of a term the translation lacks; `prose` has the renderings found blanked."""
        source_forms = (term.source, *term.variants)
        altered = [form for form in source_forms if occurrences(form, prose, False)]
        if not altered and occurrences(expected, prose, False):
            altered = [expected]
        what = "kept-as-is term" if not term.translate else "required term"
        label = f"{what} {expected!r}" + ("" if expected == term.source else f" (for {term.source!r})")
        if found:
            return Violation("missing-term", term, f"{label} present {found} time(s), expected {count}")
        if altered:
            return Violation("altered-term", term, f"{label} altered: found {altered[0]!r}")
        return Violation("missing-term", term, f"{label} missing")

    def _doubled_marks(
        self, candidates: dict[Term, list[tuple[int, int]]], claimed: list[tuple[int, int]], translation: str, lang: str
    ) -> list[Violation]:
        """A rendering ending in ® or ™ followed by that mark again (``**Magtein®**®``)."""
        violations = []
        for term, spans in candidates.items():
            expected = self.expected(term, lang)
            if expected[-1:] not in ("®", "™"):
                continue
            for start, end in spans:
                again = re.match(r"[*_]{0,3}\s?[®™]", translation[end:])
                if (start, end) in claimed and again and expected.endswith(again.group()[-1]):
                    found = translation[start : end + again.end()]
                    what = "kept-as-is term" if not term.translate else "required term"
                    violations.append(Violation("altered-term", term, f"{what} {expected!r} altered: found {found!r}"))
        return violations

    def _compiled(self) -> re.Pattern[str]:
        """All terms in one pattern, also finding terms glued to a neighbouring word.

        Each branch starts with the literal first character of its forms, so the regex engine
        skips every position holding no term's first character without trying a match there
        (most of a text); the left boundary is tested after it, on the character before.
        """
        if self._pattern is None:
            by_first: dict[str, list[tuple[int, int, int, str]]] = {}
            for index, term in enumerate(self.terms):
                for number, form in enumerate((term.source, *term.variants)):
                    suffixes = term.inflections
                    if suffixes is None:  # decided on the whole last word, not the rest after its first letter
                        last = re.split(r"[\s-]+", form)[-1]
                        suffixes = languages.default_suffixes(last, self.source_language, term.part_of_speech)
                    case = "exact" if term.case == "first-letter" else term.case
                    rest = _form_body(form[1:], case, self.source_language, term.part_of_speech, suffixes)
                    rest += _after(term.compound, glued=True)
                    firsts = {form[0]}
                    if term.case != "exact" and form[0].isalpha():
                        firsts = {form[0].lower(), form[0].upper()}
                    for first in firsts:
                        by_first.setdefault(first, []).append((len(form), index, number, rest))
            branches = []
            for branch, (first, forms) in enumerate(by_first.items()):
                forms.sort(key=lambda item: (-item[0], item[1], item[2]))
                left = _GLUED_BEFORE if first.isupper() else _BEFORE_FIRST
                alternatives = "|".join(f"(?P<t{index}_{number}_{branch}>{rest})" for _, index, number, rest in forms)
                branches.append(f"{re.escape(first)}{left}(?:{alternatives})")
            self._pattern = re.compile("|".join(branches) or "(?!)")
        return self._pattern


def _after(compound: bool, glued: bool = False) -> str:
    """The right boundary: no letter or digit follows (a closed compound may go on; a glued word
    may follow with a capital)."""
    if compound:
        return ""
    if glued:
        return f"(?:(?!{WORD_CHAR})|(?<=[{_LOWER}®™])(?=[{_UPPER}]))"
    return f"(?!{WORD_CHAR})"


def _form_body(
    form: str, case: str, lang: str = "", part_of_speech: str = "", suffixes: tuple[str, ...] | None = ()
) -> str:
    """Spaces and hyphens interchangeable, emphasis allowed between words and before a final ® or
    ™, the last word in its inflected forms (`suffixes`, or the language's default when None)."""
    if case == "first-letter" and form[:1].isalpha() and len(form) > 1:
        first = f"[{re.escape(form[0].upper())}{re.escape(form[0].lower())}]"
        return first + _form_body(form[1:], "exact", lang, part_of_speech, suffixes)
    pieces = re.split(r"[\s-]+", form)
    last = re.match(r"(.*?)(\s*[®™]*)$", pieces[-1], re.DOTALL)
    assert last is not None
    word, mark = last.groups()
    words = [word, *languages.inflected(word, lang, part_of_speech or "noun", suffixes)] if lang or suffixes else [word]
    ending = "|".join(re.escape(text) for text in sorted(set(words), key=len, reverse=True))
    if mark.strip():
        ending = f"(?:{ending})(?:[*_]{{1,3}})?\\s?{re.escape(mark.strip())}"
    elif len(words) > 1:
        ending = f"(?:{ending})"
    body = _JOINER.join([*(re.escape(piece) for piece in pieces[:-1]), ending])
    if case == "any":
        return f"(?i:{body})"
    return body


def _form_regex(form: str, case_sensitive: bool, compound: bool) -> str:
    return _form_body(form, "exact" if case_sensitive else "any") + _after(compound)


def occurrences(form: str, text: str, case_sensitive: bool, compound: bool = False) -> list[re.Match[str]]:
    """Where `form` occurs in `text` as a whole word or as part of a hyphenated compound
    (with `compound`, also at the start of a closed compound)."""
    return list(_form_pattern(form, case_sensitive, compound).finditer(text))


@lru_cache(maxsize=4096)
def _form_pattern(form: str, case_sensitive: bool, compound: bool) -> re.Pattern[str]:
    return re.compile(f"{_BEFORE}{_form_regex(form, case_sensitive, compound)}")


@lru_cache(maxsize=4096)
def _rendering_pattern(accepted: tuple[str, ...], pattern: str, case: str) -> re.Pattern[str]:
    """Any accepted rendering, or `pattern`, on word boundaries, longest first: a translation
    writes a term as a word of its own (`Magtein®s` is not `Magtein®`), whatever the source did."""
    forms = [_form_body(form, case) for form in sorted(accepted, key=len, reverse=True)]
    if pattern:
        forms.append(f"(?:{pattern})")
    return re.compile(_first_letter_first(accepted, forms, case) or f"{_BEFORE}(?:{'|'.join(forms)}){_after(False)}")


def _first_letter_first(accepted: tuple[str, ...], forms: list[str], case: str) -> str | None:
    """The same pattern led by the letter all renderings start with, None when they do not share
    one: the regex engine then skips every position without that letter instead of testing the
    left boundary there (what most of a translation's verification costs)."""
    first = accepted[0][:1]
    if not first.isalpha() or any(not form.startswith(first) for form in accepted) or len(forms) != len(accepted):
        return None
    lead = {"any": f"(?i:{re.escape(first)})", "first-letter": f"[{first.upper()}{first.lower()}]"}.get(
        case, re.escape(first)
    )
    opening = {"any": f"(?i:{re.escape(first)}", "first-letter": lead}.get(case, re.escape(first))
    rests = []
    for body in forms:
        if not body.startswith(opening):
            return None
        rest = body[len(opening) :]
        rests.append(f"(?i:{rest}" if case == "any" else rest)
    return f"{lead}(?<!{WORD_CHAR}.)(?:{'|'.join(rests)}){_after(False)}"


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with `spans` blanked, so forbidden forms inside a required rendering don't count."""
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + "\0" * (end - start) + text[end:]
    return text


def _term_index(match: re.Match[str]) -> int:
    """The term whose group matched: groups are named ``t<index>_<form>``."""
    assert match.lastgroup is not None
    return int(match.lastgroup[1:].split("_")[0])


def text_fingerprint(text: str, languages_: tuple[str, ...]) -> str:
    """What a glossary read from `text` for `languages_` is known by, without reading it."""
    return hashlib.blake2b("\0".join([*languages_, text]).encode(), digest_size=16).hexdigest()


_loaded: dict[tuple[object, ...], Glossary] = {}


def for_project(path: Path, languages_: tuple[str, ...]) -> Glossary:
    """The project's glossary, read once per version of the file (stages ask for it per article)."""
    try:
        status = path.stat()
    except FileNotFoundError:
        return Glossary.empty()
    key = (str(path), status.st_mtime_ns, status.st_size, languages_)
    if key not in _loaded:
        _loaded.clear()
        _loaded[key] = Glossary.load(path, languages_)
    return _loaded[key]
