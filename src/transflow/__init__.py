"""transflow: Markdown articles to gettext catalogs and back, with TM, MT and QA in between."""

__version__ = "0.1.0"
