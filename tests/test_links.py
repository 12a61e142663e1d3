"""Finding and rewriting relative link destinations in Markdown (domain/links.py)."""

from __future__ import annotations

from transflow.domain.links import rewrite_links


def moved(path: str) -> str:
    return f"../x/{path}"


def test_relative_destinations_are_rewritten_and_fragments_kept():
    text = 'Zie [a](b.md#kop) en ![c](img/d.png "titel") en [e](<met spatie.md>).\n\n[ref]: f.md\n'
    assert rewrite_links(text, moved) == (
        'Zie [a](../x/b.md#kop) en ![c](../x/img/d.png "titel") en [e](<../x/met spatie.md>).\n\n[ref]: ../x/f.md\n'
    )


def test_urls_absolute_paths_fragments_and_code_are_left_alone():
    text = (
        "[a](https://example.org/b.md) [c](/d.md) [e](#kop) [f](mailto:g@h.nl) `[i](j.md)`\n\n"
        "```\n[k](l.md)\n```\n\n    [m](n.md)\n"
    )
    assert rewrite_links(text, moved) == text


def test_none_keeps_the_destination():
    text = "[a](b.md) en [c](d.md)\n"
    assert rewrite_links(text, lambda path: None if path == "b.md" else "e.md") == "[a](b.md) en [c](e.md)\n"


def test_a_new_path_with_spaces_is_bracketed():
    assert rewrite_links("[a](b.md#x)\n", lambda path: "met spatie.md") == "[a](<met spatie.md#x>)\n"
