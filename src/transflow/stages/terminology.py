"""The glossary to and from TBX, for terminology tools (Weblate, memoQ, Trados, translate-toolkit)."""

from __future__ import annotations

from pathlib import Path

from transflow.domain import languages
from transflow.errors import TransflowError
from transflow.formats import glossary_file, tbx
from transflow.formats.fileio import atomic_write_text, read_text
from transflow.stages.settings import Config


def import_tbx(config: Config, file: Path, replace: bool = False) -> int:
    """Write the project's glossary.yml from a TBX file; the number of terms. An existing
    glossary is replaced only when asked: a TBX file cannot hold case rules or patterns."""
    if config.glossary_file.exists() and not replace:
        raise TransflowError("exists; use --replace to overwrite it with the TBX file's terms", config.glossary_file)
    glossary = tbx.read(read_text(file), file, config.source_language, languages.check)
    text = glossary_file.dump(glossary)
    glossary_file.parse(text, config.glossary_file, (), languages.check)  # what we write must read back
    atomic_write_text(config.glossary_file, text)
    return len(glossary.terms)


def export_tbx(config: Config, file: Path, version: int = 3) -> int:
    """Write the project's glossary as TBX-Basic; the number of terms."""
    text = read_text(config.glossary_file)
    glossary = glossary_file.parse(text, config.glossary_file, config.languages, languages.check)
    if not glossary.source_language:
        glossary = glossary_file.GlossaryFile(config.source_language, glossary.terms)
    atomic_write_text(file, tbx.write(glossary, config.languages, version))
    return len(glossary.terms)
