"""Machine-translation engines behind one adapter: `open_engine` makes one, `translate_text` calls it safely.

`registry` lists every engine once; `base` says what an engine is; `calling` adds the rate limit, retries
and splitting; `deep_translator_compat` is the only module that touches a library's internals.
"""

from __future__ import annotations

from transflow.stages.engines.base import (
    OFFLINE_VARIABLE,
    Engine,
    EngineUnavailable,
    TransientError,
    check_allowed,
)
from transflow.stages.engines.calling import RateLimiter, Sent, split_text, translate_text
from transflow.stages.engines.deepl_engine import glossary_entries
from transflow.stages.engines.pseudo import PseudoEngine
from transflow.stages.engines.registry import BATCHED, ENGINES, open_engine

__all__ = [
    "BATCHED",
    "ENGINES",
    "OFFLINE_VARIABLE",
    "Engine",
    "EngineUnavailable",
    "PseudoEngine",
    "RateLimiter",
    "Sent",
    "TransientError",
    "check_allowed",
    "glossary_entries",
    "open_engine",
    "split_text",
    "translate_text",
]
