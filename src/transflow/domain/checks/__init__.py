"""Quality checks: is each catalog entry fit to publish, and is each source article fit to translate?

One module per group: completeness, glossary, markdown, content, form, catalog, then the checks the
runner performs itself and those of the source articles. `CHECKS` lists them all in that order,
which is the order of `transflow check --list`. Running them over a project, with the per-entry and
per-project switches, is `stages/qa.py`'s job.
"""

from __future__ import annotations

from transflow.domain.checks import catalog, completeness, content, form, glossary, markdown, runner, source
from transflow.domain.checks.context import CatalogContext, EntryContext, SourceContext
from transflow.domain.checks.registry import (
    ERROR,
    SEVERITIES,
    WARNING,
    CatalogCheck,
    Check,
    EntryCheck,
    RunnerCheck,
    SourceCheck,
)

ENTRY_CHECKS: tuple[EntryCheck, ...] = (
    *completeness.CHECKS,
    *glossary.CHECKS,
    *markdown.CHECKS,
    *content.CHECKS,
    *form.CHECKS,
    *catalog.ENTRY_CHECKS,
)
CATALOG_CHECKS: tuple[CatalogCheck, ...] = catalog.CATALOG_CHECKS
RUNNER_CHECKS: tuple[RunnerCheck, ...] = runner.CHECKS
SOURCE_CHECKS: tuple[SourceCheck, ...] = source.CHECKS
_IN_ORDER: tuple[Check, ...] = (*ENTRY_CHECKS, *CATALOG_CHECKS, *RUNNER_CHECKS, *SOURCE_CHECKS)
CHECKS: dict[str, Check] = {check.name: check for check in _IN_ORDER}

__all__ = [
    "CATALOG_CHECKS",
    "CHECKS",
    "ENTRY_CHECKS",
    "ERROR",
    "RUNNER_CHECKS",
    "SEVERITIES",
    "SOURCE_CHECKS",
    "WARNING",
    "CatalogCheck",
    "CatalogContext",
    "Check",
    "EntryCheck",
    "EntryContext",
    "RunnerCheck",
    "SourceCheck",
    "SourceContext",
]
