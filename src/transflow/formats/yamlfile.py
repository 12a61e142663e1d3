"""YAML read as a node tree, so every value keeps its line for the error that names it."""

from __future__ import annotations

from pathlib import Path

import yaml

from transflow.errors import TransflowError


def compose(text: str, path: Path) -> yaml.Node | None:
    """The document's node tree; a syntax error is a one-line TransflowError at its file and line."""
    try:
        return yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise TransflowError(
            f"invalid YAML: {getattr(exc, 'problem', exc)}", path, mark.line + 1 if mark else None
        ) from None


def plain(node: yaml.Node) -> object:
    """A node as plain Python data."""
    return yaml.safe_load(yaml.serialize(node))
