"""Segmentation and byte-exact reassembly of Markdown articles."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mdshape import block_shape, shape
from transflow.errors import TransflowError
from transflow.formats.markdown import parse_article, parse_front_matter, render_article

FIXTURES = Path(__file__).parent / "fixtures" / "markdown"
SOURCES = Path(__file__).parent.parent / "source"
ALL_FILES = sorted(FIXTURES.glob("*.md")) + sorted(SOURCES.glob("*.md"))


def read(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def without_lang(text: str) -> str:
    return "\n".join(line for line in text.split("\n") if not line.startswith("lang:"))


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_no_translations_reproduces_source_byte_for_byte(path):
    text = read(path)
    article = parse_article(text, path.name)
    assert render_article(article, {}).text == text


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_lang_is_the_only_change_without_translations(path):
    text = read(path)
    rendered = render_article(parse_article(text, path.name), {}, lang="en").text
    assert without_lang(rendered) == without_lang(text)
    if "\nlang: nl" in text:
        assert "\nlang: en" in rendered


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_msgstr_equal_to_msgid_is_byte_identical(path):
    text = read(path)
    article = parse_article(text, path.name)
    identity = {segment.msgid: segment.msgid for segment in article.segments}
    assert render_article(article, identity).text == text


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
@pytest.mark.parametrize("transform", [str.upper, lambda s: s.swapcase()], ids=["upper", "swap"])
def test_same_shape_translation_keeps_the_structure(path, transform):
    text = read(path)
    article = parse_article(text, path.name)
    rendered = render_article(article, {s.msgid: transform(s.msgid) for s in article.segments})
    assert rendered.refused == []
    assert shape(rendered.text) == shape(text)
    for segment in article.segments:
        if segment.front_matter_key is None:
            assert transform(segment.msgid).split()[0] in rendered.text


def test_longer_translations_are_rewrapped_at_the_block_width():
    text = read(FIXTURES / "blocks.md")
    article = parse_article(text, "blocks.md")
    longer = {
        s.msgid: s.msgid.replace(" ", " langer ") for s in article.segments if "[" not in s.msgid and "<" not in s.msgid
    }
    rendered = render_article(article, longer)
    assert rendered.refused == []
    assert shape(rendered.text) == shape(text)
    body = rendered.text.split("\n")
    start = body.index("Een alinea met een [referentielink][ref] en [Collapsed][] en [shortcut].")
    assert start > 0


def test_segments_kinds_lines_and_what_is_left_out():
    article = parse_article(read(FIXTURES / "blocks.md"), "source/blocks.md")
    by_id = {s.msgid: s for s in article.segments}
    assert by_id["Alle blokken"].kind == "front matter: title"
    assert by_id["Kop één"].kind == "heading 1"
    assert by_id["Setext kop over twee regels"].kind == "heading 1"
    assert by_id["Tweede setext"].kind == "heading 2"
    assert by_id["Genest punt met vervolg"].kind == "list item"
    assert by_id["Citaat met tekst over twee regels. lazy vervolg in het citaat"].kind == "blockquote"
    assert by_id["cel met \\| pijp"].kind == "table cell"
    assert by_id["Kolom een"].kind == "table header"
    assert by_id["Kop één"].line == 8
    paragraph = next(s for s in article.segments if s.msgid.startswith("Een alinea met **vet**"))
    assert "en het einde." in paragraph.msgid
    assert "harde breuk\\\nen een tweede harde breuk\\\nen" in paragraph.msgid
    assert '(https://example.org/a "Titel hier"),\neen' not in paragraph.msgid
    texts = " ".join(by_id)
    for untranslated in (
        "niet vertalen",
        "tilde code",
        "ingesprongen code",
        "Niet vertaalde HTML",
        "commentaar",
        "https://example.org/ref",
        "12",
        "test, markdown",
    ):
        assert untranslated not in by_id, untranslated
    assert "def code" not in texts


def test_list_values_in_front_matter_are_translated_item_by_item_in_both_list_styles():
    text = (
        "---\ntitle: Titel\nslug: een-slug\ntags: [magnesium, 'slaap, rust', \"stress\"]\n"
        "keywords:\n  - eerste woord\n  - tweede\nauthor: A. Auteur\nsummary: |\n  blok\n---\n\nTekst.\n"
    )
    keys = ("title", "slug", "tags", "keywords", "summary")
    article = parse_article(text, "a.md", keys)
    found = [(s.msgid, s.kind, s.line) for s in article.segments if s.front_matter_key]
    assert found == [
        ("Titel", "front matter: title", 2),
        ("een-slug", "front matter: slug", 3),
        ("magnesium", "front matter: tags", 4),
        ("slaap, rust", "front matter: tags", 4),
        ("stress", "front matter: tags", 4),
        ("eerste woord", "front matter: keywords", 6),
        ("tweede", "front matter: keywords", 7),
    ]
    assert render_article(article, {s.msgid: s.msgid for s in article.segments}).text == text
    translations = {"een-slug": "a-slug", "magnesium": "magnesium, deficiency", "slaap, rust": "sleep", "stress": "x]"}
    rendered = render_article(article, {**translations, "eerste woord": "first word"}).text
    assert "slug: a-slug\n" in rendered
    assert 'tags: ["magnesium, deficiency", \'sleep\', "x]"]\n' in rendered
    assert "  - first word\n  - tweede\n" in rendered
    assert yaml.safe_load(rendered.split("---\n")[1])["tags"] == ["magnesium, deficiency", "sleep", "x]"]


def test_refuses_translations_that_would_break_the_block():
    text = "---\ntitle: t\n---\n\nEen alinea\nop twee regels.\n\n# Kop\n\n| a | b |\n|---|---|\n| c | d |\n"
    article = parse_article(text, "a.md")
    rendered = render_article(
        article,
        {
            "Een alinea op twee regels.": "# Not a heading\n- not a list\n> no quote",
            "Kop": "Heading ##",
            "c": "with | pipe",
        },
    )
    assert shape(rendered.text) == shape(text)
    assert "\\# Not a heading - not a list > no quote" in rendered.text
    assert "| with \\| pipe | d |" in rendered.text
    assert "# Heading \\##" in rendered.text


def test_table_cell_translations_cannot_merge_or_empty_cells():
    text = "---\ntitle: t\n---\n\n| Vorm | Dosis |\n|---|---|\n| Citraat | 200 mg |\n"
    article = parse_article(text, "a.md")
    rendered = render_article(article, {"Citraat": "Citrate\\", "Dosis": "  "})
    assert "| Citrate\\\\ | 200 mg |" in rendered.text
    assert [r.msgid for r in rendered.refused] == ["Dosis"]
    assert "| Vorm | Dosis |" in rendered.text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty article"),
        ("   \n\n", "empty article"),
        ("+++\ntitle = [\n+++\n\nText\n", "invalid front matter TOML"),
        ("---\ntitle: [unclosed\n---\n\nText\n", "invalid front matter YAML"),
        ("---\n- a list\n---\n\nText\n", "front matter must be a YAML mapping"),
    ],
)
def test_bad_articles_raise_one_line_errors(text, message):
    with pytest.raises(TransflowError) as raised:
        parse_article(text, "source/x.md")
    assert message in str(raised.value)
    assert str(raised.value).startswith("source/x.md:")
    assert "\n" not in str(raised.value)


# ---------------------------------------------------------------------------------------------
# Property-based: generated documents built from every kind of construct.
# ---------------------------------------------------------------------------------------------

WORDS = st.sampled_from(
    [
        "magnesium",
        "tekort",
        "de",
        "het",
        "-",
        "+",
        "*",
        "1.",
        "2)",
        "#",
        ">",
        "|",
        "=",
        "---",
        "`code`",
        "**vet**",
        "*nadruk*",
        "_x_",
        "[link](https://e.org/x)",
        "![alt](i.png)",
        "<https://a.org>",
        "&amp;",
        "&copy;",
        "<b>vet</b>",
        "\\*",
        "foo_bar",
        "a*b",
        "[ref]",
        "10%",
        "108-144",
        "mg",
        "Magtein®",
        "L-threonaat",
        "⁹",
        "(haakjes)",
        '"quote"',
        "x\\",
    ]
)


@st.composite
def inline_text(draw, min_words=1, max_words=14):
    words = draw(st.lists(WORDS, min_size=min_words, max_size=max_words))
    first = draw(st.sampled_from(["Tekst", "Een", "Magnesium", "Dit"]))
    return " ".join([first, *words])


@st.composite
def wrapped(draw, prefix="", continuation=""):
    text = draw(inline_text())
    words = text.split(" ")
    lines, current = [], []
    for word in words:
        current.append(word)
        if draw(st.integers(0, 5)) == 0:
            lines.append(" ".join(current))
            current = []
    if current:
        lines.append(" ".join(current))
    safe = [lines[0]] + [ln if ln[:1].isalpha() else "en " + ln for ln in lines[1:]]
    return "\n".join([prefix + safe[0]] + [continuation + line for line in safe[1:]])


@st.composite
def block(draw, depth=0):
    kind = draw(
        st.sampled_from(
            [
                "para",
                "para",
                "atx",
                "setext",
                "bullets",
                "ordered",
                "quote",
                "fence",
                "indented",
                "table",
                "html",
                "rule",
                "hardbreak",
            ]
            if depth < 2
            else ["para", "atx", "fence"]
        )
    )
    if kind == "para":
        return draw(wrapped())
    if kind == "atx":
        level = draw(st.integers(1, 6))
        return "#" * level + " " + draw(inline_text(max_words=6))
    if kind == "setext":
        return draw(wrapped()) + "\n" + draw(st.sampled_from(["===", "---", "=========="]))
    if kind in ("bullets", "ordered"):
        items = []
        for number in range(1, draw(st.integers(1, 3)) + 1):
            marker = "- " if kind == "bullets" else f"{number}. "
            indent = " " * len(marker)
            item = draw(wrapped(prefix=marker, continuation=indent))
            if draw(st.booleans()):
                nested = draw(block(depth + 1))
                item += "\n\n" + "\n".join(indent + ln if ln else "" for ln in nested.split("\n"))
            items.append(item)
        return "\n".join(items)
    if kind == "quote":
        inner = draw(block(depth + 1))
        return "\n".join("> " + ln if ln else ">" for ln in inner.split("\n"))
    if kind == "fence":
        return "```\n" + draw(inline_text()) + "\n```"
    if kind == "indented":
        return "    code " + draw(inline_text())
    if kind == "table":
        row = draw(
            st.lists(st.sampled_from(["cel", "Magnesium 5 mg", "`a|b`", "x \\| y", "**v**"]), min_size=2, max_size=2)
        )
        return f"| Kop a | Kop b |\n|---|:--:|\n| {row[0]} | {row[1]} |"
    if kind == "html":
        return "<div>\n" + draw(inline_text()) + "\n</div>"
    if kind == "rule":
        return "***"
    return "Harde  \nbreuk en " + draw(inline_text()) + "\\\nnog een"


@st.composite
def document(draw):
    blocks = draw(st.lists(block(), min_size=1, max_size=6))
    references = "\n\n[ref]: https://example.org/ref\n" if draw(st.booleans()) else "\n"
    return "---\ntitle: Test\nlang: nl\n---\n\n" + "\n\n".join(blocks) + references


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document())
def test_generated_documents_round_trip(text):
    article = parse_article(text, "gen.md")
    assert render_article(article, {}).text == text
    identity = {s.msgid: s.msgid for s in article.segments}
    assert render_article(article, identity).text == text
    upper = render_article(article, {s.msgid: s.msgid.upper() for s in article.segments})
    assert upper.refused == []
    assert shape(upper.text) == shape(text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    document(),
    st.sampled_from(
        [
            "# ",
            "- ",
            "> ",
            "1. ",
            "```",
            "<div>",
            "    ",
            "=\n",
            "| ",
            "--- | ---\n",
            "[a]: /x ",
            "***\n",
            "<!-- ",
            "\\",
            "  \n",
        ]
    ),
)
def test_hostile_translations_never_change_the_structure(text, hostile):
    article = parse_article(text, "gen.md")
    translations = {s.msgid: hostile + s.msgid.replace(" ", "\n" + hostile, 2) for s in article.segments}
    rendered = render_article(article, translations)
    assert block_shape(rendered.text) == block_shape(text)


@pytest.mark.parametrize(
    "text",
    [
        "---\ntitle: Een\nslug: een\n---\n\n# Kop\n\nTekst.\n",
        "---\ntitle: Een\n\n# a YAML comment after a blank line\ndescription: Twee\n---\n\n# Kop\n",
        '+++\ntitle = "Een"\n+++\n\n# Kop\n',
        "+++\ntitle = \n+++\n",
        "---\ntitle: Een\n\n# Kop\n\nnever closed\n",
        "---\ntitle: [open\n---\n",
        "- a list item\n- another\n\n# Kop\n",
        "---\n\n# Kop after a thematic break\n\n---\n",
        "Just text.\n",
        "   \n",
        "---\n- a\n- b\n---\n",
    ],
)
def test_front_matter_alone_is_what_the_whole_parse_reads(text):
    try:
        expected: object = parse_article(text, "a.md").front_matter
    except TransflowError as exc:
        expected = str(exc)
    try:
        found: object = parse_front_matter(text, "a.md")
    except TransflowError as exc:
        found = str(exc)
    assert found == expected
