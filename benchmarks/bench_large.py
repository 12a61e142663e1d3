"""Time and peak memory of transflow on a 20 MB article, and of an offline no-change `run`.

- one article of --megabytes MB (41,500 paragraphs at 20 MB) in the style of the shipped ones:
  `extract`, `update` (creating the catalogs of three languages), `update` again after 1% of the
  paragraphs were edited (the merge with its fuzzy pass), `build`;
- the offline no-change `run`: a first `run` with the engine unreachable (a closed port on this
  machine), then a second one with nothing changed, which must not ask the engine again nor
  re-read the catalogs: on that project and on a generated corpus of --articles articles.

Each command runs as its own process (start-up included); its peak RSS comes from wait4. The
files are written by helper processes, so that this one stays small: a child's peak RSS counts
the parent's memory at the fork.
Targets: every step of the large article under 30 s and 300 MB; the no-change run under 1 s.

Usage: python benchmarks/bench_large.py [--megabytes 20] [--articles 300] [--seed 1]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

from generate import ArticleWriter, generate_project, project_config

WORK = Path(__file__).resolve().parent / ".work" / "large"
LANGUAGES = ["en", "de", "fr"]
TRANSFLOW = [str(Path(sys.executable).with_name("transflow"))]  # the installed command


def large_article(megabytes: float, seed: int) -> str:
    """One article of about ``megabytes`` MB: front matter, then sections until the size is reached."""
    writer = ArticleWriter(random.Random(seed))
    _slug, first = writer.article(0)
    parts, size = [first.rstrip("\n")], len(first.encode("utf-8"))
    while size < megabytes * 1_000_000:
        for block in writer.section():
            parts.append(block)
            size += len(block.encode("utf-8")) + 2
    return "\n\n".join(parts) + "\n"


def measure(project: Path, *args: str) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of one transflow command run in its own process."""
    start = time.perf_counter()
    process = subprocess.Popen([*TRANSFLOW, "-C", str(project), *args], stdout=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise SystemExit(f"transflow {' '.join(args)} failed with exit status {process.returncode}")
    return seconds, usage.ru_maxrss / 1024


def report(label: str, figures: tuple[float, float]) -> None:
    print(f"{label:48} {figures[0]:7.2f} s {figures[1]:7.0f} MB", flush=True)


def offline_settings(languages: list[str]) -> str:
    """An engine on a port of this machine where nothing listens: unreachable at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return project_config(languages) + f"mt:\n  engine: libre\n  url: http://127.0.0.1:{port}/\n  retries: 0\n"


def offline_runs(project: Path, label: str) -> None:
    report(f"{label}: run, engine unreachable", measure(project, "run"))
    report(f"{label}: run again, nothing changed", measure(project, "run"))


def write_article(article: Path, megabytes: float, seed: int) -> None:
    """The large article, or (when it exists) the same with 1% of its blocks edited."""
    if not article.exists():
        article.write_text(large_article(megabytes, seed), encoding="utf-8")
        return
    blocks = article.read_text(encoding="utf-8").split("\n\n")
    rng = random.Random(seed)
    for index in rng.sample(range(1, len(blocks)), len(blocks) // 100):
        blocks[index] = blocks[index].replace(" de ", " het ", 1) + " Gewijzigd."
    article.write_text("\n\n".join(blocks), encoding="utf-8")


def in_helper(*args: str) -> None:
    subprocess.run([sys.executable, __file__, "--helper", *args], check=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=20)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--helper", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.helper:
        if args.helper[0] == "article":
            write_article(Path(args.helper[1]), args.megabytes, args.seed)
        else:
            generate_project(Path(args.helper[1]), args.articles, args.seed, LANGUAGES)
        return
    shutil.rmtree(WORK, ignore_errors=True)
    os.environ.setdefault("TRANSFLOW_OFFLINE", "1")  # only engines on this machine are asked

    large = WORK / "large"
    (large / "source").mkdir(parents=True)
    article = large / "source" / "large.md"
    in_helper("article", str(article), "--megabytes", str(args.megabytes), "--seed", str(args.seed))
    (large / "transflow.yml").write_text(offline_settings(LANGUAGES), encoding="utf-8")
    print(f"article: {article.stat().st_size / 1e6:.1f} MB, languages {', '.join(LANGUAGES)}")
    report("extract", measure(large, "extract"))
    report("update (catalogs created)", measure(large, "update"))
    in_helper("article", str(article), "--seed", str(args.seed))
    report("extract (1% of the paragraphs edited)", measure(large, "extract"))
    report("update (merge, fuzzy pass)", measure(large, "update"))
    report("build", measure(large, "build"))
    offline_runs(large, "large article")

    corpus = WORK / "corpus"
    in_helper("corpus", str(corpus), "--articles", str(args.articles), "--seed", str(args.seed))
    (corpus / "transflow.yml").write_text(offline_settings(LANGUAGES), encoding="utf-8")
    offline_runs(corpus, f"{args.articles} articles")


if __name__ == "__main__":
    main()
