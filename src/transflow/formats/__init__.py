"""Formats: pure readers and writers of the files transflow exchanges (Markdown, PO, TMX, glossary).

No settings and no project here: each module is usable as a library on its own, and imports nothing from the
layers above (domain, stages, faces).
"""
