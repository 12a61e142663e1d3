"""Take the README's screenshots of `transflow serve` and `transflow report` (1400 and 390 px).

Usage: .venv/bin/python docs/screenshots/take.py

A copy of the shipped project is given a French catalog in mid-review (its reviewed translation
with a few entries made machine translations to check, one untranslated, one with a number the
source lacks, one queried), then the real server and headless Chromium take the pictures.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent / "tests"))

from helpers import copy_project, transflow  # noqa: E402
from servers import chromium, served  # noqa: E402
from transflow.formats.pofile import read_po, write_po  # noqa: E402

SLUG = "11-tekenen-van-een-magnesiumtekort"
MT = "machine translation: google, 2026-11-25"


def mid_review(project: Path) -> None:
    path = project / "translations" / "fr" / f"{SLUG}.po"
    po = read_po(path)
    entries = [entry for entry in po if not entry.obsolete]
    for entry in entries[6:9] + entries[14:16]:
        entry.flags.append("fuzzy")
        entry.tcomment = MT
    entries[11].msgstr = ""
    entries[12].msgstr = "12 " + entries[12].msgstr
    entries[20].tcomment = "query: the source says 300 reactions, other sources 600: which one? (Eva, 2026-11-26)"
    entries[20].flags.append("query")
    energy = next(entry for entry in entries if "ATP te genereren" in entry.msgid)
    energy.flags.append("fuzzy")
    energy.tcomment = MT
    energy.previous_msgid = energy.msgid.replace("Elke cel vertrouwt", "Iedere cel rekent")
    write_po(path, po)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        project = copy_project(Path(folder), with_translations=True)
        mid_review(project)
        transflow(project, "report", "--lang", "fr", "-o", str(Path(folder) / "report"))
        report = (Path(folder) / "report" / "fr.html").as_uri()
        with served(project, Path(folder)) as url:
            for width, height in ((1400, 900), (390, 844)):
                with chromium() as driver:
                    metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600}
                    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
                    driver.get(url)
                    driver.save_screenshot(str(HERE / f"overview-{width}.png"))
                    driver.get(url.split("/?")[0] + f"/a/fr/{SLUG}")
                    time.sleep(0.5)
                    energy = next(
                        seg for seg in driver.find_elements("css selector", "#article .seg.fuzzy") if "ATP" in seg.text
                    )
                    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", energy)
                    energy.click()
                    driver.execute_script("document.getElementById('ed-text').blur()")
                    time.sleep(1.0)
                    driver.execute_script("document.querySelector('.seg.selected').scrollIntoView({block: 'center'})")
                    time.sleep(0.3)
                    driver.save_screenshot(str(HERE / f"workspace-{width}.png"))
                    driver.get(report)
                    time.sleep(0.3)
                    driver.save_screenshot(str(HERE / f"report-{width}.png"))


if __name__ == "__main__":
    main()
