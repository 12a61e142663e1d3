"""What a stage tells about its progress: the faces draw it (a bar, log lines); tests and `run` need none."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """Counts of texts (or entries, or articles) started, done and failed."""

    def start(self, total: int) -> None: ...

    def advance(self, count: int = 1, failed: int = 0) -> None:
        """``count`` more texts done, ``failed`` of them without a translation."""

    def finish(self) -> None: ...


class Silent:
    """No progress shown."""

    def start(self, total: int) -> None:
        pass

    def advance(self, count: int = 1, failed: int = 0) -> None:
        pass

    def finish(self) -> None:
        pass
