"""The offline pseudo-localization engine: the whole pipeline without a network."""

from __future__ import annotations

from transflow.domain.protect import PLACEHOLDER_FOUND


class PseudoEngine:
    """Offline pseudo-localization: accented, 30 % longer, bracketed, deterministic.

    It exercises the whole pipeline without a network and shows where text was not sent through
    translation; its output is marked ``⟦…⟧`` and is never mistaken for a translation.
    """

    limit = 1_000_000
    _ACCENTS = str.maketrans("aceinosuyACEINOSUY", "àçéîñôšûýÀÇÉÎÑÔŠÛÝ")

    def __init__(self, target: str):
        self.target = target

    def translate(self, text: str) -> str:
        kept = [match.group() for match in PLACEHOLDER_FOUND.finditer(text)]
        words = PLACEHOLDER_FOUND.split(text)[::2]
        pieces = [words[0].translate(self._ACCENTS)]
        for placeholder, word in zip(kept, words[1:], strict=True):
            pieces += [placeholder, word.translate(self._ACCENTS)]
        letters = sum(1 for char in text if char.isalpha())
        pad = " " + "~" * max(1, letters * 3 // 10) if letters else ""
        return f"⟦{''.join(pieces)}{pad}⟧"
