"""One error type for every bad input, so the CLI can print it as a single line and exit 2."""

from __future__ import annotations

import os
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
        where = _shown(self.path)
        if self.line is None:
            return f"{where}: {self.message}"
        return f"{where}:{self.line}: {self.message}"


def _shown(path: str) -> str:
    """A path under the current folder is shown relative to it, the way users name their files."""
    if not os.path.isabs(path):
        return path
    try:
        return Path(path).relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path
