"""One error type for every bad input, so the CLI can print it as a single line and exit 2."""

from __future__ import annotations

from pathlib import Path


class TransflowError(Exception):
    """A user-facing problem with an input file: rendered as ``file:line: message``."""

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        if self.line is None:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}: {self.message}"
