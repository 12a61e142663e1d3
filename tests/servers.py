"""`transflow serve` started for real on 127.0.0.1 (a free port) in a copy of a project, and a
headless Chromium driven by Selenium, for the workspace's tests, benchmark and screenshots."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
REVIEWER = "Eva Tester"
SERVE = ("serve", "--port", "0")


@contextmanager
def served(project: Path, home: Path) -> Iterator[str]:
    """The printed URL (with its token) of a server on `project`; git names the reviewer."""
    gitconfig = home / "gitconfig"
    gitconfig.write_text(f"[user]\n\tname = {REVIEWER}\n")
    env = {**os.environ, "GIT_CONFIG_GLOBAL": str(gitconfig), "GIT_CONFIG_NOSYSTEM": "1"}
    process = subprocess.Popen(
        [sys.executable, "-c", "from transflow.faces.cli import main; main()", "--project", str(project), *SERVE],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:\d+/\?token=\S+", line)
        assert found, line + (process.stderr.read() if process.poll() is not None and process.stderr else "")
        yield found.group(0)
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def chromium(width: int = 1400, height: int = 900) -> Iterator[object]:
    """A headless Chromium with a fresh profile, driven through Debian's chromedriver."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="transflow-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM or "chromium"
    for argument in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        f"--window-size={width},{height}",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER or "chromedriver"), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
