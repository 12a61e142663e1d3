"""Benchmark `transflow serve`: opening an article of 1,000 segments, and saving one decision.

Usage: python benchmarks/bench_serve.py [--segments 1000] [--runs 15] [--seed 1]

A generated article (benchmarks/generate.py's sections, as many as it takes to reach
--segments) gets its catalog from `transflow extract` and `update`; half its entries are then
approved, a third fuzzy machine translations, the rest untranslated. The real server runs on
127.0.0.1 (a free port) and is asked for the article page and for `save` decisions over HTTP,
the way the browser asks; the server's own time to build the page is measured in-process too.
Targets (medians): the page in < 300 ms server time, a save round trip in < 50 ms. On a
shared machine the wall times follow the load; the CPU time is the server's own work.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from generate import ArticleWriter, project_config
from transflow.faces.serve.workspace import Workspace
from transflow.formats.markdown import parse_article
from transflow.formats.pofile import read_po, write_po
from transflow.stages.settings import load

PAGE_TARGET_MS = 300.0
SAVE_TARGET_MS = 50.0
CLI = (sys.executable, "-c", "from transflow.faces.cli import main; main()")
MT = "machine translation: pseudo, 2026-11-25 (pseudo-localization, not a translation)"


def article(segments: int, seed: int) -> tuple[str, str]:
    """(slug, text): front matter and a title, then sections until the article has `segments`
    segments (a section or two more at most)."""
    writer = ArticleWriter(random.Random(seed))
    slug, text = writer.article(0)
    blocks = [text.rstrip("\n")]
    while len(parse_article("\n\n".join(blocks) + "\n", "bench.md").segments) < segments:
        blocks.extend(writer.section() for _ in range(5))
        blocks = [block if isinstance(block, str) else "\n\n".join(block) for block in blocks]
    return slug, "\n\n".join(blocks) + "\n"


def prepare(folder: Path, segments: int, seed: int) -> tuple[Path, str, int]:
    """A one-article project with a filled German catalog: (project, slug, entries)."""
    (folder / "source").mkdir(parents=True)
    (folder / "transflow.yml").write_text(project_config(["de"]), encoding="utf-8")
    slug, text = article(segments, seed)
    (folder / "source" / f"{slug}.md").write_text(text, encoding="utf-8")
    for command in ("extract", "update"):
        subprocess.run([*CLI, "--project", str(folder), command], check=True)
    path = folder / "translations" / "de" / f"{slug}.po"
    po = read_po(path)
    live = [entry for entry in po if not entry.obsolete]
    for number, entry in enumerate(live):
        if number % 6 < 3:
            entry.msgstr = entry.msgid.upper()
        elif number % 6 < 5:
            entry.msgstr, entry.tcomment = entry.msgid.upper(), MT
            entry.flags.append("fuzzy")
    write_po(path, po)
    return folder, slug, len(live)


def call(url: str, path: str, method: str = "GET", body: dict | None = None, headers: dict | None = None):
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    connection.request(method, path, body=json.dumps(body).encode() if body else None, headers=headers or {})
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, data


def median_ms(samples: list[float]) -> float:
    return 1000 * statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as folder:
        project, slug, entries = prepare(Path(folder) / "project", args.segments, args.seed)
        workspace = Workspace(load(project))
        view = workspace.article("de", slug)
        segments = len(workspace.source(slug).article.segments)
        inside, cpu = [], []
        for _ in range(args.runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            workspace.article("de", slug)
            inside.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)

        server = subprocess.Popen(
            [*CLI, "--project", str(project), "serve", "--port", "0"],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            url = re.search(r"http://\S+", server.stdout.readline()).group(0)
            token = url.split("token=")[1]
            cookie = {"Cookie": f"transflow_token={token}"}
            page = []
            for _ in range(args.runs):
                started = time.perf_counter()
                status, body = call(url, f"/a/de/{slug}", headers=cookie)
                page.append(time.perf_counter() - started)
                assert status == 200, status
            size = len(body)
            version = view["version"]
            targets = [entry for entry in view["entries"] if entry["state"] == "fuzzy"]
            save = []
            headers = {**cookie, "Content-Type": "application/json", "X-Transflow-Token": token}
            for number in range(args.runs * 2):
                target = targets[number % len(targets)]
                decision = {"key": target["key"], "action": "save", "text": f"Entwurf {number}", "note": ""}
                started = time.perf_counter()
                status, body = call(url, f"/api/decide/de/{slug}", "POST", {**decision, "version": version}, headers)
                save.append(time.perf_counter() - started)
                assert status == 200, body
                version = json.loads(body)["version"]
        finally:
            server.terminate()
            server.wait()
    print(f"article: {segments} segments, {entries} catalog entries, a page of {size / 1024:.0f} KiB")
    print(
        f"open the article, server time (in-process, median of {args.runs}): {median_ms(cpu):.0f} ms CPU, "
        f"{median_ms(inside):.0f} ms wall "
        f"(target < {PAGE_TARGET_MS:.0f} ms)"
    )
    print(f"open the article over HTTP on 127.0.0.1 (median of {args.runs}): {median_ms(page):.0f} ms")
    print(
        f"save one decision, HTTP round trip (median of {len(save)}): {median_ms(save):.1f} ms "
        f"(target < {SAVE_TARGET_MS:.0f} ms)"
    )


if __name__ == "__main__":
    main()
