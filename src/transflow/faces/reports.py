"""Tables and summaries for people reading a terminal."""

from __future__ import annotations

import re
from collections.abc import Sequence

from transflow.domain.catalog import Counts
from transflow.stages.pipeline import ArticleReport

_NUMBER = re.compile(r"^[-+]?[\d.,]*%?$")


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain aligned text table: columns of numbers right-aligned, the others left-aligned."""
    widths = [max([len(h)] + [len(row[i]) for row in rows]) for i, h in enumerate(headers)]
    numeric = [all(_NUMBER.match(row[i]) for row in rows) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.rjust(width) if is_number else cell.ljust(width)
            for cell, width, is_number in zip(cells, widths, numeric, strict=True)
        ).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(headers), rule, *(line(row) for row in rows)])


def summary_table(rows: Sequence[ArticleReport]) -> str:
    """Article x language: translated %, fuzzy, untranslated, and whether it was built."""
    body = []
    total = Counts()
    for row in rows:
        total = total + row.counts
        status = row.status + (f" ({row.reason})" if row.reason else "")
        body.append([*_cells(row.slug, row.lang, row.counts), status])
    body.append([*_cells("total", "", total), ""])
    headers = ["article", "lang", "translated", "fuzzy", "untranslated", "build"]
    return table(headers, body)


def _cells(slug: str, lang: str, counts: Counts) -> list[str]:
    return [slug, lang, f"{counts.percent:.0f}%", str(counts.fuzzy), str(counts.untranslated)]
