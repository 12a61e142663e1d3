"""Real site generators build real sites from what `transflow build` writes.

The fixture site (tests/fixtures/site) has nested folders, links between articles, images with a
German variant of one, and an article left untranslated in German. MkDocs with mkdocs-static-i18n
(from PyPI, the `test` extra) builds it with `--strict`, which fails on a broken link; Hugo (the
Debian package, which .ci/run installs) builds it as a multilingual site. The assertions are on the
generated HTML: the German page links to the German page, the untranslated article falls back to
the Dutch one, and every image and link resolves to a generated file.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from sitefixture import SITE, build, make_site, translate_upper

HUGO = shutil.which("hugo")


class _Links(HTMLParser):
    """The links and images of a page's content (<main>, or the whole page without one)."""

    def __init__(self) -> None:
        super().__init__()
        self.links: dict[str, str] = {}  # link text -> href
        self.images: dict[str, str] = {}  # alt -> src
        self._href: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self._href, self._text = values["href"], ""
        elif tag == "img":
            self.images[values.get("alt") or ""] = values.get("src") or ""

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links[" ".join(self._text.split())] = self._href
            self._href = None


def page(public: Path, url: str) -> tuple[str, _Links]:
    path = public / url.strip("/") / "index.html"
    text = path.read_text(encoding="utf-8")
    parser = _Links()
    parser.feed(text)
    return text, parser


def resolve(public: Path, page_url: str, href: str) -> tuple[Path, str]:
    """The generated file a link on a page leads to, and the link's URL path."""
    url = urlsplit(urljoin(f"https://example.org{page_url}", href)).path
    target = public / url.lstrip("/")
    return (target / "index.html" if url.endswith("/") else target), url


def assert_site(public: Path, german_logo: bytes) -> None:
    """What both generators must show for the fixture site."""
    text, start = page(public, "/de/start/")
    assert "WELKOM" in text
    install, install_url = resolve(public, "/de/start/", start.links["INSTALLATIE"])
    assert install_url == "/de/guide/install/"
    assert "BEHEERDERSRECHTEN" in install.read_text(encoding="utf-8")
    fallback, _ = resolve(public, "/de/start/", start.links["GEVORDERDE HANDLEIDING"])
    assert fallback.exists()
    assert "Deze pagina is nog niet vertaald" in fallback.read_text(encoding="utf-8")
    logo, _ = resolve(public, "/de/start/", start.images["HET LOGO VAN HET PROJECT"])
    assert logo.read_bytes() == german_logo
    _, guide = page(public, "/de/guide/install/")
    _, back_url = resolve(public, "/de/guide/install/", guide.links["STARTPAGINA"])
    assert back_url == "/de/start/"
    schema, _ = resolve(public, "/de/guide/install/", guide.images["SCHEMA VAN DE INSTALLATIE"])
    assert schema.read_bytes() == (SITE / "docs" / "img" / "schema.png").read_bytes()
    _, dutch = page(public, "/start/")
    assert resolve(public, "/start/", dutch.links["installatie"])[1] == "/guide/install/"


def test_mkdocs_static_i18n_builds_the_site_strictly(tmp_path):
    pytest.importorskip("mkdocs_static_i18n")
    project = make_site(tmp_path, "paths: {source: docs, build: docs}\nsite:\n  layout: mkdocs-i18n-suffix\n")
    shutil.copy(SITE / "mkdocs" / "mkdocs.yml", project / "mkdocs.yml")
    translate_upper(project, project / "translations")
    output = build(project)
    assert "docs/guide/install.de.md" in output
    assert not (project / "docs" / "guide" / "advanced.de.md").exists()
    start = (project / "docs" / "start.de.md").read_text(encoding="utf-8")
    assert "[INSTALLATIE](guide/install.de.md)" in start
    assert "(img/logo.de.png)" in start
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert_site(project / "public", (SITE / "docs" / "img" / "logo.de.png").read_bytes())


@pytest.mark.skipif(HUGO is None, reason="hugo is not installed (.ci/run installs Debian's package)")
def test_hugo_builds_the_multilingual_site(tmp_path):
    settings = "paths: {source: content/nl, build: content}\nsite:\n  layout: hugo\n  link_base: source\n"
    project = make_site(tmp_path, settings, source="content/nl")
    shutil.copytree(SITE / "hugo", project, dirs_exist_ok=True)
    translate_upper(project, project / "translations")
    build(project)
    start = (project / "content" / "de" / "start.md").read_text(encoding="utf-8")
    assert "[INSTALLATIE](guide/install.md)" in start
    assert "(img/logo.de.png)" in start
    assert HUGO is not None
    result = subprocess.run(
        [HUGO, "--quiet", "--destination", "public"], cwd=project, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert_site(project / "public", (SITE / "docs" / "img" / "logo.de.png").read_bytes())
