"""Machine-translation engines behind one adapter: `open_engine` makes one, `translate_text` calls it safely.

`registry` lists every engine once; `base` says what an engine is; `calling` adds the rate limit, retries
and splitting; `deep_translator_compat` is the only module that touches a library's internals.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from transflow.errors import TransflowError
from transflow.stages.engines.base import (
    OFFLINE_VARIABLE,
    Engine,
    EngineSettings,
    EngineUnavailable,
    TransientError,
    check_allowed,
)
from transflow.stages.engines.calling import RateLimiter, Sent, split_text, translate_text
from transflow.stages.engines.deepl_engine import glossary_entries
from transflow.stages.engines.pseudo import PseudoEngine
from transflow.stages.engines.registry import ENGINES, open_engine
from transflow.stages.settings import Section

__all__ = [
    "ENGINES",
    "OFFLINE_VARIABLE",
    "Engine",
    "EngineSettings",
    "EngineUnavailable",
    "PseudoEngine",
    "RateLimiter",
    "Sent",
    "TransientError",
    "check_allowed",
    "glossary_entries",
    "open_engine",
    "settings_from_config",
    "split_text",
    "translate_text",
]


_NUMBERS = {
    "concurrency": (int, 1, 64),
    "rate_limit": (float, 0, 1000),
    "timeout": (float, 0.1, 600),
    "retries": (int, 0, 20),
    "backoff": (float, 0, 60),
    "max_backoff": (float, 0, 3600),
    "save_interval": (float, 0.1, 3600),
}


def settings_from_config(section: Section, engine: str | None = None, url: str | None = None) -> EngineSettings:
    """Validate `mt:` (each bad value reported at its line) and apply --engine / --engine-url."""
    section.check_keys({"engine", "url", *_NUMBERS})
    values: dict[str, Any] = {}
    name = section.get("engine", "google")
    if not isinstance(name, str) or name not in ENGINES:
        raise section.error("engine", f"unknown engine {name!r} (known: {', '.join(ENGINES)})")
    values["name"] = name
    if section.get("url") is not None:
        if not isinstance(section.get("url"), str) or not _is_url(section.get("url")):
            raise section.error("url", "must be an http(s) URL, e.g. http://localhost:5000/")
        values["url"] = section.get("url")
    for key, (kind, low, high) in _NUMBERS.items():
        value = section.get(key)
        if value is None:
            continue
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or (kind is int and not isinstance(value, int))
            or not low <= value <= high
        ):
            raise section.error(key, f"must be a{'n integer' if kind is int else ' number'} from {low} to {high}")
        values[key] = kind(value)
    if engine is not None:
        if engine not in ENGINES:
            raise TransflowError(f"--engine: unknown engine {engine!r} (known: {', '.join(ENGINES)})")
        values["name"] = engine
        if engine != name and url is None:
            values.pop("url", None)
    if url is not None:
        if not _is_url(url):
            raise TransflowError(f"--engine-url: not an http(s) URL: {url!r}")
        values["url"] = url
    return EngineSettings(**values)


def _is_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)
