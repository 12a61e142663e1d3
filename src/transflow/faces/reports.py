"""Tables and summaries for people reading a terminal."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import click

from transflow.domain.catalog import Counts

if TYPE_CHECKING:  # the pipeline is not imported by commands that only print tables (check)
    from transflow.stages.pipeline import ArticleReport

_NUMBER = re.compile(r"^[-+]?[\d.,]*%?$")


def table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], groups: Mapping[str, tuple[int, int]] | None = None
) -> str:
    """A plain aligned text table: columns of numbers right-aligned, the others left-aligned.

    ``groups`` names ranges of columns (first, after last): the rule under the headers is
    interrupted by each name, centred over its columns, so a header's group needs no extra line.
    """
    widths = [max([len(h)] + [len(row[i]) for row in rows]) for i, h in enumerate(headers)]
    numeric = [all(_NUMBER.match(row[i]) for row in rows) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.rjust(width) if is_number else cell.ljust(width)
            for cell, width, is_number in zip(cells, widths, numeric, strict=True)
        ).rstrip()

    rules = ["-" * width for width in widths]
    for name, (first, last) in sorted((groups or {}).items(), key=lambda group: -group[1][0]):  # right to left
        span = sum(widths[first:last]) + 2 * (last - first - 1)
        label = f" {name} ".center(span, "-") if span >= len(name) + 2 else "-" * span
        rules[first:last] = [label]
    return "\n".join([line(headers), "  ".join(rules), *(line(row) for row in rows)])


def summary_table(rows: Sequence[ArticleReport], colour: bool = False) -> str:
    """Article x language: translated %, fuzzy, untranslated, and whether it was built."""
    body = []
    total = Counts()
    for row in rows:
        total = total + row.counts
        status = row.status + (f" ({row.reason})" if row.reason else "")
        body.append([*_cells(row.slug, row.lang, row.counts), status])
    body.append([*_cells("total", "", total), ""])
    headers = ["article", "lang", "translated", "fuzzy", "untranslated", "build"]
    text = table(headers, body)
    return coloured_rows(text, _STATUS_COLOURS) if colour else text


_STATUS_COLOURS = {"built": "green", "unchanged": "green", "skipped": "yellow"}  # the build column


def coloured_rows(text: str, colours: Mapping[str, str]) -> str:
    """Each table row that holds one of the ``colours`` words, in that word's colour."""
    lines = text.split("\n")
    for index, line in enumerate(lines[2:], start=2):
        found = next((colour for word, colour in colours.items() if word in line.split()), None)
        if found:
            lines[index] = click.style(line, fg=found)
    return "\n".join(lines)


def _cells(slug: str, lang: str, counts: Counts) -> list[str]:
    return [slug, lang, f"{counts.percent:.0f}%", str(counts.fuzzy), str(counts.untranslated)]
