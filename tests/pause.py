"""Stopping a command at a known point, to do something there: a save "during" a merge, for sure.

The command runs in a thread whose profile hook waits when the named function is entered, until
the test has done its part. The project's code runs unchanged; only its thread is held.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any


def while_inside(function: Callable, command: Callable[[], Any], action: Callable[[], None]) -> Any:
    """Run ``command``; the first time it enters ``function``, hold it there and run ``action``.

    Returns what ``command`` returned (or raises what it raised); fails if it never got there.
    """
    entered, resume = threading.Event(), threading.Event()
    outcome: dict[str, Any] = {}
    code = function.__code__

    def hook(frame: FrameType, event: str, _arg: object) -> None:
        if event == "call" and frame.f_code is code:
            sys.setprofile(None)
            entered.set()
            resume.wait()

    def target() -> None:
        sys.setprofile(hook)
        try:
            outcome["value"] = command()
        except BaseException as exc:  # handed to the test's thread
            outcome["error"] = exc
        finally:
            sys.setprofile(None)
            entered.set()

    thread = threading.Thread(target=target)
    thread.start()
    entered.wait()
    reached = "value" not in outcome and "error" not in outcome
    if reached:
        action()
    resume.set()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    assert reached, f"the command never entered {function.__qualname__}"
    return outcome["value"]
