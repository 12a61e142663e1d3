"""Terminology as a gate (issue 10): the matcher, the verifier, verbatim tokens, masking, the
glossary schema, TBX, and a corpus of every case through `translate` and `check`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from helpers import transflow
from mtserver import MTServer
from transflow.domain import languages
from transflow.domain.glossary import Glossary, Violation
from transflow.domain.languages import inflected
from transflow.domain.protect import check, mask, preferable, restore
from transflow.domain.verbatim import prose_only, tokens
from transflow.errors import TransflowError
from transflow.formats import glossary_file, tbx
from transflow.formats.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests/fixtures/terminology"
LANGS = ("de", "fr")


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return Glossary.load(CORPUS / "project/glossary.yml", LANGS)


def found(glossary: Glossary, text: str) -> list[tuple[str, str, str]]:
    return [(match.text, match.term.source, match.glued) for match in glossary.find(text)]


# --- The matcher -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 1. superscripts, footnote marks, ® ™ and punctuation end a term
        (
            "NMDA¹² en L-threonaat⁹ met magnesiumcitraat¹.",
            [("NMDA", "NMDA", ""), ("L-threonaat", "L-threonaat", ""), ("magnesiumcitraat", "magnesiumcitraat", "")],
        ),
        ("L-threonaat\\* en NMDA™", [("L-threonaat", "L-threonaat", ""), ("NMDA", "NMDA", "")]),
        # 2. URLs, code, link destinations, image paths and HTML attributes are not prose
        ("[Magtein®](https://example.com/magtein)", [("Magtein®", "Magtein®", "")]),
        ("`Magtein` ![x](img/l-threonaat.png) https://x.org/nmda <a href='magtein'>", []),
        ("mail nmda@example.com", []),
        # 4. glued terms, found and marked
        (
            "L-threonaatMagteinMagtein®)",
            [
                ("L-threonaat", "L-threonaat", "after"),
                ("Magtein", "Magtein®", "both"),
                ("Magtein®", "Magtein®", "before"),
            ],
        ),
        ("Het Magteinervoor", [("Magtein", "Magtein®", "after")]),
        # 5. emphasis between a brand and its mark
        ("**Magtein**®", [("Magtein**®", "Magtein®", "")]),
        # 6. across emphasis, inflected (source language default), lower-case acronym allowed by `case: any`
        ("synaptische *plasticiteit*", [("synaptische *plasticiteit", "synaptische plasticiteit", "")]),
        (
            "L-threonaten en NMDA-receptoren, biobeschikbare",
            [("L-threonaten", "L-threonaat", ""), ("NMDA", "NMDA", ""), ("biobeschikbare", "biobeschikbaar", "")],
        ),
        ("ook nmda", [("nmda", "NMDA", "")]),
    ],
)
def test_the_matcher(glossary, text, expected):
    assert found(glossary, text) == expected


def test_default_inflections_come_from_the_source_language():
    assert inflected("threonaat", "nl") == ["threonaten", "threonaats", "threonaat's", "threonaatn"]
    assert inflected("biobeschikbaar", "nl", "adjective") == ["biobeschikbare"]
    assert inflected("NMDA", "nl") == []  # names, brands and acronyms do not inflect by default
    assert inflected("tekort", "nl", suffixes=("en",)) == ["tekorten"]


def test_without_a_source_language_only_declared_inflections_apply(tmp_path):
    path = tmp_path / "glossary.yml"
    path.write_text(
        "terms:\n  - term: tekort\n    translations: {de: Mangel}\n"
        "  - term: slaap\n    inflections: [en]\n    translations: {de: Schlaf}\n",
        encoding="utf-8",
    )
    glossary = Glossary.load(path, ("de",))
    assert [match.text for match in glossary.find("tekorten tekort slapen slaapen")] == ["tekort", "slaapen"]


# --- The verifier ------------------------------------------------------------------------------


def test_renderings_are_counted_as_a_multiset_longest_first(glossary):
    source = "magnesium L-threonaat bevat L-threonaat"
    assert [v.message for v in glossary.verify(source, "Magnesium-L-Threonat enthält es.", "de")] == [
        "required term 'L-Threonat' (for 'L-threonaat') missing"
    ]
    assert glossary.verify(source, "Magnesium-L-Threonat enthält L-Threonat.", "de") == []


@pytest.mark.parametrize("case", ["exact", "any", "first-letter"])
def test_a_rendering_is_found_only_as_a_word_of_its_own(tmp_path, case):
    """Renderings patterns are led by their first letter (a faster regex): the left boundary holds."""
    path = tmp_path / "glossary.yml"
    path.write_text(
        f"terms:\n  - term: slaap\n    case: {case}\n    translations:\n      de:\n        term: Schlaf\n"
        "        variants: [Schlafes]\n",
        encoding="utf-8",
    )
    glossary = Glossary.load(path, ("de",))
    term = glossary.terms[0]
    text = "Schlaf, guter Schlafes; Winterschlaf xSchlaf 2Schlaf ²Schlaf *Schlaf* Schlafen\nSchlaf"
    spans = [match.span() for match in glossary.renderings(term, "de", text)]
    assert [text[start:end] for start, end in spans] == ["Schlaf", "Schlafes", "Schlaf", "Schlaf", "Schlaf"]
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    lower = [match.group() for match in glossary.renderings(term, "de", "schlaf und SCHLAF")]
    assert lower == {"exact": [], "any": ["schlaf", "SCHLAF"], "first-letter": ["schlaf"]}[case]


def test_correct_german_with_inflected_terms_passes(glossary):
    source = "De synaptische plasticiteit en L-threonaten zijn biobeschikbaar en de HPA-as."
    german = "Wegen der synaptischen Plastizität sind L-Threonate bioverfügbarem Zustand und die HPA-Achse."
    assert glossary.verify(source, german, "de") == []


def test_forbidden_forms_are_flagged(glossary):
    violations = glossary.verify("De HPA-as.", "Die HPA-Axe.", "de")
    assert (
        "forbidden-term",
        "forbidden rendering 'HPA-Axe' used for 'HPA-as' (required: 'Hypothalamus-Hypophysen-Nebennierenrinden-Achse')",
    ) in [(v.kind, v.message) for v in violations]


def test_verbatim_tokens_need_no_glossary():
    assert [(kind, token) for kind, token, _, _ in tokens("**Calmax**® en MMFS, 1,5 mg, `x`, a@b.nl, VS")] == [
        ("mark", "Calmax®"),
        ("acronym", "MMFS"),
        ("quantity", "1.5mg"),
        ("code", "`x`"),
        ("email", "a@b.nl"),
    ]
    empty = Glossary.empty()
    assert [v.message for v in empty.verify("Het MMFS-protocol", "Das MFMS-Protokoll", "de")] == [
        "verbatim token 'MMFS' missing or changed (no glossary term)"
    ]
    # a term the glossary renders differently is not a verbatim token (DNA -> ADN)
    shipped = Glossary.load(ROOT / "glossary.yml", ("en", "de", "fr"))
    assert shipped.verify("Het DNA.", "L'ADN.", "fr") == []


def test_prose_only_keeps_positions():
    text = "zie [a](https://x.org/b) en `c`"
    assert len(prose_only(text)) == len(text) and "x.org" not in prose_only(text)


@pytest.mark.parametrize(
    "case", yaml.safe_load((CORPUS / "cases.yml").read_text(encoding="utf-8")), ids=lambda case: case["source"][:40]
)
def test_check_corpus_flags_every_wrong_entry_exactly_and_no_right_one(glossary, case):
    assert [v.message for v in check(case["source"], case["ok"], glossary, "de")] == []
    for wrong in case.get("wrong", []):
        assert [v.message for v in check(case["source"], wrong["translation"], glossary, "de")] == wrong["violations"]


# --- Masking for machine translation -----------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "sent", "restored"),
    [
        ("Neem **Magtein**® elke dag.", "Neem [X0X][X1X] elke dag.", "Neem **Magtein**® elke dag."),
        ("Het Magteinervoor werkt.", "Het [X0X] ervoor werkt.", "Het Magtein® ervoor werkt."),
        ("de L-threonaatMagtein) vorm", "de [X0X] [X1X]) vorm", "de L-Threonat Magtein®) vorm"),
        ("De synaptische *plasticiteit* groeit.", "De [X0X][X1X] groeit.", "De *synaptische Plastizität* groeit."),
        ("Het NMDA¹² systeem", "Het [X0X][X1X] systeem", "Het NMDA¹² systeem"),
    ],
)
def test_masking_splits_glued_terms_and_keeps_markup(glossary, source, sent, restored):
    masked = mask(source, glossary, "de")
    assert masked.text == sent
    result = restore(masked, masked.text)
    assert result.text == restored and result.violations == []
    assert check(source, result.text, glossary, "de") == []


def test_words_an_engine_glues_to_a_placeholder(glossary):
    masked = mask("Het Magtein is goed.", glossary, "de")
    assert restore(masked, "Das [X0X]ist gut.").text == "Das Magtein® ist gut."
    glued = restore(mask("Neem Magtein.", glossary, "de"), "Nimm [X0X]s.")
    assert [v.message for v in glued.violations] == ["'s' glued to 'Magtein' in the translation"]


def test_the_fallback_never_trades_intact_markup_for_broken_markup():
    term = Violation("missing-term", None, "x")
    markup = Violation("placeholder", None, "y")
    assert not preferable([term, term], [markup])
    assert preferable([markup, term], [term])
    assert preferable([term, term], [term])


# --- The schema --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "terms:\n  - term: X\n    translate: false\n    status: old\n",
            "glossary.yml:4: term 'X': 'status' must be one of",
        ),
        (
            "terms:\n  - term: X\n    translate: false\n    case: upper\n",
            "glossary.yml:4: term 'X': 'case' must be one of",
        ),
        (
            "terms:\n  - term: X\n    translations:\n      de: {variants: [Y]}\n",
            "glossary.yml:4: term 'X': translations.de needs 'term:'",
        ),
        (
            "terms:\n  - term: X\n    translations:\n      de: {term: Y, pattern: '('}\n",
            "glossary.yml:4: term 'X': translations.de.pattern is not a regular expression",
        ),
        (
            "terms:\n  - term: X\n    translations:\n      de: {term: Y, colour: red}\n",
            "glossary.yml:4: term 'X': unknown key 'colour' in translations.de",
        ),
        ("source_language: xx\nterms: []\n", "glossary.yml:1: unknown language code 'xx'"),
        (
            "terms:\n  - term: X\n    translate: false\n    case: any\n    case_sensitive: true\n",
            "glossary.yml:4: term 'X': has 'case:' and 'case_sensitive:'",
        ),
    ],
)
def test_schema_errors_name_file_line_and_term(tmp_path, text, message):
    path = tmp_path / "glossary.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TransflowError) as caught:
        Glossary.load(path, ("de",))
    assert str(caught.value).replace(str(tmp_path) + "/", "").startswith(message)


def test_every_field_is_read(glossary):
    (term,) = [term for term in glossary.terms if term.source == "biobeschikbaar"]
    assert (term.part_of_speech, term.case, term.target_patterns["de"]) == (
        "adjective",
        "any",
        "bioverfügbar(?:e[mnrs]?)?",
    )
    shipped = Glossary.load(ROOT / "glossary.yml", ("en", "de", "fr"))
    (hpa,) = [term for term in shipped.terms if term.source == "HPA-as"]
    assert hpa.targets["fr"] == "axe HHS"
    assert hpa.targets["de"] == "Hypothalamus-Hypophysen-Nebennierenrinden-Achse"
    assert hpa.target_variants["de"] == ("HHN-Achse", "HPA-Achse")
    assert hpa.notes["fr"].startswith("HHS = hypothalamo-hypophyso-surrénalien")
    assert {"magnesiumtekort", "biobeschikbaar", "aanbevolen dagelijkse hoeveelheid", "supplement"} <= {
        term.source for term in shipped.terms
    }


# --- TBX ---------------------------------------------------------------------------------------


def tbx_fields(terms: list[glossary_file.Term]) -> list[tuple[object, ...]]:
    """What TBX-Basic and glossary.yml both express."""
    return [
        (
            term.source,
            term.translate,
            term.variants,
            term.targets,
            term.target_variants,
            term.forbidden,
            term.note,
            term.notes,
            term.definition,
            term.part_of_speech,
            term.status,
        )
        for term in terms
    ]


@pytest.mark.parametrize("version", [2, 3])
def test_tbx_round_trip(version):
    path = ROOT / "glossary.yml"
    original = glossary_file.parse(path.read_text(encoding="utf-8"), path, ("en", "de", "fr"), languages.check)
    written = tbx.write(original, ("en", "de", "fr"), version)
    back = tbx.read(written, Path("g.tbx"), "nl", languages.check)
    assert tbx_fields(back.terms) == tbx_fields(original.terms)
    again = glossary_file.parse(glossary_file.dump(back), Path("g.yml"), ("en", "de", "fr"), languages.check)
    assert tbx_fields(again.terms) == tbx_fields(original.terms)


def test_a_tbx_written_by_translate_toolkit_imports():
    path = CORPUS / "translate-toolkit.tbx"
    read = tbx.read(path.read_text(encoding="utf-8"), path, "nl", languages.check)
    assert [(term.source, term.translate, term.targets, term.note) for term in read.terms] == [
        ("Magtein®", False, {}, "Brand name, kept as is"),
        ("magnesium L-threonaat", True, {"de": "Magnesium-L-Threonat"}, ""),
        ("synaptische plasticiteit", True, {"de": "synaptische Plastizität"}, ""),
        ("magnesiumtekort", True, {"de": "Magnesiummangel"}, "Low magnesium in the body"),
    ]


def test_tbx_parsing_refuses_entity_expansion():
    bomb = '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaa">]><martif><text><body>&a;</body></text></martif>'
    with pytest.raises(TransflowError, match="not a readable TBX file"):
        tbx.read(bomb, Path("bomb.tbx"), "nl", languages.check)


def test_glossary_commands_export_and_import_tbx(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(CORPUS / "project", project)
    exported = transflow(project, "glossary", "export-tbx", str(tmp_path / "g.tbx"))
    assert exported.exit_code == 0 and "(8 terms, TBX-Basic v3)" in exported.output
    refused = transflow(project, "glossary", "import-tbx", str(tmp_path / "g.tbx"))
    assert refused.exit_code == 2 and "--replace" in refused.output
    imported = transflow(project, "glossary", "import-tbx", "--replace", str(CORPUS / "translate-toolkit.tbx"))
    assert imported.exit_code == 0 and "(4 terms)" in imported.output
    assert [term.source for term in Glossary.load(project / "glossary.yml", ("de",)).terms][-1] == "magnesiumtekort"


# --- The corpus through `translate` ------------------------------------------------------------


def translated(tmp_path: Path, name: str, mangle: bool) -> dict[tuple[str, str], tuple[str, str]]:
    project = tmp_path / name
    shutil.copytree(CORPUS / "project", project)
    with MTServer(mangle_terms=mangle) as server:
        for stage in ("extract", "update"):
            assert transflow(project, stage).exit_code == 0
        result = transflow(project, "translate", "--engine", "libre", "--engine-url", server.url)
        assert result.exit_code == 0, result.output
    return {
        (lang, entry.msgid): (entry.msgstr, entry.tcomment)
        for lang in LANGS
        for entry in read_po(project / f"translations/{lang}/corpus.po")
        if entry.msgid
    }


def test_corpus_through_translate_has_no_silent_violation_and_no_false_flag(tmp_path):
    clean = translated(tmp_path, "clean", mangle=False)
    # URLs, code, links, image paths, HTML attributes: nothing is flagged on a faithful engine
    assert [key for key, (_, comment) in clean.items() if "MT check failed" in comment] == []
    mangled = translated(tmp_path, "mangled", mangle=True)
    # Unflagged means right: as the faithful engine's result, up to the letter case the
    # glossary's `case: any` terms allow (the unmasked fallback may write l-threonat).
    silent = [
        (key, text)
        for key, (text, comment) in mangled.items()
        if text.casefold() != clean[key][0].casefold() and "MT check failed" not in comment
    ]
    assert silent == []
    flagged = {
        key[1][:20]: comment.split("MT check failed: ")[1]
        for key, (_, comment) in mangled.items()
        if key[0] == "de" and "MT check failed" in comment
    }
    assert flagged["Het MMFS-protocol en"] == (
        "verbatim token 'MMFS' missing or changed (no glossary term); "
        "verbatim token 'Calmax®' missing or changed (no glossary term)"
    )


# --- Engine failure and text failure -----------------------------------------------------------


def test_a_text_that_keeps_timing_out_fails_alone(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(CORPUS / "project", project)
    config = project / "transflow.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("timeout: 10", "timeout: 0.5"), encoding="utf-8")
    with MTServer(stall=3.0) as server:
        server.inject_when("reageert op stress", "timeout")
        for stage in ("extract", "update"):
            assert transflow(project, stage).exit_code == 0
        result = transflow(project, "translate", "--engine", "libre", "--engine-url", server.url)
    assert "unreachable" not in result.output
    assert result.output.count("no reply within 0.5 s") == 2  # one text per language, alone
    assert "2 left untranslated" in result.output
    left = [entry.msgid for entry in read_po(project / "translations/de/corpus.po") if entry.msgid and not entry.msgstr]
    assert left == ["De HPA-as reageert op stress."]
    # the failed attempts (2 per text: retries: 1) are counted in what was sent
    sent = sum(len(text) for text in server.texts)
    assert f"{sent} characters sent" in result.output


def test_check_source_reports_glued_terms_and_accepts_inflected_ones(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(CORPUS / "project", project)
    for stage in ("extract", "update"):
        assert transflow(project, stage).exit_code == 0
    output = transflow(project, "check", "--source").output
    assert "garbled glossary term 'Magtein' in 'L-threonaatMagteinMagtein®)'" in output
    assert "glossary term 'Magtein' glued to the next word in 'Magteinervoor'" in output
    assert "source-near-miss" not in output
