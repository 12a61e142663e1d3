"""What every engine is: one text in, one translation out, and the two ways it can fail.

An `Engine` translates one text from the source to one target language and has a length limit.
Engines are not thread-safe (deep-translator keeps the text in the instance), so callers make one
per thread. API keys are read from environment variables only, when an engine is made, and never
written anywhere: errors about a key name the variable, never the value.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlsplit

OFFLINE_VARIABLE = "TRANSFLOW_OFFLINE"


class EngineUnavailable(Exception):
    """The engine cannot be used at all (no network, bad key, unsupported language): stop asking."""


class TransientError(Exception):
    """This request failed but the next may work: rate limited, server error, timeout, bad reply."""

    def __init__(self, message: str, retry_after: float | None = None, network: bool = False, refused: bool = False):
        super().__init__(message)
        self.retry_after = retry_after
        self.network = network or refused
        self.refused = refused


class Engine(Protocol):
    limit: int

    def translate(self, text: str) -> str: ...


def check_allowed(url: str) -> None:
    """With TRANSFLOW_OFFLINE set, only engines on this machine may be called."""
    if os.environ.get(OFFLINE_VARIABLE) and host(url) not in ("127.0.0.1", "localhost", "::1"):
        raise EngineUnavailable(f"{host(url)} not contacted: {OFFLINE_VARIABLE} is set")


def host(url: str) -> str:
    return urlsplit(url).hostname or url


@dataclass(frozen=True)
class LlmSettings:
    """The `mt:` keys of the language-model engine (`llm`); the other engines ignore them."""

    model: str = ""
    api_key_env: str = "OPENAI_API_KEY"
    temperature: float = 0.0
    max_tokens: int = 4096
    tokens_per_minute: int = 0  # 0: no limit
    context: int = 2  # neighbouring source segments shown on each side of a segment
    batch_size: int = 20  # segments of one article per request
    prices: tuple[float, float] | None = None  # USD per million input and output tokens, for `model`
    style: tuple[tuple[str, str, str], ...] = ()  # the project's style guide: (aspect, language or "", rule)


@dataclass(frozen=True)
class EngineSettings:
    """The `mt:` section of transflow.yml, after command-line overrides."""

    name: str = "google"
    url: str | None = None
    concurrency: int = 4
    rate_limit: float = 0.0
    timeout: float = 20.0
    retries: int = 4
    backoff: float = 0.5
    max_backoff: float = 30.0
    save_interval: float = 5.0
    llm: LlmSettings = field(default_factory=LlmSettings)

    @property
    def identity(self) -> str:
        """Names the engine in cache keys and translator comments (a URL and a model, never a key)."""
        return " ".join(filter(None, [self.name, self.llm.model if self.name == "llm" else "", self.url]))
