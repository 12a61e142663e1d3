"""`transflow serve` as a translator and an attacker would meet it: a real server on 127.0.0.1,
a real headless Chromium (Selenium, Debian's chromium and chromedriver), the PO files on disk."""

from __future__ import annotations

import http.client
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from helpers import copy_project, transflow
from servers import CHROMEDRIVER, CHROMIUM, REVIEWER, chromium, served
from transflow.domain.catalog import timestamp
from transflow.formats.pofile import read_po, write_po

pytest.importorskip("starlette")
SLUG = "11-tekenen-van-een-magnesiumtekort"
TITLE = "11 tekenen van een magnesiumtekort"
HEADING = "Magnesiumtekort begrijpen"
ADDRESSING = "Magnesiumtekort aanpakken"
MT = "machine translation: pseudo, 2026-11-25 (pseudo-localization, not a translation)"
needs_browser = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None, reason="apt-get install chromium chromium-driver"
)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped project, its German catalog with three machine translations to review."""
    project = copy_project(tmp_path_factory.mktemp("serve"), with_translations=True)
    path = catalog(project)
    po = read_po(path)
    for msgid, text in (
        (TITLE, "11 Anzeichen eines Magnesiummangels"),
        (HEADING, "Magnesiumüberschuss verstehen"),
        (ADDRESSING, "Magnesiummangel 2 angehen"),
    ):
        entry = po.find(msgid)
        entry.msgstr, entry.tcomment = text, MT
        entry.flags.append("fuzzy")
    write_po(path, po)
    return project


@pytest.fixture(scope="module")
def url(project: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with served(project, tmp_path_factory.mktemp("home")) as printed:
        yield printed


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as driver:
        yield driver


def catalog(project: Path) -> Path:
    return project / "translations" / "de" / f"{SLUG}.po"


def base(url: str) -> str:
    return url.split("/?")[0]


def today() -> str:
    return timestamp()[:10]


# --- in the browser ------------------------------------------------------------------------------


def wait_for(driver, condition, seconds: float = 20):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, seconds, poll_frequency=0.05).until(lambda _driver: condition())


def by_css(driver, selector: str):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


def segment(driver, text: str):
    return next(node for node in by_css(driver, "#article .seg") if node.text == text)


def value(driver, element_id: str) -> str:
    return driver.execute_script(f"return document.getElementById({element_id!r}).value")


def status(driver) -> str:
    return by_css(driver, "#ed-status")[0].text


def open_article(driver, url: str) -> None:
    driver.get(url)  # the printed URL: the token becomes a cookie
    link = next(a for a in by_css(driver, "a.article-link") if a.get_attribute("href").endswith(f"/de/{SLUG}"))
    link.click()
    wait_for(driver, lambda: by_css(driver, "#filter-count") and "entries" in by_css(driver, "#filter-count")[0].text)


def entry_block(text: str, msgid: str) -> str:
    """One entry of a PO text, comments to msgstr, as written."""
    blocks = text.split("\n\n")
    return next(block for block in blocks if f'\nmsgid "{msgid}"\n' in f"\n{block}\n")


def without_revision_date(text: str) -> str:
    return re.sub(r'"PO-Revision-Date: [^"]*"', "", text)


@needs_browser
def test_review_an_article_in_the_browser(url: str, browser, project: Path):
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    driver = browser
    before = catalog(project).read_text(encoding="utf-8")
    open_article(driver, url)
    assert by_css(driver, ".crumbs .current")[0].text == TITLE  # not approved yet: the source title
    Select(by_css(driver, "#filter-state")[0]).select_by_value("fuzzy")
    assert by_css(driver, "#filter-count")[0].text == "3 of 44 entries"
    assert not segment(driver, "Magnesiumüberschuss verstehen").get_attribute("class").count("dim")
    assert "dim" in segment(driver, "1. Muskelkrämpfe und Spasmen").get_attribute("class")

    segment(driver, "Magnesiumüberschuss verstehen").click()
    wait_for(driver, lambda: value(driver, "ed-text") == "Magnesiumüberschuss verstehen")
    assert by_css(driver, "#ed-source")[0].text == HEADING
    assert by_css(driver, "#ed-state")[0].text == "fuzzy"
    assert by_css(driver, "#ed-why")[0].text == "machine translation"
    area = by_css(driver, "#ed-text")[0]
    area.clear()
    area.send_keys("Magnesiummangel verstehen")
    area.send_keys(Keys.CONTROL, Keys.ENTER)
    # accepted, and the next entry that needs attention in the filter is open
    wait_for(driver, lambda: value(driver, "ed-text") == "Magnesiummangel 2 angehen")
    assert "approved" in segment(driver, "Magnesiummangel verstehen").get_attribute("class")

    after = catalog(project).read_text(encoding="utf-8")
    old = entry_block(before, HEADING)
    kept = [line for line in old.split("\n") if line.startswith(("#.", "#:", "msgid"))]  # notes, place, source
    accepted = "\n".join(
        [
            f"# superseded: {MT}",
            f"# reviewed: edited by {REVIEWER}, {today()}",
            *kept,
            'msgstr "Magnesiummangel verstehen"',
        ]
    )
    assert without_revision_date(after) == without_revision_date(before.replace(old, accepted))

    # the checks run again as the translator types
    wait_for(driver, lambda: "numbers" in by_css(driver, "#ed-findings")[0].text)
    by_css(driver, "#ed-note")[0].send_keys("Is the 2 in the source a typo?")
    by_css(driver, "#ed-raise")[0].click()
    wait_for(driver, lambda: status(driver).startswith("Query raised"))
    assert "query" in segment(driver, "Magnesiummangel 2 angehen").get_attribute("class")
    assert by_css(driver, "#ed-query-note")[0].text.startswith("Is the 2 in the source a typo?")
    queried = entry_block(catalog(project).read_text(encoding="utf-8"), ADDRESSING)
    assert queried.startswith(f"# {MT}\n# query: Is the 2 in the source a typo? ({REVIEWER}, {today()})\n")
    assert "\n#, fuzzy, query\n" in queried
    checked = transflow(project, "check", "--lang", "de", SLUG)
    assert checked.exit_code == 1
    assert "error: query: waiting for the editor's answer: Is the 2 in the source a typo?" in checked.output
    assert by_css(driver, "#ed-accept")[0].get_attribute("disabled") is not None  # resolve it first

    by_css(driver, "#ed-resolve")[0].click()
    wait_for(driver, lambda: status(driver) == "Query resolved.")
    resolved = entry_block(catalog(project).read_text(encoding="utf-8"), ADDRESSING)
    assert f"# query resolved by {REVIEWER}, {today()}: Is the 2 in the source a typo?" in resolved
    assert "\n#, fuzzy\n" in resolved
    assert "fuzzy" in segment(driver, "Magnesiummangel 2 angehen").get_attribute("class")
    if shutil.which("msgfmt"):
        subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(catalog(project))], check=True)

    # the checks run again as the translator types; Alt+Up goes to the previous entry in the filter
    area = by_css(driver, "#ed-text")[0]
    area.send_keys(" 1999")
    wait_for(driver, lambda: "1999" in by_css(driver, "#ed-findings")[0].text)
    area.send_keys(Keys.ALT, Keys.ARROW_UP)
    wait_for(driver, lambda: value(driver, "ed-text") == "11 Anzeichen eines Magnesiummangels")
    assert driver.get_log("browser") == []  # no script error, nothing refused by the CSP


@needs_browser
def test_a_conflicting_save_is_refused_and_loses_neither_version(url: str, browser, project: Path):
    driver = browser
    open_article(driver, url)
    segment(driver, "11 Anzeichen eines Magnesiummangels").click()
    wait_for(driver, lambda: value(driver, "ed-text") == "11 Anzeichen eines Magnesiummangels")

    po = read_po(catalog(project))  # meanwhile, another editor saves the catalog
    po.find(HEADING).msgstr = "Magnesiummangel verstehen (Lektorat)"
    write_po(catalog(project), po)
    theirs = catalog(project).read_bytes()

    area = by_css(driver, "#ed-text")[0]
    area.clear()
    area.send_keys("Elf Anzeichen von Magnesiummangel")
    by_css(driver, "#ed-save")[0].click()
    wait_for(driver, lambda: by_css(driver, "#ed-conflict")[0].is_displayed())
    assert "changed on disk" in by_css(driver, "#ed-conflict-message")[0].text
    assert by_css(driver, "#ed-mine")[0].text == "Elf Anzeichen von Magnesiummangel"
    assert by_css(driver, "#ed-theirs")[0].text == "11 Anzeichen eines Magnesiummangels [fuzzy]"
    assert catalog(project).read_bytes() == theirs, "nothing was overwritten"

    by_css(driver, "#ed-reload")[0].click()  # reload: the page shows the disk, the editor keeps ours
    mine = "Elf Anzeichen von Magnesiummangel"
    wait_for(driver, lambda: bool(by_css(driver, "#ed-text")) and value(driver, "ed-text") == mine)
    by_css(driver, "#ed-save")[0].click()
    wait_for(driver, lambda: status(driver).startswith("Saved"))
    saved = read_po(catalog(project))
    assert saved.find(TITLE).msgstr == "Elf Anzeichen von Magnesiummangel"
    assert saved.find(HEADING).msgstr == "Magnesiummangel verstehen (Lektorat)"
    assert "fuzzy" in saved.find(TITLE).flags and f"reviewed: edited by {REVIEWER}" in saved.find(TITLE).tcomment

    # the machine's suggestion it started from can be brought back
    segment(driver, "Elf Anzeichen von Magnesiummangel").click()
    wait_for(driver, lambda: by_css(driver, "#ed-revert")[0].is_displayed())
    by_css(driver, "#ed-revert")[0].click()
    assert value(driver, "ed-text") == "11 Anzeichen eines Magnesiummangels"


# --- what a stranger gets ------------------------------------------------------------------------


def request(url: str, path: str, method: str = "GET", headers: dict[str, str] | None = None, body: str = ""):
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request(method, path, body=body.encode() or None, headers=headers or {})
    response = connection.getresponse()
    return response.status, dict(response.getheaders()), response.read().decode()


def token(url: str) -> str:
    return url.split("token=")[1]


def with_token(url: str, **headers: str) -> dict[str, str]:
    return {"Cookie": f"transflow_token={token(url)}", **headers}


def decide_body(msgid: str) -> str:
    return json.dumps({"key": json.dumps([None, msgid]), "action": "save", "text": "x", "note": "", "version": ""})


def test_every_request_needs_the_token(url: str):
    assert request(url, "/")[0] == 403
    assert request(url, "/", headers={"Cookie": "transflow_token=guess"})[0] == 403
    assert request(url, f"/a/de/{SLUG}")[0] == 403
    assert request(url, "/static/workspace.js")[0] == 403
    status_, headers, _ = request(url, f"/?token={token(url)}")
    assert status_ == 303 and headers["location"] == "/"
    assert "HttpOnly" in headers["set-cookie"] and "SameSite=Strict" in headers["set-cookie"]
    assert request(url, "/", headers=with_token(url))[0] == 200


def test_a_foreign_host_header_is_refused(url: str):
    port = urlsplit(url).port
    for host in ("evil.example", f"evil.example:{port}", "127.0.0.1:1"):
        assert request(url, "/", headers=with_token(url, Host=host))[0] == 400
    assert request(url, "/", headers=with_token(url, Host=f"localhost:{port}"))[0] == 200


def test_cross_site_writes_are_refused(url: str, project: Path):
    before = catalog(project).read_bytes()
    path = f"/api/decide/de/{SLUG}"
    json_type = {"Content-Type": "application/json"}
    attempts = [
        with_token(url, **json_type),  # the cookie alone: what a cross-site fetch would send
        with_token(url, **{"Content-Type": "application/x-www-form-urlencoded", "X-Transflow-Token": token(url)}),
        with_token(url, Origin="http://evil.example", **{"X-Transflow-Token": token(url)}, **json_type),
        with_token(url, **{"Sec-Fetch-Site": "cross-site", "X-Transflow-Token": token(url)}, **json_type),
    ]
    for headers in attempts:
        assert request(url, path, "POST", headers, decide_body(HEADING))[0] in (403, 415)
    assert catalog(project).read_bytes() == before


def test_pages_load_nothing_inline_and_escape_catalog_text(url: str, project: Path, tmp_path: Path):
    status_, headers, page = request(url, f"/a/de/{SLUG}", headers=with_token(url))
    assert status_ == 200
    policy = headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "default-src 'none'" in policy
    for script in re.findall(r"<script\b[^>]*>", page):
        assert 'src="/static/' in script or 'type="application/json"' in script, script
    assert not re.search(r"\sstyle=|<style", page) and not re.search(r"\son[a-z]+=", page)

    path = project / "translations" / "fr" / f"{SLUG}.po"
    original = path.read_bytes()
    po = read_po(path)
    po.find(HEADING).msgstr = "<img src=x onerror=alert(1)></script><script>alert(2)</script>"
    write_po(path, po)
    try:
        page = request(url, f"/a/fr/{SLUG}", headers=with_token(url))[2]
        assert "<img src=x" not in page and "<script>alert" not in page
        assert "&lt;img src=x onerror=alert(1)&gt;" in page
    finally:
        path.write_bytes(original)


@pytest.mark.parametrize(
    "path",
    [
        f"/a/../{SLUG}",
        "/a/de/..%2F..%2Ftransflow.yml",
        "/a/de/%2E%2E",
        f"/a/..%2Fde/{SLUG}",
        "/a/xx/" + SLUG,
        f"/api/entry/de/..%2Ftemplates%2F{SLUG}?key=%5Bnull%2C%22x%22%5D",
    ],
)
def test_article_and_language_are_the_projects_own(url: str, path: str):
    assert request(url, path, headers=with_token(url))[0] == 404


def test_the_host_names_a_server_answers_to():
    from transflow.faces.serve.app import allowed_hosts

    assert allowed_hosts("127.0.0.1", 8741) == {"127.0.0.1:8741", "localhost:8741", "[::1]:8741"}
    assert allowed_hosts("192.0.2.7", 80) == {"192.0.2.7:80"}  # exposed on purpose: only its own name


def test_what_the_workspace_refuses_to_write(url: str, project: Path):
    """An empty translation is refused before anything is written, with the reason."""
    headers = with_token(url, **{"Content-Type": "application/json", "X-Transflow-Token": token(url)})
    path = project / "translations" / "fr" / f"{SLUG}.po"
    before = path.read_bytes()
    version = request(url, f"/api/entry/fr/{SLUG}?key=" + quote(json.dumps([None, HEADING])), headers=headers)
    current = json.loads(version[2])["version"]
    body = {"key": json.dumps([None, HEADING]), "action": "save", "text": " ", "note": "", "version": current}
    status_, _headers, answer = request(url, f"/api/decide/fr/{SLUG}", "POST", headers, json.dumps(body))
    assert status_ == 422 and "empty translation" in json.loads(answer)["error"]
    assert path.read_bytes() == before
