"""What a check is: a name, a group, a default severity and the function that finds problems.

Entry checks get one catalog entry, catalog checks a whole catalog, source checks one segment of
a source article; each kind has its own dataclass, so the runner never asks what a check can do.
Checks the runner performs itself (they need files or the whole project) are `RunnerCheck`s:
registered for their name, severity and description only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar, Generic, Protocol, TypeVar

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


_Function = TypeVar("_Function", EntryFunction, CatalogFunction, SourceFunction)


@dataclass(frozen=True)
class _FunctionCheck(Generic[_Function]):
    """A check with its function; the function's docstring describes it in `transflow check --list`."""

    name: str
    group: str
    severity: str
    function: _Function

    @property
    def description(self) -> str:
        return (self.function.__doc__ or "").strip().split("\n")[0]


@dataclass(frozen=True)
class EntryCheck(_FunctionCheck[EntryFunction]):
    """Content checks judge approved entries only (what `build` publishes); completeness checks the
    others (they never fire on an approved entry, so the runner skips them there)."""

    approved_only: bool = True
    scope: ClassVar[str] = "entry"


@dataclass(frozen=True)
class CatalogCheck(_FunctionCheck[CatalogFunction]):
    scope: ClassVar[str] = "catalog"


@dataclass(frozen=True)
class SourceCheck(_FunctionCheck[SourceFunction]):
    scope: ClassVar[str] = "source"


@dataclass(frozen=True)
class RunnerCheck:
    """A check `stages/qa` performs itself; `scope` says what it looks at: catalog, article or project."""

    name: str
    group: str
    severity: str
    scope: str
    description: str


Check = EntryCheck | CatalogCheck | SourceCheck | RunnerCheck
