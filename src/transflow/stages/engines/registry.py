"""Every machine-translation engine, registered once: its name and how to make one for a language pair.

Adding an engine means writing its module and adding one line here: `mt.engine` and `--engine` are
validated against this table (the `--engine` help lists the names too; a test keeps it in step).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeAlias

from transflow.stages.engines.base import Engine
from transflow.stages.engines.deepl_engine import DeeplEngine
from transflow.stages.engines.deeptranslator import KINDS, DeepTranslatorEngine
from transflow.stages.engines.llm import LlmEngine
from transflow.stages.engines.pseudo import PseudoEngine

if TYPE_CHECKING:
    from transflow.domain.glossary import Glossary
    from transflow.stages.settings import EngineSettings

# (settings, source language, target language, glossary) -> a new engine, for one thread.
EngineMaker: TypeAlias = "Callable[[EngineSettings, str, str, Glossary], Engine]"


def _deep_translator(name: str) -> EngineMaker:
    return lambda settings, source, target, _glossary: DeepTranslatorEngine(name, settings, source, target)


ENGINES: dict[str, EngineMaker] = {
    **{name: _deep_translator(name) for name in KINDS},
    "deepl": DeeplEngine,
    "llm": LlmEngine,
    "pseudo": lambda _settings, _source, target, _glossary: PseudoEngine(target),
}

# Engines that translate an article's segments together, with context (stages/batching.py).
BATCHED = frozenset({"llm"})


def open_engine(settings: EngineSettings, source: str, target: str, glossary: Glossary) -> Callable[[], Engine]:
    """A factory of engines for one language pair: call it once per thread."""
    make = ENGINES[settings.name]
    return lambda: make(settings, source, target, glossary)
