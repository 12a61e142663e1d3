"""Reading and writing files without ever leaving a half-written one behind."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from transflow.errors import TransflowError

T = TypeVar("T")
# How often a file saved by someone else meanwhile is read and redone before giving up: one save
# is a translator's, a file that changes every time is a program writing it in a loop.
REWRITE_ATTEMPTS = 5


def read_text(path: Path) -> str:
    """Read a UTF-8 file; undecodable bytes are reported with their line number."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise TransflowError("no such file", path) from None
    except OSError as exc:
        raise TransflowError(f"cannot read: {exc.strerror}", path) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise TransflowError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8", path, line
        ) from None


TEMP_MARKER = ".transflow-tmp-"  # in every temporary file's name: `.NAME.transflow-tmp-XXXXXXXX`


def atomic_write_text(path: Path, text: str, *, expected: str | None = None) -> bool:
    """Write through a temporary file in the same folder and rename it into place.

    An interruption at any moment (Ctrl-C, kill -9, a crash) leaves either the old file or the new
    one, never a mix. There is no fsync: it would cost milliseconds per file on every run, and a
    lost power supply is the file system's business (ext4 and XFS flush a file replaced by rename).
    A temporary file left by a kill carries `TEMP_MARKER` in its name, for `remove_temp_files`.
    A failure (disk full, folder not writable) is a TransflowError naming ``path``, not the
    temporary file.

    With ``expected``, the file is replaced only if it still holds that text, checked just before
    the rename, so an editor's save made meanwhile is not overwritten (one landing between that
    check and the rename could be: editors take no lock to share). Returns whether it wrote.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}{TEMP_MARKER}", suffix="", dir=path.parent)
    except OSError as exc:
        raise TransflowError(f"cannot write: {exc.strerror or exc}", path) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            for start in range(0, len(text), _PIECE):  # encoded whole, a large catalog would take its size again
                handle.write(text[start : start + _PIECE])
        if path.exists():
            os.chmod(tmp_name, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp_name, 0o644)
        if expected is not None and not _holds(path, expected):
            Path(tmp_name).unlink()
            return False
        os.replace(tmp_name, path)
    except BaseException as exc:
        Path(tmp_name).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise TransflowError(f"cannot write: {exc.strerror or exc}", path) from None
        raise
    return True


_PIECE = 1 << 20  # characters encoded at once when writing or comparing a file


def _holds(path: Path, text: str) -> bool:
    """Whether the file is ``text`` in UTF-8, compared a piece at a time: read and decoded whole, a
    large catalog would take three times its size in memory next to the new one."""
    try:
        with path.open("rb") as handle:
            for start in range(0, len(text), _PIECE):
                piece = text[start : start + _PIECE].encode("utf-8")
                if handle.read(len(piece)) != piece:
                    return False
            return not handle.read(1)
    except FileNotFoundError:
        raise TransflowError("no such file", path) from None
    except OSError as exc:
        raise TransflowError(f"cannot read: {exc.strerror}", path) from None


def remove_temp_files(folder: Path) -> list[Path]:
    """Delete the temporary files that writes interrupted by a kill left under ``folder``.

    Only safe while no other transflow writes there: the caller holds the project lock.
    """
    removed = []
    for leftover in folder.rglob(f".*{TEMP_MARKER}*") if folder.is_dir() else ():
        leftover.unlink(missing_ok=True)
        removed.append(leftover)
    return removed


def rewrite_text(path: Path, make: Callable[[str | None], tuple[str, T]]) -> tuple[T, str, bool]:
    """Replace a file by what ``make`` derives from its content (None: no file), never over a save made meanwhile.

    If the file no longer holds what was read when the result is renamed into place, it is read
    again and ``make`` redone (it must be deterministic). Returns make's result, the text now in
    the file and whether it was written.
    """
    for _attempt in range(REWRITE_ATTEMPTS):
        old = read_text(path) if path.exists() else None
        new, result = make(old)
        if new == old:
            return result, new, False
        if atomic_write_text(path, new, expected=old):
            return result, new, True
    raise TransflowError(
        f"changed by another program {REWRITE_ATTEMPTS} times while transflow worked on it; "
        "left as it is: run the command again once it is saved",
        path,
    )
