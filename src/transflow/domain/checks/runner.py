"""Checks `stages/qa` performs itself: they read files or compare the whole project."""

from __future__ import annotations

from transflow.domain.checks.registry import ERROR, WARNING, RunnerCheck

CHECKS = (
    RunnerCheck(
        "unreadable",
        "catalog",
        ERROR,
        "catalog",
        "A catalog, template or article cannot be read (not UTF-8, syntax error, duplicates).",
    ),
    RunnerCheck(
        "catalog-outdated",
        "completeness",
        ERROR,
        "catalog",
        "The catalog's strings differ from its template, or it is missing (run `transflow update`).",
    ),
    RunnerCheck(
        "template-outdated",
        "completeness",
        ERROR,
        "article",
        "The template differs from what the source article gives now (run `transflow extract`).",
    ),
    RunnerCheck(
        "threshold",
        "completeness",
        ERROR,
        "catalog",
        "Less of the catalog is translated (in strings or in words) than its threshold.",
    ),
    RunnerCheck(
        "inconsistent-translation",
        "consistency",
        WARNING,
        "project",
        "One source string has different approved translations across articles.",
    ),
    RunnerCheck(
        "inconsistent-source",
        "consistency",
        WARNING,
        "project",
        "One translation is used for different source strings.",
    ),
    RunnerCheck(
        "source-citation-missing",
        "source",
        ERROR,
        "article",
        "A superscript citation marker in a source article has no numbered reference to point to.",
    ),
    RunnerCheck(
        "source-citation-unused",
        "source",
        WARNING,
        "article",
        "A numbered reference of a source article that cites by markers is never cited.",
    ),
    RunnerCheck(
        "glossary-file",
        "glossary",
        ERROR,
        "project",
        "The glossary cannot be read (a missing glossary is a warning).",
    ),
)
