"""glossary.yml: validation with file/line/term, matching in real article text, verification."""

from __future__ import annotations

from pathlib import Path

import pytest

from transflow.domain.glossary import Glossary
from transflow.errors import TransflowError

ROOT = Path(__file__).resolve().parent.parent
LANGS = ("en", "de", "fr")


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return Glossary.load(ROOT / "glossary.yml", LANGS)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "glossary.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_glossary_has_the_required_terms(glossary):
    sources = {term.source for term in glossary.terms}
    required = {
        "Magtein®",
        "magnesium L-threonaat",
        "L-threonaat",
        "L-threonzuur",
        "NMDA",
        "GABA",
        "ATP",
        "DNA",
        "RNA",
        "HPA-as",
        "NHANES",
        "EAR",
        "FDA",
        "magnesiumglycinaat",
        "magnesiumcitraat",
        "magnesiumoxide",
        "hypomagnesiëmie",
        "bloed-hersenbarrière",
        "synaptische plasticiteit",
        "Nutrients",
        "Neuron",
        "Sleep Med X",
    }
    assert required <= sources
    for term in glossary.terms:
        for lang in LANGS:
            assert glossary.expected(term, lang)


def test_every_article_term_is_found(glossary):
    text = " ".join(
        (ROOT / "source").joinpath(name).read_text(encoding="utf-8")
        for name in sorted(p.name for p in (ROOT / "source").glob("*.md"))
    )
    found = {match.term.source for match in glossary.find(text)}
    assert {
        "Magtein®",
        "magnesium L-threonaat",
        "L-threonzuur",
        "HPA-as",
        "NHANES",
        "EAR",
        "hypomagnesiëmie",
        "Plant and Soil",
        "J Alzheimers Dis",
    } <= found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Magtein (magnesium L-threonaat) helpt", ["Magtein®", "magnesium L-threonaat"]),
        ("toediening van magnesium-L-threonaat verbetert", ["magnesium L-threonaat"]),
        ("Magnesium L-threonaat is ontwikkeld", ["magnesium L-threonaat"]),
        ("met L-threonzuur, een metaboliet", ["L-threonzuur"]),
        ("de NMDA- en GABA-receptoractiviteit", ["NMDA", "GABA"]),
        ("de structuur van Magteinervoor dat", ["Magtein®"]),
        ("ATP-moleculen en DNA-synthese", ["ATP", "DNA"]),
        ("de HPA-as (hypothalamus-hypofyse-bijnier)", ["HPA-as", "hypothalamus-hypofyse-bijnier"]),
        ("neuronen en Neuronen, maar Neuron. 2010", ["Neuron"]),
        ("GABAergic DATP atp", []),
    ],
)
def test_find_respects_boundaries_compounds_and_hyphens(glossary, text, expected):
    assert [match.term.source for match in glossary.find(text)] == expected


def test_find_reports_positions(glossary):
    text = "zoals Magtein , behoud"
    (match,) = glossary.find(text)
    assert (match.start, match.end, match.text) == (6, 13, "Magtein")


def test_verify_accepts_a_compliant_translation(glossary):
    source = "Magtein (magnesium L-threonaat) moduleert de HPA-as en NMDA-receptoren."
    good = "Magtein® (magnesium L-threonate) modulates the HPA axis and NMDA receptors."
    assert glossary.verify(source, good, "en") == []
    german = "Magtein® (Magnesium-L-Threonat) moduliert die HPA-Achse und NMDA-Rezeptoren."
    assert glossary.verify(source, german, "de") == []


def test_verify_names_each_violation(glossary):
    source = "Magtein (magnesium L-threonaat) moduleert de HPA-as en NMDA-receptoren."
    bad = "Magtein (magnesium L-threonate) modulates the HPA-as and NDMA receptors."
    messages = {(v.kind, v.message) for v in glossary.verify(source, bad, "en")}
    assert ("altered-term", "kept-as-is term 'Magtein®' altered: found 'Magtein'") in messages
    assert ("altered-term", "required term 'HPA axis' (for 'HPA-as') altered: found 'HPA-as'") in messages
    assert ("forbidden-term", "forbidden rendering 'HPA-as' used for 'HPA-as' (required: 'HPA axis')") in messages
    assert ("missing-term", "kept-as-is term 'NMDA' missing") in messages


