"""Calling an engine safely: a shared rate limit, retries with backoff, long texts split on sentences.

`translate_text` adds what deep-translator lacks: retries with exponential backoff and jitter on 429 (honouring
Retry-After), 5xx, timeouts and malformed replies, a shared rate limit, and texts longer than the engine's limit
split on sentence boundaries and joined back.
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from transflow.stages.engines.base import Engine, TransientError

if TYPE_CHECKING:
    from transflow.stages.settings import EngineSettings

T = TypeVar("T")


class RateLimiter:
    """At most `per_second` requests per second over all threads (0: no limit)."""

    def __init__(self, per_second: float):
        self.interval = 1.0 / per_second if per_second else 0.0
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        if not self.interval:
            return
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next)
            self._next = slot + self.interval
        if slot > now:
            time.sleep(slot - now)


class TokenBudget:
    """At most `per_minute` tokens sent in any minute over all threads (0: no limit)."""

    def __init__(self, per_minute: int):
        self.per_minute = per_minute
        self._spent: deque[tuple[float, int]] = deque()
        self._lock = threading.Lock()

    def wait(self, tokens: int) -> None:
        """Block until `tokens` more fit in the last minute (a larger request waits for an empty minute)."""
        if not self.per_minute:
            return
        while True:
            with self._lock:
                now = time.monotonic()
                while self._spent and self._spent[0][0] <= now - 60:
                    self._spent.popleft()
                if not self._spent or sum(spent for _, spent in self._spent) + tokens <= self.per_minute:
                    self._spent.append((now, tokens))
                    return
                pause = self._spent[0][0] + 60 - now
            time.sleep(pause)


@dataclass
class Sent:
    """What one text cost: requests and characters sent (the unit MT services bill by)."""

    translation: str
    requests: int
    characters: int


def translate_text(engine: Engine, text: str, settings: EngineSettings, limiter: RateLimiter) -> Sent:
    """Translate a text, in sentence-bounded pieces when it is longer than the engine's limit."""
    sent = Sent("", 0, 0)
    pieces = []
    for chunk in split_text(text, engine.limit):
        core = chunk.strip()
        if not core:
            pieces.append(chunk)
            continue
        lead = chunk[: len(chunk) - len(chunk.lstrip())]
        trail = chunk[len(chunk.rstrip()) :]
        try:
            pieces.append(lead + _with_retries(engine, core, settings, limiter, sent) + trail)
        except TransientError as exc:
            exc.requests, exc.characters = sent.requests, sent.characters
            raise
    sent.translation = "".join(pieces)
    return sent


def _with_retries(engine: Engine, text: str, settings: EngineSettings, limiter: RateLimiter, sent: Sent) -> str:
    def attempt() -> str:
        sent.requests += 1
        sent.characters += len(text)
        return engine.translate(text)

    return retrying(attempt, settings, limiter)


def retrying(call: Callable[[], T], settings: EngineSettings, limiter: RateLimiter) -> T:
    """`call` again after each TransientError, waiting Retry-After or an exponential backoff with jitter."""
    # A refused connection is retried once only: offline, every extra attempt is just waiting.
    attempts = settings.retries + 1
    for attempt in range(attempts):
        limiter.wait()
        try:
            return call()
        except TransientError as exc:
            last = attempt == attempts - 1 or (exc.refused and attempt >= 1)
            if last:
                raise
            delay = exc.retry_after
            if delay is None:
                delay = min(settings.max_backoff, settings.backoff * 2**attempt)
                delay *= random.uniform(0.5, 1.5)
            time.sleep(min(delay, settings.max_backoff * 10))
    raise AssertionError("unreachable")


_SENTENCE_END = re.compile(r"(?<=[.!?…:;])[\"'”’)\]]*\s+")


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters that join back to `text`, cut after sentences
    (or, for a longer sentence, between words)."""
    if len(text) <= limit:
        return [text]
    units: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        units.append(text[start : match.end()])
        start = match.end()
    units.append(text[start:])
    pieces: list[str] = []
    current = ""
    for unit in _fit(units, limit):
        if current and len(current) + len(unit) > limit:
            pieces.append(current)
            current = ""
        current += unit
    if current:
        pieces.append(current)
    return pieces


def _fit(units: list[str], limit: int) -> list[str]:
    fitted = []
    for unit in units:
        while len(unit) > limit:
            cut = unit.rfind(" ", 0, limit) + 1 or limit
            fitted.append(unit[:cut])
            unit = unit[cut:]
        fitted.append(unit)
    return [unit for unit in fitted if unit]
