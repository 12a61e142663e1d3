"""Language codes we accept, their English names and their gettext Plural-Forms."""

from __future__ import annotations

import re
from dataclasses import dataclass

from transflow.errors import TransflowError

_ONE = "nplurals=2; plural=(n != 1);"
_FRENCH = "nplurals=2; plural=(n > 1);"
_NONE = "nplurals=1; plural=0;"
_SLAVIC = "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"

# Plural-Forms as GNU gettext's documentation and the Unicode CLDR give them.
LANGUAGES: dict[str, tuple[str, str]] = {
    "ar": (
        "Arabic",
        "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);",
    ),
    "bg": ("Bulgarian", _ONE),
    "ca": ("Catalan", _ONE),
    "cs": ("Czech", "nplurals=3; plural=(n==1) ? 0 : (n>=2 && n<=4) ? 1 : 2;"),
    "da": ("Danish", _ONE),
    "de": ("German", _ONE),
    "el": ("Greek", _ONE),
    "en": ("English", _ONE),
    "es": ("Spanish", _ONE),
    "et": ("Estonian", _ONE),
    "fi": ("Finnish", _ONE),
    "fr": ("French", _FRENCH),
    "he": ("Hebrew", _ONE),
    "hr": ("Croatian", _SLAVIC),
    "hu": ("Hungarian", _ONE),
    "id": ("Indonesian", _NONE),
    "it": ("Italian", _ONE),
    "ja": ("Japanese", _NONE),
    "ko": ("Korean", _NONE),
    "lt": ("Lithuanian", "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && (n%100<10 || n%100>=20) ? 1 : 2);"),
    "lv": ("Latvian", "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n != 0 ? 1 : 2);"),
    "nb": ("Norwegian Bokmål", _ONE),
    "nl": ("Dutch", _ONE),
    "pl": ("Polish", "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"),
    "pt": ("Portuguese", _ONE),
    "pt_BR": ("Portuguese (Brazil)", _FRENCH),
    "ro": ("Romanian", "nplurals=3; plural=(n==1 ? 0 : (n==0 || (n%100 > 0 && n%100 < 20)) ? 1 : 2);"),
    "ru": ("Russian", _SLAVIC),
    "sk": ("Slovak", "nplurals=3; plural=(n==1) ? 0 : (n>=2 && n<=4) ? 1 : 2;"),
    "sl": ("Slovenian", "nplurals=4; plural=(n%100==1 ? 0 : n%100==2 ? 1 : n%100==3 || n%100==4 ? 2 : 3);"),
    "sr": ("Serbian", _SLAVIC),
    "sv": ("Swedish", _ONE),
    "tr": ("Turkish", _ONE),
    "uk": ("Ukrainian", _SLAVIC),
    "vi": ("Vietnamese", _NONE),
    "zh_CN": ("Chinese (Simplified)", _NONE),
    "zh_TW": ("Chinese (Traditional)", _NONE),
}

_CODE = re.compile(r"^([a-z]{2,3})(?:[-_]([A-Za-z]{2}))?$")


def normalise(code: str) -> str:
    """Accept `pt-BR`, `pt_br` and `pt_BR` alike; gettext spells it `pt_BR`."""
    match = _CODE.match(code.strip())
    if not match:
        return code
    base, region = match.groups()
    return f"{base}_{region.upper()}" if region else base


def check(code: object, where: str, line: int | None = None) -> str:
    """Return the normalised code, or raise naming where the unknown code was found."""
    if not isinstance(code, str):
        raise TransflowError(f"language code must be a string, not {code!r}", where, line)
    normal = normalise(code)
    if normal in LANGUAGES or (normal.split("_")[0] in LANGUAGES and "_" in normal):
        return normal
    known = ", ".join(sorted(LANGUAGES))
    raise TransflowError(f"unknown language code {code!r} (known: {known})", where, line)


def name(code: str) -> str:
    entry = LANGUAGES.get(code) or LANGUAGES[code.split("_")[0]]
    return entry[0]


def plural_forms(code: str) -> str:
    entry = LANGUAGES.get(code) or LANGUAGES[code.split("_")[0]]
    return entry[1]


@dataclass(frozen=True)
class Typography:
    """How a language writes, as far as the checks need it: punctuation no space may precede, and
    words that are doubled by its grammar ("vous vous", "die die", "had had") rather than by mistake."""

    no_space_before: str = ",.;:!?)"
    grammatical_doubles: frozenset[str] = frozenset()


_TYPOGRAPHY = {
    "de": Typography(grammatical_doubles=frozenset({"die", "der", "das"})),
    "en": Typography(grammatical_doubles=frozenset({"had", "that"})),
    "fr": Typography(no_space_before=",.)", grammatical_doubles=frozenset({"vous", "nous"})),  # a space before ;:!?
    "nl": Typography(grammatical_doubles=frozenset({"dat", "die"})),
}
_PLAIN = Typography()


def typography(code: str) -> Typography:
    """The rules of a language code or its base language (`pt_BR` -> `pt`); plain ones otherwise."""
    return _TYPOGRAPHY.get(code) or _TYPOGRAPHY.get(code.split("_")[0], _PLAIN)


# How a source-language noun or adjective inflects, for finding glossary terms in their inflected
# forms without listing every form: suffixes added to the term's last word, per part of speech.
# Only words written in lower case inflect by default (names, brands and acronyms do not); a term
# declares its own `inflections:` to override this. Dutch drops one vowel of a long vowel in a
# closed last syllable before a suffix that starts with a vowel (threonaat -> threonaten,
# biobeschikbaar -> biobeschikbare); the other languages add the suffix as it is.
SUFFIXES: dict[str, dict[str, tuple[str, ...]]] = {
    "nl": {"noun": ("en", "s", "'s", "n"), "adjective": ("e",)},
    "en": {"noun": ("s", "es"), "adjective": ()},
    "de": {"noun": ("e", "en", "n", "s", "es", "er", "ern"), "adjective": ("e", "en", "em", "er", "es")},
    "fr": {"noun": ("s", "x"), "adjective": ("e", "s", "es")},
}
_SHORTENED_VOWEL = {"nl": re.compile(r"(aa|ee|oo|uu)([^aeiouy])$")}


def default_suffixes(word: str, lang: str, part_of_speech: str = "noun") -> tuple[str, ...]:
    """The suffixes `word` takes by default in `lang`: none unless written in lower case."""
    if not word.islower() or not word.isalpha():
        return ()
    return SUFFIXES.get(lang.split("_")[0], {}).get(part_of_speech or "noun", ())


def inflected(word: str, lang: str, part_of_speech: str = "noun", suffixes: tuple[str, ...] | None = None) -> list[str]:
    """Inflected forms of `word` in `lang`: the declared suffixes or the language's default ones."""
    if suffixes is None:
        suffixes = default_suffixes(word, lang, part_of_speech)
    forms = []
    shortening = _SHORTENED_VOWEL.get(lang.split("_")[0])
    for suffix in suffixes:
        stem = word
        if shortening and suffix[:1] in "aeiou" and suffix:
            stem = shortening.sub(lambda found: found.group(1)[0] + found.group(2), word)
        forms.append(stem + suffix)
    return forms