def test_verify_counts_repeated_terms(glossary):
    source = "ATP en ATP-moleculen"
    violations = glossary.verify(source, "ATP and molecules", "en")
    assert [v.message for v in violations] == ["kept-as-is term 'ATP' present 1 time(s), expected 2"]


def test_fixed_text_needs_the_standard_wording(glossary):
    source = (
        "Deze verklaringen zijn niet beoordeeld door de Food and Drug Administration. Dit "
        "product is niet bedoeld om een ziekte te diagnosticeren, behandelen, genezen of "
        "voorkomen."
    )
    standard = (
        "These statements have not been evaluated by the Food and Drug Administration. "
        "This product is not intended to diagnose, treat, cure, or prevent any disease."
    )
    assert glossary.verify(source, standard, "en") == []
    loose = standard.replace("any disease", "disease")
    assert [v.kind for v in glossary.verify(source, loose, "en")] == ["missing-term"]


def test_note_lists_terms_and_renderings(glossary):
    note = glossary.note("Magtein combineert magnesium met L-threonzuur en L-threonzuur.")
    assert note.splitlines() == [
        "glossary: Magtein® -> keep as is (Brand name of magnesium L-threonate (AIDP). Always "
        "written Magtein®, with the ®.)",
        "glossary: L-threonzuur -> en: L-threonic acid; de: L-Threonsäure; "
        "fr: acide L-thréonique (A metabolite of vitamin C.)",
    ]
    assert (
        glossary.note("L-threonzuur", "de")
        == "glossary: L-threonzuur -> de: L-Threonsäure (A metabolite of vitamin C.)"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "terms:\n  - term: X\n    translate: false\n    colour: red\n",
            "glossary.yml:4: term 'X': unknown key 'colour'",
        ),
        ("terms:\n  - term: X\n    translations: {en: Y}\n", "glossary.yml:3: term 'X': no translation for de, fr"),
        ("terms:\n  - term: X\n", "glossary.yml:2: term 'X': needs 'translations:'"),
        ("terms:\n  - translate: false\n", "glossary.yml:2: a term needs 'term:'"),
        ("terms:\n  - term: X\n    translate: maybe\n", "glossary.yml:3: term 'X': 'translate' must be true or false"),
        (
            "terms:\n  - term: X\n    translate: false\n  - term: Y\n    translate: false\n    variants: [X]\n",
            "glossary.yml:4: term 'Y': 'X' is already listed by term 'X' (line 2)",
        ),
        (
            "terms:\n  - term: X\n    translations: {en: Y, xx: Z, de: A, fr: B}\n",
            "glossary.yml:3: unknown language code 'xx'",
        ),
        ("terms: [\n", "glossary.yml:2: invalid YAML"),
        ("words: []\n", "glossary.yml:1: unknown key 'words'"),
    ],
)
def test_errors_name_file_line_and_term(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(TransflowError) as caught:
        Glossary.load(path, LANGS)
    assert str(caught.value).replace(str(tmp_path) + "/", "").startswith(message)


def test_terms_not_starting_with_a_letter_are_found_too(tmp_path):
    """Such a term cannot be grouped by its first letter; the search falls back to the flat order."""
    glossary = Glossary.load(
        write(
            tmp_path,
            'terms:\n  - term: "\'s-Hertogenbosch"\n'
            "    translate: false\n  - term: Hertog\n"
            "    translate: false\n  - term: hertogdom\n"
            "    translate: false\n    case_sensitive: false\n",
        )
    )
    text = "van 's-Hertogenbosch, de Hertog en het Hertogdom"
    assert [match.text for match in glossary.find(text)] == ["'s-Hertogenbosch", "Hertog", "Hertogdom"]
