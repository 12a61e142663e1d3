"""Machine-translation engines behind one adapter: `open_engine` makes one, `translate_text` calls it safely.

`registry` lists every engine once; `base` says what an engine is; `calling` adds the rate limit, retries
and splitting; `deep_translator_compat` is the only module that touches a library's internals.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from transflow.errors import TransflowError
from transflow.stages.engines.base import (
    OFFLINE_VARIABLE,
    Engine,
    EngineSettings,
    EngineUnavailable,
    LlmSettings,
    TransientError,
    check_allowed,
)
from transflow.stages.engines.calling import RateLimiter, Sent, split_text, translate_text
from transflow.stages.engines.deepl_engine import glossary_entries
from transflow.stages.engines.llm import DEFAULT_URL
from transflow.stages.engines.pseudo import PseudoEngine
from transflow.stages.engines.registry import BATCHED, ENGINES, open_engine
from transflow.stages.settings import Section

__all__ = [
    "BATCHED",
    "ENGINES",
    "OFFLINE_VARIABLE",
    "Engine",
    "EngineSettings",
    "EngineUnavailable",
    "LlmSettings",
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
    section.check_keys({"engine", "url", *_NUMBERS, *_LLM_KEYS})
    values: dict[str, Any] = _llm_values(section)
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
        if value is not None:
            values[key] = _number(section, key, kind, low, high)
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
    if values["name"] == "llm":
        values.setdefault("url", DEFAULT_URL)
    return EngineSettings(**values)


def _number(section: Section, key: str, kind: type, low: float, high: float) -> Any:
    value = section.get(key)
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or (kind is int and not isinstance(value, int))
        or not low <= value <= high
    ):
        raise section.error(key, f"must be a{'n integer' if kind is int else ' number'} from {low} to {high}")
    return kind(value)


# The language-model engine's keys (engine: llm); the other engines ignore them.
_LLM_NUMBERS = {
    "temperature": (float, 0, 2),
    "max_tokens": (int, 64, 1_000_000),
    "tokens_per_minute": (int, 0, 1_000_000_000),
    "context": (int, 0, 50),
    "batch_size": (int, 1, 500),
}
_LLM_KEYS = {"base_url", "model", "api_key_env", "requests_per_minute", "prices", "style", *_LLM_NUMBERS}


def _llm_values(section: Section) -> dict[str, Any]:
    """`base_url` and `requests_per_minute` (spellings of `url` and `rate_limit`), and the `llm` settings."""
    values: dict[str, Any] = {}
    for spelling, key in (("base_url", "url"), ("requests_per_minute", "rate_limit")):
        if section.get(spelling) is not None and section.get(key) is not None:
            raise section.error(spelling, f"set either {spelling} or {key}, not both")
    base_url = section.get("base_url")
    if base_url is not None:
        if not isinstance(base_url, str) or not _is_url(base_url):
            raise section.error("base_url", "must be an http(s) URL, e.g. http://localhost:11434/v1")
        values["url"] = base_url
    if section.get("requests_per_minute") is not None:
        values["rate_limit"] = _number(section, "requests_per_minute", float, 0, 60_000) / 60
    llm: dict[str, Any] = {
        key: _number(section, key, kind, low, high)
        for key, (kind, low, high) in _LLM_NUMBERS.items()
        if section.get(key) is not None
    }
    for key in ("model", "api_key_env"):
        if section.get(key) is not None:
            if not isinstance(section.get(key), str) or not str(section.get(key)).strip():
                raise section.error(key, "must be a non-empty text")
            llm[key] = str(section.get(key)).strip()
    if "api_key_env" in llm and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", llm["api_key_env"]):
        raise section.error("api_key_env", "must name an environment variable (the key itself never goes in this file)")
    prices = section.get("prices")
    if prices is not None:
        llm["prices"] = _price(section, prices, llm.get("model", ""))
    if section.get("style") is not None:
        llm["style"] = _style(section, section.get("style"))
    values["llm"] = LlmSettings(**llm)
    return values


def _price(section: Section, prices: object, model: str) -> tuple[float, float] | None:
    """The model's (input, output) USD per million tokens from `prices: {model: {input: .., output: ..}}`."""
    if not isinstance(prices, dict) or not all(
        isinstance(price, dict)
        and set(price) == {"input", "output"}
        and all(_is_amount(value) for value in price.values())
        for price in prices.values()
    ):
        raise section.error("prices", "must map each model to {input: USD, output: USD} per million tokens")
    price = prices.get(model)
    return None if price is None else (float(price["input"]), float(price["output"]))


def _is_amount(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0


def _style(section: Section, style: object) -> tuple[tuple[str, str, str], ...]:
    """`style: {aspect: rule}` or `{aspect: {language: rule}}` -> (aspect, language or "", rule)."""
    rules: list[tuple[str, str, str]] = []
    if isinstance(style, dict):
        for aspect, rule in style.items():
            if isinstance(rule, str):
                rules.append((str(aspect), "", rule))
            elif isinstance(rule, dict) and all(isinstance(text, str) for text in rule.values()):
                rules.extend((str(aspect), str(lang), text) for lang, text in rule.items())
            else:
                break
        else:
            return tuple(rules)
    raise section.error("style", "must map each aspect (register, spelling, quotes) to a rule or a rule per language")


def _is_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)
