"""A generated site of many articles in nested folders x many languages: extract, update, build, run.

The site has `--articles` articles (default 1,000) spread over two levels of folders
(`section-07/topic-3/article-00042.md`), each a title, a description, a few headings, paragraphs
and list items, and links to two other articles and to an image, and `--languages` target
languages (default 10). Every stage runs as the real command in its own process; the script
reports its wall time and that process's peak RSS (from wait4), then the time of a `run` with
nothing changed.

Targets (issue 16): extract + build time and peak memory grow linearly from 1,000 to 10,000
articles; a no-change `run` stays under 2 s at 10,000 x 10.

Usage: python benchmarks/bench_sites.py [--articles 1000] [--languages 10] [--seed 1] [--keep]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

from generate import ArticleWriter

WORK = Path(__file__).resolve().parent / ".work" / "sites"
LANGUAGES = ["en", "de", "fr", "es", "it", "pt", "pl", "sv", "da", "cs", "fi", "el", "hu", "ro"]


def article_path(index: int) -> str:
    return f"section-{index % 37:02d}/topic-{index % 7}/article-{index:05d}.md"


def generate(root: Path, articles: int, languages: list[str], seed: int) -> None:
    rng = random.Random(seed)
    writer = ArticleWriter(rng)
    source = root / "source"
    for index in range(articles):
        path = source / article_path(index)
        path.parent.mkdir(parents=True, exist_ok=True)
        here = Path(article_path(index)).parent
        links = [
            os.path.relpath(article_path(rng.randrange(articles)), here),
            os.path.relpath(article_path(rng.randrange(articles)), here),
        ]
        blocks = [
            f"---\ntitle: {writer.heading_text()}\ndescription: {writer.sentence()}\n---",
            f"# {writer.heading_text()}",
            writer.paragraph(),
            f"Zie ook [{writer.words(1, 3)}]({links[0]}) en [{writer.words(1, 3)}]({links[1]}).",
            f"## {writer.heading_text()}",
            writer.paragraph(),
            "\n".join(f"- {writer.sentence()}" for _ in range(rng.randint(2, 4))),
            f"![{writer.words(2, 4)}](../../img/figure.png)",
        ]
        path.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    (source / "img").mkdir(exist_ok=True)
    (source / "img" / "figure.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (root / "transflow.yml").write_text(
        f"project: bench-sites\nsource_language: nl\nlanguages: [{', '.join(languages)}]\nbuild:\n  threshold: 0\n",
        encoding="utf-8",
    )


def timed(root: Path, *args: str) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak RSS in MiB) of one `transflow` command, in its own process."""
    command = [str(Path(sys.executable).parent / "transflow"), "--project", str(root), *args]
    errors = root / "stderr.txt"
    started = time.perf_counter()
    with errors.open("w") as stderr:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr)
        _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"transflow {' '.join(args)} failed: {errors.read_text()}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--languages", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the generated site under benchmarks/.work/sites")
    args = parser.parse_args()
    languages = LANGUAGES[: args.languages]
    root = WORK / f"{args.articles}x{len(languages)}"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    generate(root, args.articles, languages, args.seed)
    print(f"{args.articles:,} articles in nested folders x {len(languages)} languages ({root})")
    results = {}
    for stage in ("extract", "update", "build", "run"):
        results[stage] = timed(root, stage)
        wall, cpu, rss = results[stage]
        print(f"  {stage:8} {wall:8.1f} s wall {cpu:8.1f} s CPU   peak RSS {rss:6.0f} MiB", flush=True)
    unchanged = min(timed(root, "run")[:2] for _ in range(3))
    print(f"  no-change run {unchanged[0]:.2f} s wall, {unchanged[1]:.2f} s CPU (best of 3)")
    extract_build = results["extract"][1] + results["build"][1]
    print(f"  extract + build {extract_build:.1f} s CPU = {extract_build / args.articles * 1000:.2f} ms per article")
    outputs = sum(1 for _ in (root / "build").rglob("*.md"))
    print(f"  outputs written: {outputs:,} (expected {args.articles * len(languages):,})")
    if not args.keep:
        shutil.rmtree(root)


if __name__ == "__main__":
    main()
