"""Shortening texts for messages: one rule, so that every report cuts the same way."""

from __future__ import annotations


def shorten(text: str, limit: int = 80, *, one_line: bool = False) -> str:
    """At most `limit` characters, an ellipsis marking the cut; `one_line` folds all whitespace first."""
    if one_line:
        text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
