"""Citation markers and reference lists of source articles (`transflow check --source`)."""

from __future__ import annotations

from pathlib import Path

from helpers import copy_project, transflow
from transflow.domain.checks.citations import citation_problems
from transflow.formats.markdown import parse_article

ARTICLE = """---
title: Titel
---

# Titel

Eerste bewering.¹ Tweede bewering.²,³ Een reeks.⁴⁻⁵ Nog een.{extra}

## Referenties

1. Een. 2020.
2. Twee. 2021.
3. Drie. 2022.
4. Vier. 2023.
5. Vijf. 2024.
{more}"""


def problems(text: str) -> list[tuple[str, int, str]]:
    return list(citation_problems(parse_article(text, "a.md")))


def test_every_marker_with_its_reference_and_every_reference_cited_passes():
    assert problems(ARTICLE.format(extra="", more="")) == []


def test_a_marker_past_the_reference_list_is_an_error_at_its_line():
    found = problems(ARTICLE.format(extra="⁹ ¹⁰", more=""))
    assert found == [
        ("source-citation-missing", 7, "citation marker '⁹' has no reference 9"),
        ("source-citation-missing", 7, "citation marker '¹⁰' has no reference 10"),
    ]


def test_a_reference_never_cited_is_a_warning_at_its_line():
    assert problems(ARTICLE.format(extra="", more="6. Zes. 2025.\n")) == [
        ("source-citation-unused", 16, "reference 6 is never cited by a marker")
    ]


def test_an_article_without_markers_may_list_references_without_citing_them():
    text = "---\ntitle: T\n---\n\nTekst zonder markeringen.\n\n## Bronnen\n\n1. Een.\n2. Twee.\n"
    assert problems(text) == []


def test_check_source_reports_dangling_markers_in_a_project(tmp_path: Path):
    project = copy_project(tmp_path, with_translations=True)
    article = next((project / "source").glob("*.md"))
    text = article.read_text(encoding="utf-8").replace("## Referenties", "Een bewering.⁹\n\n## Referenties", 1)
    article.write_text(text, encoding="utf-8")
    result = transflow(project, "check", "--source", "--lang", "en", "--format", "json")
    assert "source-citation-missing" in result.output and "has no reference 9" in result.output
