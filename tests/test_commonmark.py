"""Every CommonMark spec example, and the markup of real documentation, survives extract and build.

Each example is an article without front matter. Rebuilt with its own text as the translation it
must be byte-identical; rebuilt with every translation upper-cased (every letter changed) it must
render to the same element structure, with no translation refused.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mdshape import shape
from transflow.formats.markdown import parse_article, render_article

SPEC = json.loads((Path(__file__).parent / "fixtures" / "commonmark" / "spec-0.30.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("example", SPEC, ids=lambda e: str(e["example"]))
def test_spec_example_round_trips_and_keeps_its_structure(example):
    text = example["markdown"]
    article = parse_article(text, f"example-{example['example']}.md")
    assert render_article(article, {s.msgid: s.msgid for s in article.segments}).text == text
    upper = render_article(article, {s.msgid: s.msgid.upper() for s in article.segments})
    assert upper.refused == []
    assert shape(upper.text) == shape(text)


def upper(article_text: str, front_matter_keys: tuple[str, ...] = ("title", "description")) -> str:
    article = parse_article(article_text, "doc.md", front_matter_keys)
    rendered = render_article(article, {s.msgid: s.msgid.upper() for s in article.segments})
    assert rendered.refused == []
    assert shape(rendered.text) == shape(article_text)
    return rendered.text


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<https://example.com> is onze site.\n", "<HTTPS://EXAMPLE.COM> IS ONZE SITE.\n"),
        ("<kbd>Ctrl</kbd> drukken.\n", "<KBD>CTRL</KBD> DRUKKEN.\n"),
        ("```code``` in een zin.\n", "```CODE``` IN EEN ZIN.\n"),
        ("Een [link](<foo\nbar>) over twee regels.\n", "EEN [LINK](<FOO\nBAR>) OVER TWEE REGELS.\n"),
        ("[^1]: Een voetnoot\n    over twee regels.\n", "[^1]: EEN VOETNOOT\n    OVER TWEE REGELS.\n"),
        ("> [!NOTE]\n> Let op deze tekst.\n", "> [!NOTE]\n> LET OP DEZE TEKST.\n"),
    ],
    ids=["autolink", "inline-html", "code-span", "angle-break", "footnote", "alert"],
)
def test_markup_at_the_start_of_a_paragraph_is_not_escaped(source, expected):
    assert upper(source) == expected


def test_alert_marker_is_not_part_of_the_text():
    article = parse_article("> [!WARNING]\n> Niet doen.\n", "doc.md")
    assert [s.msgid for s in article.segments] == ["Niet doen."]


def test_a_translation_that_would_become_a_definition_is_refused():
    text = "[^1]: Een voetnoot.\n"
    article = parse_article(text, "doc.md")
    rendered = render_article(article, {"[^1]: Een voetnoot.": "[^1]: /link"})
    assert rendered.text == text
    assert [r.msgid for r in rendered.refused] == ["[^1]: Een voetnoot."]


@pytest.mark.parametrize(
    ("header", "body", "expected"),
    [
        (">-", "  Een lange\n  beschrijving.\n", "description: >-\n  EEN LANGE BESCHRIJVING.\n"),
        ("|", "  Regel een\n  regel twee\n", "description: |\n  REGEL EEN\n  REGEL TWEE\n"),
        ("Een", "  vervolg\n", "description: EEN VERVOLG\n"),
    ],
    ids=["folded", "literal", "plain"],
)
def test_multiline_yaml_values_are_translated(header, body, expected):
    text = f"---\ntitle: T\ndescription: {header}\n{body}lang: nl\n---\n\nTekst.\n"
    assert f"---\ntitle: T\n{expected}lang: nl\n---\n" in upper(text)


def test_without_front_matter_nothing_is_invented():
    text = "# Kop\n\nTekst.\n"
    article = parse_article(text, "doc.md")
    assert article.front_matter == {}
    assert render_article(article, {}, lang="de").text == text


def test_toml_front_matter_is_recognised_and_kept():
    text = '+++\ntitle = "Een titel"\nlang = \'nl\'\ndraft = false\n[params]\ndescription = "x"\n+++\n\nTekst.\n'
    article = parse_article(text, "doc.md")
    assert article.front_matter["draft"] is False
    assert [s.msgid for s in article.segments] == ["Een titel", "Tekst."]
    assert render_article(article, {s.msgid: s.msgid for s in article.segments}).text == text
    rendered = render_article(article, {"Een titel": 'Ein "Titel"', "Tekst.": "Text."}, lang="de")
    assert rendered.text == (
        '+++\ntitle = "Ein \\"Titel\\""\nlang = "de"\ndraft = false\n[params]\ndescription = "x"\n+++\n\nText.\n'
    )
