"""Progress on long work, the same way for every command: a bar on a terminal, a line now and then in CI logs.

On a terminal (stderr is a TTY) a click progress bar shows the count, the ETA and the current
item. Elsewhere (CI logs, pipes) a bar would be noise, and nothing at all looks like a hang, so a
one-line ``label: done/total (eta)`` is printed every ``INTERVAL`` seconds, and only then: a short
command prints nothing.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

import click

T = TypeVar("T")
INTERVAL = 10.0  # seconds between two progress lines in a log


class Progress:
    """Counts done out of a total, with failures; drawn as a bar or logged as lines."""

    def __init__(self, label: str, interval: float = INTERVAL) -> None:
        self.label = label
        self.interval = interval
        self.total = 0
        self.done = 0
        self.failed = 0
        self.bar: Any = None
        self.started = self.last_line = 0.0

    def start(self, total: int) -> None:
        self.total, self.done, self.failed = total, 0, 0
        self.started = self.last_line = time.monotonic()
        if sys.stderr.isatty():
            self.bar = click.progressbar(
                length=total, label=self.label, file=sys.stderr, show_pos=True, show_eta=True, show_percent=False
            )
            self.bar.__enter__()

    def advance(self, count: int = 1, failed: int = 0, item: str | None = None) -> None:
        self.done += count
        self.failed += failed
        if self.bar is not None:
            if failed:
                self.bar.label = f"{self.label} ({self.failed} failed)"
            if item is not None:
                self.bar.item_show_func = lambda _: item
            self.bar.update(count)
        elif time.monotonic() - self.last_line >= self.interval:
            self.last_line = time.monotonic()
            click.echo(f"{self.label}: {self.line()}", err=True)

    def line(self) -> str:
        """``done/total``, failures and the time left, estimated from the pace so far."""
        text = f"{self.done}/{self.total}"
        if self.failed:
            text += f", {self.failed} failed"
        elapsed = time.monotonic() - self.started
        if 0 < self.done < self.total:
            text += f", about {_duration(elapsed * (self.total - self.done) / self.done)} left"
        return text

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def each(items: Iterable[T], label: str, name: Callable[[T], str] = str, total: int | None = None) -> Iterator[T]:
    """``items`` one by one, with progress shown under ``label`` (each item named by ``name``).

    With ``total``, items are taken as they come (results of work in progress), else listed first.
    """
    if total is None:
        items = list(items)
        total = len(items)
    progress = Progress(label)
    progress.start(total)
    try:
        for item in items:
            yield item
            progress.advance(item=name(item))
    finally:
        progress.finish()


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"
