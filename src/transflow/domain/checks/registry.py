"""What a check is: a name, a group, a default severity and the function that finds problems.

Entry checks get one catalog entry, catalog checks a whole catalog, source checks one segment of
a source article; each kind has its own dataclass, so the runner never asks what a check can do.
Checks the runner performs itself (they need files or the whole project) are `RunnerCheck`s:
registered for their name, severity and description only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar, Protocol

import polib

from transflow.domain.checks.context import CatalogContext, EntryContext, SourceContext

ERROR = "error"
WARNING = "warning"
SEVERITIES = (ERROR, WARNING)


class EntryFunction(Protocol):
    """Messages about one entry's translation."""

    def __call__(self, entry: polib.POEntry, context: EntryContext, /) -> Iterator[str]: ...


class CatalogFunction(Protocol):
    """(line, message) about a whole catalog."""

    def __call__(self, catalog: polib.POFile, context: CatalogContext, /) -> Iterator[tuple[int | None, str]]: ...


class SourceFunction(Protocol):
    """(snippet, message) about one source segment's text; the snippet locates the line."""

    def __call__(self, text: str, context: SourceContext, /) -> Iterator[tuple[str, str]]: ...


def _first_line(doc: str | None) -> str:
    return (doc or "").strip().split("\n")[0]


@dataclass(frozen=True)
class EntryCheck:
    """Content checks judge approved entries only (what `build` publishes); completeness checks all."""

    name: str
    group: str
    severity: str
    function: EntryFunction
    approved_only: bool = True
    scope: ClassVar[str] = "entry"

    @property
    def description(self) -> str:
        return _first_line(self.function.__doc__)


@dataclass(frozen=True)
class CatalogCheck:
    name: str
    group: str
    severity: str
    function: CatalogFunction
    scope: ClassVar[str] = "catalog"

    @property
    def description(self) -> str:
        return _first_line(self.function.__doc__)


@dataclass(frozen=True)
class SourceCheck:
    name: str
    group: str
    severity: str
    function: SourceFunction
    scope: ClassVar[str] = "source"

    @property
    def description(self) -> str:
        return _first_line(self.function.__doc__)


@dataclass(frozen=True)
class RunnerCheck:
    """A check `stages/qa` performs itself; `scope` says what it looks at: catalog, article or project."""

    name: str
    group: str
    severity: str
    scope: str
    description: str


Check = EntryCheck | CatalogCheck | SourceCheck | RunnerCheck
