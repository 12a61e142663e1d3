"""What every engine is: one text in, one translation out, and the two ways it can fail.

An `Engine` translates one text from the source to one target language and has a length limit.
Engines are not thread-safe (deep-translator keeps the text in the instance), so callers make one
per thread. API keys are read from environment variables only, when an engine is made, and never
written anywhere: errors about a key name the variable, never the value.
"""

from __future__ import annotations

import os
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
        # What the failed text cost before it gave up (the service bills attempts too).
        self.requests = 0
        self.characters = 0


class Engine(Protocol):
    limit: int

    def translate(self, text: str) -> str: ...


def check_allowed(url: str) -> None:
    """With TRANSFLOW_OFFLINE set, only engines on this machine may be called."""
    if os.environ.get(OFFLINE_VARIABLE) and host(url) not in ("127.0.0.1", "localhost", "::1"):
        raise EngineUnavailable(f"{host(url)} not contacted: {OFFLINE_VARIABLE} is set")


def host(url: str) -> str:
    return urlsplit(url).hostname or url
